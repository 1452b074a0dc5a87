"""Shapes shared by all three APIs: errors, pagination, timestamps, and MX's "rooted" bodies."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, pre_load, validate


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
    """Strings with a length cap, so a 10 MB name cannot be stored. The cap is a Length validator, so the
    OpenAPI document states it too (maxLength)."""

    def __init__(self, *args: Any, max_length: int = 1024, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_length = max_length
        self.validators = [*self.validators, validate.Length(max=max_length)]


class DigitsOrInteger(fields.Integer):
    """An integer, or a string of its digits: MX's guide sends `credit_score` as "718" (and answers 718).
    The OpenAPI document gives both forms (web/openapi.py reads the `x-digits` mark)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["metadata"] = {**kwargs.get("metadata", {}), "x-digits": True}
        super().__init__(*args, **kwargs)


# The schemes the app's messages must never be sent to (the widget's `{scheme}://connect/...`, an OAuth
# window's `{scheme}://oauth_complete?...`): script and data URLs would run or show content in the app's
# WebView, web and file URLs would leave the app's own scheme. Refused before any URL is made, wherever the
# option is taken (INFERRED: MX's docs ask for the app's own scheme, "mx" by default, and answer a bad
# option with a 400).
SCRIPT_SCHEMES = ("javascript", "data", "vbscript", "file")  # a link with one of these runs or reads in the page
DANGEROUS_SCHEMES = (*SCRIPT_SCHEMES, "http", "https")


def _any_case(word: str) -> str:
    # Case-insensitively, as browsers read schemes; spelled out because the OpenAPI document's patterns
    # (ECMA-262) take no inline flags.
    return "".join(f"[{c.lower()}{c.upper()}]" for c in word)


def _scheme_but(schemes: tuple[str, ...]) -> str:
    """A URL scheme (RFC 3986: a letter, then letters, digits, "+", "-", "."), none of `schemes`."""
    return rf"(?!({'|'.join(_any_case(s) for s in schemes)})(:|$))[A-Za-z][A-Za-z0-9+.-]{{0,63}}"


MESSAGE_SCHEME = validate.Regexp(
    rf"^{_scheme_but(DANGEROUS_SCHEMES)}$",
    error=f"Not a valid URL scheme for the app's messages (not {', '.join(DANGEROUS_SCHEMES)}).",
)
# `client_redirect_url` ends in a 303's Location and in the "Return to the app" link: the same scheme rule as
# the WebView scheme, except that it is where a web app (https) or a universal link returns, so http(s) is
# fine. An absolute URL (a scheme, then no whitespace or control character: a browser strips those, so
# "java\tscript:" would be javascript:). INFERRED: MX documents the field as the app's URL and no refusal.
REDIRECT_URL = validate.Regexp(
    rf"^{_scheme_but(SCRIPT_SCHEMES)}:[^\x00-\x20\x7f]+$",
    error=f"Not a valid redirect URL (an absolute URL; not {', '.join(SCRIPT_SCHEMES)}).",
)


def message_scheme(default: str | None = None) -> StrictString:
    """`ui_message_webview_url_scheme`, as every request that takes it reads it (widget URLs, create member,
    oauth_window_uri; Nexus, SSO and the Platform API alike); null, when it defaults to null."""
    return StrictString(load_default=default, validate=MESSAGE_SCHEME, max_length=64)


def redirect_url(**options: Any) -> StrictString:
    """`client_redirect_url`, as every request that takes it reads it (create member, oauth_window_uri, widget
    URLs; Nexus, SSO and the Platform API alike)."""
    return StrictString(validate=REDIRECT_URL, **{"load_default": None, "max_length": 2048, **options})


class JSONNumber(float):
    """A JSON number with a fraction or exponent as the request wrote it (`json.loads(parse_float=...)` in
    web/http.py): a float everywhere, whose `text` keeps the digits a float rounds away (0.09000000000000000001
    is not 0.09 to a field that counts decimals)."""

    text: str

    def __new__(cls, text: str) -> JSONNumber:
        number = super().__new__(cls, text)
        number.text = text
        return number


class RequestSchema(Schema):
    """Request bodies: unknown fields are ignored, as MX ignores them (INFERRED). Each field takes exactly the
    JSON type the OpenAPI document gives it: marshmallow alone would read 2.5 or true as an integer, or "1"
    as a number, which the document forbids."""

    class Meta:
        unknown = EXCLUDE

    def on_bind_field(self, field_name: str, field_obj: fields.Field) -> None:
        _require_type(field_obj, _JSON_TYPES)


class QuerySchema(RequestSchema):
    """Query parameters: strings that must spell the parameter's type (`page=1`, `reveal=true`), no more;
    on an endpoint that takes query parameters, an unknown one is a 400 naming it (a typo such as
    `per_pag=` would otherwise be silently ignored, and the document lists every parameter)."""

    class Meta:
        unknown = RAISE

    def on_bind_field(self, field_name: str, field_obj: fields.Field) -> None:
        _require_type(field_obj, _QUERY_TYPES)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


# field class -> (what the raw value must satisfy, its name in errors); the first class that matches wins.
_JSON_TYPES: list[tuple[type, Callable[[Any], bool], str]] = [
    (
        DigitsOrInteger,
        lambda v: (
            (isinstance(v, int) and not isinstance(v, bool)) or (isinstance(v, str) and v.isascii() and v.isdigit())
        ),
        "integer (or a string of its digits)",
    ),
    (fields.Boolean, lambda v: isinstance(v, bool), "boolean"),
    (fields.Integer, lambda v: isinstance(v, int) and not isinstance(v, bool), "integer"),
    (fields.Number, _is_number, "number"),
]
_QUERY_TYPES: list[tuple[type, Callable[[Any], bool], str]] = [
    (fields.Boolean, lambda v: v in ("true", "false"), "boolean (true or false)"),
    (fields.Integer, lambda v: isinstance(v, str) and re.fullmatch(r"-?[0-9]+", v) is not None, "integer"),
    (fields.Number, lambda v: isinstance(v, str) and re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", v) is not None, "number"),
]


def _require_type(field: fields.Field, table: list[tuple[type, Callable[[Any], bool], str]]) -> None:
    for cls, accepts, name in table:
        if isinstance(field, cls):
            inner = field._deserialize

            def typed(value: Any, attr: str | None, data: Any, _inner=inner, _ok=accepts, _name=name, **kw: Any):
                if not _ok(value):
                    raise ValidationError(f"Not a valid {_name}.")
                return _inner(value, attr, data, **kw)

            field._deserialize = typed  # type: ignore[method-assign]
            return


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


# Validators must raise: marshmallow 3 treats a validator returning False as a failure, marshmallow 4
# ignores the return value. tests/serving/test_robustness.py checks that every validator is one that raises.
POSITIVE = validate.Range(min=1)


class PageQuery(QuerySchema):
    page = fields.Integer(load_default=None, validate=POSITIVE)
    records_per_page = fields.Integer(load_default=None, validate=POSITIVE)
    per_page = fields.Integer(load_default=None, validate=POSITIVE)  # accepted alias


class EmptySchema(Schema):
    """`{}`: MX's body for most successful deletes."""
