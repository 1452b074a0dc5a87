"""What every blueprint shares: the request's world (its emulator, faults and journal), strict JSON body
parsing, and rendering in MX's media types."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

import orjson
from flask import Request, Response, current_app, request
from marshmallow import Schema, ValidationError, fields
from werkzeug.utils import get_content_type

from mocknexus.control.faults import Faults
from mocknexus.control.journal import Journal
from mocknexus.control.worlds import World, Worlds
from mocknexus.domain.core.errors import ErrorKind, MXError
from mocknexus.domain.service import Emulator
from mocknexus.schemas.common import JSONNumber
from mocknexus.schemas.dialects import view
from mocknexus.schemas.fastdump import dumper
from mocknexus.web.apis import (
    ADMIN_MEDIA_TYPE,
    MDX_MEDIA_TYPE,
    NEXUS_MEDIA_TYPE,
    PLATFORM_MEDIA_TYPE,
    SSO_MEDIA_TYPE,
    Api,
    api_of,
)
from mocknexus.web.pieces_file import PiecesFile

# Re-exported for the modules that name a media type (the registry declares them: web/apis.py).
__all__ = ["ADMIN_MEDIA_TYPE", "MDX_MEDIA_TYPE", "NEXUS_MEDIA_TYPE", "PLATFORM_MEDIA_TYPE", "SSO_MEDIA_TYPE"]

MAX_JSON_DEPTH = 16

WORLD_KEY = "mocknexus.world"  # where a request keeps the world it acts in (WSGI environ)
REQUEST_ID_KEY = "mocknexus.request_id"  # and its journal id (web/request_context.py)
CALLER_KEY = "mocknexus.caller"  # and who calls: its API, version, world and user (web/caller.py)
# What a request's first run leaves for its run again after WorldMoved (web/request_scope.py): the fault it took.
RUNS_KEY = "mocknexus.runs"

# The fallback for what orjson refuses (integers past 64 bits, keys that are not strings); built once:
# `json.dumps` with any keyword builds a new encoder per call.
_ENCODER = json.JSONEncoder(separators=(",", ":"))


def worlds() -> Worlds:
    return current_app.extensions["mocknexus.worlds"]


def world() -> World:
    """The world this request acts in, found once per request (see `find_world`)."""
    return world_of(request._get_current_object())  # type: ignore[attr-defined]


def world_of(req: Request) -> World:
    """`world()` for a caller that holds the request already (the hooks: one proxy lookup fewer)."""
    environ = req.environ  # cheaper than flask.g, and this runs several times a request
    found = environ.get(WORLD_KEY)
    if found is None:
        found = environ[WORLD_KEY] = find_world(worlds(), current_api(), req)
    return found


def emulator() -> Emulator:
    return world().emulator


def faults() -> Faults:
    """The faults a call may hit: the server's, then its client's."""
    return world().faults


def journal() -> Journal:
    return world().journal


def current_api() -> Api:
    """The API this request calls (web/apis.py), as its caller was resolved (web/caller.py)."""
    req = request._get_current_object()  # type: ignore[attr-defined]
    found = req.environ.get(CALLER_KEY)
    return found.api if found is not None else api_of(req.blueprint)


def find_world(registry: Worlds, api: Api, req: Request) -> World:
    """The world the request's API says it names (web/apis.py): a client id's, or the one a token was issued
    in. A client id without a world yet gets a provisional one, kept only if the call leaves state in it
    (`Worlds.settle`, after the request); any token no client issued (MX's static `test_session`, a bad
    one), and anything else, reaches the shared world."""
    client_id, token = api.world(req)
    if client_id is not None:
        return registry.for_client(client_id)
    return registry.for_token(token)


def media_type() -> str:
    """The media type of this request's JSON answers and errors: its route's, its version's or its API's
    (web/caller.py); Nexus's for anything no API claimed (unknown paths)."""
    found = request.environ.get(CALLER_KEY)
    return found.media_type if found is not None else current_api().media_type


def dialect() -> str:
    """The generation of MX's documentation responses follow: the request's Nexus dialect when it chose one
    (web/versions.py), else the server's (--mx-dialect)."""
    found = request.environ.get(CALLER_KEY)
    return found.dialect if found is not None else current_app.config["MOCKNEXUS"].mx_dialect


def render(schema: Schema, obj: Any, status: int = 200) -> Response:
    found = request.environ.get(CALLER_KEY)  # one lookup for the world, the dialect and the media type
    if found is None:
        with emulator().transaction():
            body = dumper(view(schema, dialect()))(obj)
        return Response(encode(body), status=status, content_type=_content_type(media_type()))
    with found.world.emulator.transaction():
        body = dumper(view(schema, found.dialect))(obj)
    return Response(encode(body), status=status, content_type=_content_type(found.media_type))


def render_viewed(schema: Schema, write: Callable[[Schema], bytes], status: int = 200) -> Response:
    """`render` for a body written by `write` from `schema` as the caller's dialect views it (a body assembled
    from kept parts: apis/platform/transaction_bytes.py), with render's media type."""
    found = request.environ.get(CALLER_KEY)
    world_now, dialect_now = (found.world, found.dialect) if found is not None else (world(), dialect())
    with world_now.emulator.transaction():
        body = write(view(schema, dialect_now))
    mimetype = found.media_type if found is not None else media_type()
    return Response(body, status=status, content_type=_content_type(mimetype))


@functools.cache
def _content_type(mimetype: str) -> str:
    """The Content-Type werkzeug would build from `mimetype` (with a charset where it adds one), once."""
    return get_content_type(mimetype, "utf-8")


def render_json(body: Any, status: int = 200) -> Response:
    """A body that has no schema of its own (the admin state snapshot)."""
    return Response(dumps(body), status=status, mimetype=media_type())


def render_json_text(text: bytes | list[bytes], status: int = 200) -> Response:
    """A body already encoded as JSON (the admin state snapshot, kept encoded between reads), whole or in pieces
    to be sent one after the other. A large one goes to a server that offers `wsgi.file_wrapper` (waitress) as a
    file it sends from (web/pieces_file.py): copied into its out-buffer, it would be written to a temporary file
    (past 1 MB) and read back, all under the interpreter's lock."""
    pieces = [text] if isinstance(text, bytes) else text
    wrap = request.environ.get("wsgi.file_wrapper")
    body = PiecesFile(pieces)
    if wrap is None or len(body) < FILE_WRAP_BYTES or request.method == "HEAD":
        return Response(b"".join(pieces), status=status, mimetype=media_type())
    response = Response(wrap(body), status=status, mimetype=media_type(), direct_passthrough=True)
    response.content_length = len(body)
    return response


FILE_WRAP_BYTES = 1024 * 1024


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
        data: Any = json.loads(raw, parse_float=JSONNumber)  # each number's text kept (schemas/common)
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


def encode(body: Any) -> bytes:
    """A response body as compact UTF-8 JSON: orjson, several times faster than the standard library on every
    answer (a page of 100 transactions is ~130 kB); the standard encoder for the rare value orjson refuses."""
    try:
        return orjson.dumps(body)
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        return _ENCODER.encode(body).encode()


def dumps(body: Any) -> str:
    return encode(body).decode()
