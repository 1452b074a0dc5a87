"""JSON or XML: the SSO and MDX Real Time APIs answer XML for a `.xml` path or an XML Accept header, and read
XML request bodies (MX documents both forms; its Verification Guide asks for the api_token in XML)."""

from __future__ import annotations

from typing import Any

from flask import Response, request
from marshmallow import Schema, fields

from mocknexus.domain.core.errors import ErrorKind, MXError
from mocknexus.schemas.dialects import view
from mocknexus.schemas.fastdump import dumper
from mocknexus.web import xmlio
from mocknexus.web.http import current_api, dialect, emulator, load, media_type, read_body, render


def answers_xml() -> list[str]:
    """The XML media type the request's API can answer in, if any."""
    found = current_api().xml_media_type
    return [found] if found else []


def wants_xml() -> bool:
    """`.xml` in the path decides; otherwise the Accept header, when it prefers the API's XML type."""
    return xml_media_type() is not None


def xml_media_type() -> str | None:
    """The API's XML media type if it speaks XML and this request asked for it; else None."""
    xml = current_api().xml_media_type
    if xml is None:
        return None
    path = request.path
    if path.endswith(".xml"):
        return xml
    if path.endswith(".json") or "HTTP_ACCEPT" not in request.environ:
        return None
    return xml if request.accept_mimetypes.best_match([media_type(), xml]) == xml else None


def respond(schema: Schema, obj: dict, status: int = 200, item: str | None = None) -> Response:
    """Render `obj` ({root: value}) as JSON, or as XML when asked; `item` names the elements of a list root
    (`<users><user>...</user></users>`)."""
    xml = xml_media_type()
    if xml is None:
        return render(schema, obj, status)
    with emulator().transaction():
        ((root, value),) = dumper(view(schema, dialect()))(obj).items()
    body = xmlio.dumps(root, {item: value} if item else value)
    return Response(body, status=status, mimetype=xml)


def read_any_body(schema: Schema) -> dict:
    """The request body through `schema`, from JSON or (with an XML Content-Type) from XML."""
    if "xml" not in (request.mimetype or ""):
        return read_body(schema)
    return read_xml_body(schema)


def read_xml_body(schema: Schema) -> dict:
    """An XML request body through `schema`, with the same MX 400s as JSON."""
    try:
        data = xmlio.loads(request.get_data(cache=True))
    except ValueError as exc:
        raise MXError(ErrorKind.BAD_REQUEST, str(exc)) from None
    return load(schema, _typed(schema, data))


def _typed(schema: Schema, data: Any) -> Any:
    """XML text is all strings: read booleans and integers where the schema wants them, and a lone element
    as a one-item list where it wants a list."""
    if not isinstance(data, dict):
        return data
    typed = dict(data)
    for name, field in schema.fields.items():
        key = field.data_key or name
        if key not in typed:
            continue
        value = typed[key]
        if isinstance(field, fields.Nested) and isinstance(field.schema, Schema):
            typed[key] = _typed(field.schema, value)
        elif isinstance(field, fields.Boolean) and value in ("true", "false"):
            typed[key] = value == "true"
        elif isinstance(field, fields.Integer) and isinstance(value, str) and value.lstrip("-").isdigit():
            typed[key] = int(value)
        elif isinstance(field, fields.List) and not isinstance(value, list):
            typed[key] = [value]
    return typed
