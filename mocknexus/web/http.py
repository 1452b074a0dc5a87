"""What every blueprint shares: the emulator handle, strict JSON body parsing, and rendering in MX's media types."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, current_app, request
from marshmallow import Schema, ValidationError, fields

from mocknexus.control.faults import Faults
from mocknexus.control.journal import Journal
from mocknexus.domain.errors import ErrorKind, MXError
from mocknexus.domain.service import Emulator
from mocknexus.schemas.common import ErrorResponse
from mocknexus.schemas.fastdump import dumper

NEXUS_MEDIA_TYPE = "application/vnd.mx.nexus.v1+json"
MDX_MEDIA_TYPE = "application/vnd.moneydesktop.mdx.v5+json"
SSO_MEDIA_TYPE = "application/vnd.moneydesktop.sso.v3+json"
ADMIN_MEDIA_TYPE = "application/json"
_MEDIA_TYPES = {"mdx": MDX_MEDIA_TYPE, "sso": SSO_MEDIA_TYPE, "admin": ADMIN_MEDIA_TYPE}

MAX_JSON_DEPTH = 16

_error_schema = ErrorResponse()


def emulator() -> Emulator:
    return current_app.extensions["mocknexus"]


def faults() -> Faults:
    return current_app.extensions["mocknexus.faults"]


def journal() -> Journal:
    return current_app.extensions["mocknexus.journal"]


def media_type() -> str:
    """The answering API's media type; Nexus's for anything no blueprint claimed (unknown paths)."""
    return _MEDIA_TYPES.get(request.blueprint or "", NEXUS_MEDIA_TYPE)


def render(schema: Schema, obj: Any, status: int = 200) -> Response:
    with emulator().transaction():
        body = dumper(schema)(obj)
    return Response(_dumps(body), status=status, mimetype=media_type())


def render_error(error: MXError) -> Response:
    body = _error_schema.dump({"error": {"code": error.code, "message": error.message}})
    return Response(_dumps(body), status=error.http_status, mimetype=media_type())


def render_json(body: Any, status: int = 200) -> Response:
    """A body that has no schema of its own (the admin state snapshot)."""
    return Response(_dumps(body), status=status, mimetype=media_type())


def read_body(schema: Schema, required: bool = True) -> dict:
    """Load the request body through `schema`: malformed JSON, a non-object, or invalid fields are MX 400s."""
    return _load(schema, read_json_object(required))


def read_json_object(required: bool = True) -> dict:
    """The request body as a JSON object, or an MX 400/415 saying why it is not one."""
    if "xml" in (request.mimetype or ""):
        raise MXError(ErrorKind.UNSUPPORTED_MEDIA_TYPE, "mocknexus speaks JSON only; send a JSON body.")
    raw = request.get_data(cache=True)
    if not raw.strip():  # no body at all; a JSON `null` is a body, and not an object
        if required:
            raise MXError(ErrorKind.MISSING_PARAMETERS, "A request body is required.")
        return {}
    try:
        data: Any = json.loads(raw)
    except (ValueError, RecursionError):
        raise MXError(ErrorKind.BAD_REQUEST, "The request body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise MXError(ErrorKind.BAD_REQUEST, "The request body must be a JSON object.")
    if _too_deep(data):
        raise MXError(ErrorKind.BAD_REQUEST, f"The request body nests deeper than {MAX_JSON_DEPTH} levels.")
    return data


def _too_deep(data: Any) -> bool:
    """No MX body nests more than a few levels; refusing deep ones keeps validation cheap and bounded."""
    level = [data]
    for _ in range(MAX_JSON_DEPTH):
        level = [v for item in level for v in (item.values() if isinstance(item, dict) else item)
                 if isinstance(v, dict | list)]  # fmt: skip
        if not level:
            return False
    return True


def read_query(schema: Schema) -> dict:
    args = {
        key: request.args.getlist(key) if isinstance(schema.fields.get(key), fields.List) else request.args.get(key)
        for key in request.args
    }
    return _load(schema, args)


def _load(schema: Schema, data: dict) -> dict:
    try:
        return schema.load(data)
    except ValidationError as exc:
        problems = list(_flatten(exc.messages))
        missing = any("Missing data" in p for p in problems)
        kind = ErrorKind.MISSING_PARAMETERS if missing else ErrorKind.INVALID_PARAMETERS
        raise MXError(kind, "; ".join(problems)) from None


def _flatten(messages: Any, path: str = ""):
    if isinstance(messages, dict):
        for key, value in messages.items():
            yield from _flatten(value, f"{path}.{key}" if path else str(key))
    elif isinstance(messages, list):
        for item in messages:
            yield from _flatten(item, path)
    else:
        yield f"{path}: {messages}" if path else str(messages)


def _dumps(body: Any) -> str:
    return json.dumps(body, separators=(",", ":"))
