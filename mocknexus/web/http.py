"""What every blueprint shares: the request's world (its emulator, faults and journal), strict JSON body
parsing, and rendering in MX's media types."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, current_app, request
from marshmallow import Schema, ValidationError, fields
from werkzeug.exceptions import HTTPException

from mocknexus.control.faults import Faults
from mocknexus.control.journal import Journal
from mocknexus.control.worlds import World, Worlds
from mocknexus.domain.errors import ErrorKind, MXError
from mocknexus.domain.service import Emulator
from mocknexus.schemas.common import ErrorResponse
from mocknexus.schemas.dialects import view
from mocknexus.schemas.fastdump import dumper

NEXUS_MEDIA_TYPE = "application/vnd.mx.nexus.v1+json"
MDX_MEDIA_TYPE = "application/vnd.moneydesktop.mdx.v5+json"
SSO_MEDIA_TYPE = "application/vnd.moneydesktop.sso.v3+json"
ADMIN_MEDIA_TYPE = "application/json"
PLATFORM_MEDIA_TYPE = "application/vnd.mx.api.v1+json"  # MX's Platform API (the widget_urls endpoint)
PLATFORM_BLUEPRINT = "widget_platform"
_MEDIA_TYPES = {
    "mdx": MDX_MEDIA_TYPE,
    "sso": SSO_MEDIA_TYPE,
    "admin": ADMIN_MEDIA_TYPE,
    "inspector": ADMIN_MEDIA_TYPE,
    "widget_sso": SSO_MEDIA_TYPE,
    "widget_platform": PLATFORM_MEDIA_TYPE,
    "widget": "text/html",
    "oauth": "text/html",
}

MAX_JSON_DEPTH = 16

_error_schema = ErrorResponse()


WORLD_KEY = "mocknexus.world"  # where a request keeps the world it acts in (WSGI environ)
REQUEST_ID_KEY = "mocknexus.request_id"  # and its journal id (web/request_context.py)

# The Nexus API's token headers (as web/nexus.py names them): they route a call to its client's world.
SESSION_HEADER = "MD-SESSION-TOKEN"
API_TOKEN_HEADER = "MD-API-TOKEN"


def worlds() -> Worlds:
    return current_app.extensions["mocknexus.worlds"]


def world() -> World:
    """The world this request acts in, found once per request (see `_find_world`)."""
    environ = request.environ  # cheaper than flask.g, and this runs several times a request
    found = environ.get(WORLD_KEY)
    if found is None:
        found = environ[WORLD_KEY] = _find_world()
    return found


def emulator() -> Emulator:
    return world().emulator


def faults() -> Faults:
    """The faults a call may hit: the server's, then its client's."""
    return world().faults


def journal() -> Journal:
    return world().journal


def _find_world() -> World:
    """A path with a client id (MDX, SSO, and the control plane's /__admin/clients/{client_id}/...) names its
    world, as does the Platform API's Basic auth; a Nexus call reaches the world its session (or, opening one,
    its api_token) was issued in, and a widget page the world of its URL token. Anything
    else, and any token no client issued (MX's static `test_session`, a bad one), reaches the shared world."""
    registry = worlds()
    view_args = request.view_args or {}
    client_id = view_args.get("client_id")
    if client_id is None and request.blueprint == PLATFORM_BLUEPRINT and request.authorization:
        client_id = request.authorization.username  # MX's Platform API names the client in Basic auth
    if client_id is not None:
        return registry.get(client_id)
    # A widget page's one-time token was issued in its client's world, like a session token.
    token = view_args.get("token") or request.headers.get(SESSION_HEADER) or request.headers.get(API_TOKEN_HEADER)
    if not token and request.method == "POST" and request.path == "/sessions":
        token = _body_api_token()
    return registry.for_token(token if isinstance(token, str) else None)


def _body_api_token() -> Any:
    """POST /sessions may carry its api_token in the body; a body that is not readable JSON routes nowhere
    (the view then answers it with the usual error)."""
    try:
        body = json.loads(request.get_data(cache=True) or b"null")
    except (ValueError, RecursionError, HTTPException):
        return None
    session = body.get("session") if isinstance(body, dict) else None
    return session.get("api_token") if isinstance(session, dict) else None


def media_type() -> str:
    """The answering API's media type; Nexus's for anything no blueprint claimed (unknown paths)."""
    return _MEDIA_TYPES.get(request.blueprint or "", NEXUS_MEDIA_TYPE)


def dialect() -> str:
    """The generation of MX's documentation responses follow (--mx-dialect)."""
    return current_app.config["MOCKNEXUS"].mx_dialect


def render(schema: Schema, obj: Any, status: int = 200) -> Response:
    with emulator().transaction():
        body = dumper(view(schema, dialect()))(obj)
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


def load(schema: Schema, data: dict) -> dict:
    """Load already-decoded body data (an XML body, say) through `schema`, with the same MX 400s."""
    return _load(schema, data)


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
