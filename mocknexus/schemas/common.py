"""Shapes shared by all three APIs: errors, pagination, timestamps, and MX's "rooted" bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load


class MXDateTime(fields.Field):
    """ISO 8601 in UTC with milliseconds, as MX's examples write it: 2016-10-13T18:07:57.000Z."""

    def _serialize(self, value: datetime | None, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        if value is None:
            return None
        return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


class UnixTime(fields.Field):
    """MDX writes `logged_in_at` as Unix seconds."""

    def _serialize(self, value: datetime | None, attr: str | None, obj: Any, **kwargs: Any) -> int | None:
        return None if value is None else int(value.timestamp())


class StrictBoolean(fields.Boolean):
    """JSON true/false only: "yes" or 1 for a boolean is a client bug worth a 400, not a silent guess."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise ValidationError("Not a valid boolean.")
        return value


class StrictString(fields.String):
    """Strings with a length cap, so a 10 MB name cannot be stored."""

    def __init__(self, *args: Any, max_length: int = 1024, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_length = max_length

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        result = super()._deserialize(value, attr, data, **kwargs)
        if len(result) > self.max_length:
            raise ValidationError(f"Longer than maximum length {self.max_length}.")
        return result


class RequestSchema(Schema):
    """Request bodies: unknown fields are ignored, as MX ignores them (INFERRED)."""

    class Meta:
        unknown = EXCLUDE


class Rooted(RequestSchema):
    """A body MX wraps in a root key (`{"member": {...}}`); MX still accepts the unwrapped legacy form."""

    root: str = ""

    @pre_load
    def _wrap_unrooted(self, data: Any, **kwargs: Any) -> Any:
        if isinstance(data, dict) and self.root not in data:
            return {self.root: data}
        return data


class ErrorBody(Schema):
    code = fields.Integer(required=True, metadata={"description": "MX error code (HTTP status x 10 + n)"})
    message = fields.String(required=True)


class ErrorResponse(Schema):
    """MX: "an error response body consists of a code and a message"; the `error` root is INFERRED."""

    error = fields.Nested(ErrorBody, required=True)


class PaginationSchema(Schema):
    current_page = fields.Integer()
    per_page = fields.Integer()
    total_entries = fields.Integer()
    total_pages = fields.Integer()


class PageQuery(RequestSchema):
    page = fields.Integer(load_default=None, validate=lambda n: n >= 1)
    records_per_page = fields.Integer(load_default=None, validate=lambda n: n >= 1)
    per_page = fields.Integer(load_default=None, validate=lambda n: n >= 1)  # accepted alias


class EmptySchema(Schema):
    """`{}`: MX's body for most successful deletes."""
