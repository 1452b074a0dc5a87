"""What every Platform body shares: MX's pagination (request and response), its timestamps, and nullable
fields declared the way MX's document declares them."""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime
from typing import Any, ClassVar

from marshmallow import Schema, ValidationError, fields, pre_load, validate, validates_schema

from mocknexus.schemas.common import QuerySchema, RequestSchema
from mocknexus.schemas.fastdump import constant

# MX: "records_per_page ... Defaults to 25. The valid range is from 10 to 100. If the value exceeds 100,
# the default value of 25 will be used instead." The institution lists take up to 1000.
DEFAULT_PER_PAGE = 25
MAX_PER_PAGE = 100
MAX_INSTITUTIONS_PER_PAGE = 1000


def per_page(query: dict, maximum: int = MAX_PER_PAGE) -> int | None:
    """`records_per_page` as MX applies it: above the maximum, the default (below 10, the domain's 10)."""
    wanted = query.get("records_per_page")
    return DEFAULT_PER_PAGE if wanted is not None and wanted > maximum else wanted


class PlatformTime(fields.Field):
    """MX's Platform timestamps: ISO 8601 in UTC to the second, `2015-04-13T12:01:23Z` (its examples)."""

    def _serialize(self, value: datetime | None, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return self.serialize_value(value)

    @staticmethod
    @functools.lru_cache(maxsize=8192)
    def serialize_value(value: datetime | None) -> str | None:
        """The text of `value` alone (schemas/fastdump.py calls it straight). Kept: a page of transactions writes
        400 timestamps, most of them shared (an aggregation's time, a day's posting time). Equal datetimes are
        the same instant, so they write the same text."""
        return None if value is None else time_text(value)


def time_text(value: datetime) -> str:
    """`PlatformTime`'s text of a datetime, not kept (for times mostly written once: a transaction's own)."""
    zone = value.tzinfo
    if zone is not None and zone is not UTC:
        value = value.astimezone(UTC)
    if 1000 <= value.year <= 9999:  # strftime's text below from kept parts, several times faster
        minute = value.hour * 60 + value.minute
        return _day_text(value.toordinal()) + _MINUTE_TEXTS[minute] + _SECOND_TEXTS[value.second]
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


# A timestamp's text in parts: its day's (kept: a page's transactions share a few days), its minute's, its second's.
# A page's first read writes ~100 transaction times no earlier page wrote (checked equal to strftime's text over
# years 1000-9999, naive, UTC and offset datetimes).
@functools.lru_cache(maxsize=1024)
def _day_text(ordinal: int) -> str:
    return date.fromordinal(ordinal).isoformat() + "T"


_MINUTE_TEXTS = tuple(f"{hour:02d}:{minute:02d}:" for hour in range(24) for minute in range(60))
_SECOND_TEXTS = tuple(f"{second:02d}Z" for second in range(60))


def text(**kwargs: Any) -> fields.String:
    """A `string, nullable` property (most of MX's response properties)."""
    return fields.String(allow_none=True, **kwargs)


def flag(**kwargs: Any) -> fields.Boolean:
    return fields.Boolean(allow_none=True, **kwargs)


def whole(**kwargs: Any) -> fields.Integer:
    return fields.Integer(allow_none=True, **kwargs)


def amount(**kwargs: Any) -> fields.Float:
    return fields.Float(allow_none=True, **kwargs)


def nulls(names: str, json_type: str) -> dict[str, fields.Field]:
    """Properties MX declares but mocknexus has no data for: always null, at their declared JSON type."""
    return {
        name: fields.Function(constant(None), allow_none=True, metadata={"type": json_type, "nullable": True})
        for name in names.split()
    }


class NotEmpty(RequestSchema):
    """A PUT body's rooted object: MX: "PUT request bodies cannot be empty ... at least one parameter must be
    given in a rooted body ... If no parameter is given, a 400"."""

    openapi_rules: ClassVar[dict] = {"minProperties": 1}

    @validates_schema
    def _not_empty(self, data: dict, **kwargs: Any) -> None:
        if not data:
            raise ValidationError("At least one parameter must be given.")


class PlatformPagination(Schema):
    current_page = fields.Integer()
    per_page = fields.Integer()
    total_entries = fields.Integer()
    total_pages = fields.Integer()


class PlatformQuery(QuerySchema):
    """A Platform query: MX's Python SDK writes a boolean as Python does (`True`), and MX takes it (INFERRED
    from its SDK working against MX), so a boolean parameter is read case-insensitively."""

    @pre_load
    def _lowercase_booleans(self, data: Any, **kwargs: Any) -> Any:
        if not isinstance(data, dict):
            return data
        return {
            key: value.lower()
            if isinstance(self.fields.get(key), fields.Boolean)
            and isinstance(value, str)
            and value.lower() in ("true", "false")
            else value
            for key, value in data.items()
        }


class PlatformPageQuery(PlatformQuery):
    page = fields.Integer(load_default=None, validate=validate.Range(min=1))
    records_per_page = fields.Integer(load_default=None, validate=validate.Range(min=1))
