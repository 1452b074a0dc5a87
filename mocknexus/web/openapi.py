"""The OpenAPI 3 document, generated from the route table and the marshmallow schemas the handlers use.

Each view carries a `@doc(...)` naming its schemas; `build_spec` walks every registered route, so a route
without `@doc` is an error rather than a silent gap.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin, resolver
from flask import Flask
from marshmallow import Schema

import mocknexus
from mocknexus.control.client_ids import MAX_CLIENT_ID_LENGTH
from mocknexus.domain.core.errors import ErrorKind
from mocknexus.schemas.common import ErrorResponse, MXDateTime, Rooted, UnixTime
from mocknexus.schemas.dialects import UNION, is_view, view, view_class
from mocknexus.web.apis import NEXUS_MEDIA_TYPE, Api, ClientInBasicAuth, ClientInPath, api_of, registry_of
from mocknexus.web.operation_ids import operation_id
from mocknexus.web.routing import RouteTable, segments

F = TypeVar("F", bound=Callable[..., Any])

# Each API's media type, security, tag and common errors come from its declaration (web/apis.py). Any path can
# also answer 405 (a method it does not serve: Allow lists the ones it does) and 406 (an Accept header that
# admits no JSON).
# Without --api-key the MDX and SSO APIs take any non-empty MD-API-KEY, and the Platform API any Basic
# client_id:api_key: the document says so by making the key optional (an empty requirement), so a client is
# not told a made-up key will be refused.
_ADMIN_HELP = "--admin-token: the control plane answers 401 without Authorization: Bearer <token>."
_OPEN_ADMIN_PATHS = frozenset({"/__admin/health"})  # open for container health checks, token or not
_API_KEY_HELP = "MX's partner API key. Without --api-key, mocknexus accepts any non-empty value (and 401s none)."


@dataclass(frozen=True)
class Doc:
    summary: str
    response: Schema | dict | None = None  # None: an empty body
    status: int = 200
    body: Schema | dict | None = None
    body_required: bool = True
    query: Schema | None = None
    errors: tuple[int, ...] = ()
    also: tuple[int, ...] = ()  # other success statuses with the same body (202 Accepted)
    bodies: dict[int, Schema] | None = None  # statuses answering a body of their own (a wait's 408)
    empty: tuple[int, ...] = ()  # other success statuses answered with no body (204 No Content)
    security: list[dict] | None = None  # None: the API's usual
    media: str | None = None  # None: the API's usual (the inspector's and the widget's pages: HTML, JS, CSS)
    # The type the route's JSON answers and errors come in, instead of its API's (MX's micro-deposits: plain
    # JSON); the document lists its errors in both (one raised before routing still has the API's).
    error_media: str | None = None
    # Per-route facts the request's caller reads (web/caller.py):
    acting_user: bool = True  # its API finds the user it acts for (False: Nexus's POST /sessions opens a session)
    user_by_id: bool = False  # its {user_guid} also takes the partner's user id (MX's web SDK may send it)
    cors: Mapping[str, str] | None = None  # headers a browser's cross-origin call is answered with
    # Deliberate exceptions to what an OpenAPI checker may expect: {schemathesis check name: why}, published
    # as `x-mocknexus-unchecked` so the document itself says where it is not exact (tests/fidelity/test_fuzz.py).
    unchecked: dict[str, str] | None = None


def doc(summary: str, **details: Any) -> Callable[[F], F]:
    def attach(view: F) -> F:
        view.__apidoc__ = Doc(summary, **details)  # type: ignore[attr-defined]
        return view

    return attach


def _schema_name(dialect: str) -> Callable[[Any], str]:
    """Components named as apispec names them (the class name, without `Schema`). In a dialect's document a
    response is the dialect's view of its class (schemas/dialects.py), keeping the class name; where the
    declared class itself also appears (a request body, a control-plane echo) and differs from the view, it
    is the union of both generations' keys, named `<name>Union`: two classes, two names, none made up by
    apispec's renaming."""

    def name(schema: Any) -> str:
        cls = schema if isinstance(schema, type) else type(schema)
        found = resolver(cls)
        if dialect != UNION and not is_view(cls) and view_class(cls, dialect) is not cls:
            return f"{found}Union"
        return found

    return name


def build_spec(app: Flask) -> dict:
    dialect = getattr(app.config.get("MOCKNEXUS"), "mx_dialect", UNION)
    plugin = MarshmallowPlugin(schema_name_resolver=_schema_name(dialect))
    spec = APISpec(
        title="mocknexus",
        version=mocknexus.__version__,
        openapi_version="3.0.3",
        plugins=[plugin],
        info={
            "description": mocknexus.DESCRIPTION,  # every API served (mocknexus.APIS_SERVED)
            "x-mx-dialect": dialect,  # response shapes below are this dialect's (--mx-dialect)
        },
    )
    plugin.map_to_openapi_type(MXDateTime, "string", "date-time")
    plugin.map_to_openapi_type(UnixTime, "integer", None)
    spec.components.security_scheme("sessionToken", {"type": "apiKey", "in": "header", "name": "MD-SESSION-TOKEN"})
    spec.components.security_scheme(
        "apiKey", {"type": "apiKey", "in": "header", "name": "MD-API-KEY", "description": _API_KEY_HELP}
    )
    spec.components.security_scheme("apiToken", {"type": "apiKey", "in": "header", "name": "MD-API-TOKEN"})
    spec.components.security_scheme("basic", {"type": "http", "scheme": "basic"})
    spec.components.schema("ErrorResponse", schema=ErrorResponse)

    any_key = not app.config["MOCKNEXUS"].api_key
    admin_token = bool(app.config["MOCKNEXUS"].admin_token)
    if admin_token:
        spec.components.security_scheme("adminToken", {"type": "http", "scheme": "bearer", "description": _ADMIN_HELP})
    routes = RouteTable.from_map(app.url_map)
    registry = registry_of(app)
    paths: dict[str, dict[str, dict]] = {}
    first_twin = getattr(app.url_map, "first_twin", lambda rule: None)
    seconds: list[tuple[Any, str, dict]] = []  # twins' second rules (web/routing.py), merged below
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        described: Doc | None = getattr(view, "__apidoc__", None)
        if described is None:
            raise LookupError(f"route {rule.rule} ({rule.endpoint}) has no @doc")
        api = api_of(rule.endpoint.split(".", 1)[0], registry)
        path = _path(rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            operation = _operation(described, api, rule, method, path, routes, dialect, registry)
            if any_key and operation["security"] in ([{"apiKey": []}], [{"basic": []}]):
                operation["security"] = [*operation["security"], {}]
            if admin_token and api.name == "admin" and path not in _OPEN_ADMIN_PATHS:
                # web/hooks.py's guard: every control-plane path but the health check wants the token.
                operation["security"] = [{"adminToken": []}]
                operation["responses"]["401"] = {
                    "description": "The control plane needs Authorization: Bearer <admin token>.",
                    "content": {api.media_type: {"schema": "ErrorResponse"}},
                }
            if first_twin(rule) is not None:
                seconds.append((first_twin(rule), method.lower(), operation))
            else:
                paths.setdefault(path, {})[method.lower()] = operation
    for first, method, operation in seconds:
        path = _path(first.rule)
        paths[path][method] = _merge_twins(paths[path][method], operation)
    for path, operations in sorted(paths.items()):
        spec.path(path=path, operations=operations)
    document = spec.to_dict()
    # Rules across fields that marshmallow checks in a @validates_schema: a schema states them for the
    # document in `openapi_rules` (JSON Schema keywords), next to its validator.
    for key, name in plugin.converter.refs.items():
        component = document["components"]["schemas"][name]
        component.update(_as_constraint(getattr(key[0], "openapi_rules", {})))
        if _empty_unwrapped_is_whole(key[0]):
            component.pop("required", None)
    for component in document["components"]["schemas"].values():
        for name, prop in component.get("properties", {}).items():
            if prop.get("x-digits"):
                component["properties"][name] = _digits_also(prop)
    _nullable_enums(document)
    _one_or_several(document)
    return document


def _one_or_several(document: dict) -> None:
    """MX's filters taken as one value (`category_guid`) or several (`category_guid[]`) are two query
    parameters whose names differ by `[]` alone. Client generators derive one identifier from both, and
    openapi-python-client drops the whole operation on that clash ("Parameters with same Python identifier").
    The one-value form is declared by `content` (its text, the same schema): the document still lists both of
    MX's names, and openapi-python-client, which takes only `schema` parameters, keeps the operation with the
    `[]` form (one value or several) under the shared name."""
    for operations in document["paths"].values():
        for operation in operations.values():
            query = [p for p in operation.get("parameters", []) if p["in"] == "query"]
            several = {p["name"].removesuffix("[]") for p in query if p["name"].endswith("[]")}
            for parameter in query:
                if parameter["name"] in several and "schema" in parameter:
                    parameter["content"] = {"text/plain": {"schema": parameter.pop("schema")}}


def _nullable_enums(node: Any) -> None:
    """A nullable enum (`type`, `nullable: true`, null among its values) said as its values alone: a validator
    accepts exactly the same, and openapi-python-client makes one enum model instead of three (it read the
    null twice, once from `nullable` and once from the values)."""
    if isinstance(node, dict):
        if node.get("nullable") is True and None in (node.get("enum") or ()):
            node.pop("nullable")
            node.pop("type", None)
        for value in node.values():
            _nullable_enums(value)
    elif isinstance(node, list):
        for value in node:
            _nullable_enums(value)


def _as_constraint(rules: dict) -> dict:
    """A schema's cross-field rule "at least one of these holds" (`anyOf`), placed inside an `allOf`: the
    same for a validator, but client generators (openapi-python-client) read an object's own `anyOf` as a
    union of types: they dropped the body (Nexus POST /members) or made one model per alternative."""
    if "anyOf" not in rules:
        return rules
    rules = dict(rules)
    alternatives = rules.pop("anyOf")
    return {**rules, "allOf": [*rules.get("allOf", []), {"anyOf": alternatives}]}


def _empty_unwrapped_is_whole(schema: Any) -> bool:
    """A rooted body (`{"member": {...}}`) is also taken unwrapped (schemas/common.Rooted): where its fields
    are all optional and free of cross-field rules, `{}` is a whole request, so its root is not required."""
    cls = schema if isinstance(schema, type) else type(schema)
    if not issubclass(cls, Rooted):
        return False
    inner = cls._declared_fields[cls.root].nested  # type: ignore[attr-defined]
    inner = inner if isinstance(inner, type) else type(inner)
    fields_ = inner._declared_fields.values()
    return not getattr(inner, "openapi_rules", None) and not any(f.required for f in fields_)


def _may_create_a_world(api: Api, rule: Any) -> bool:
    """Whether a call here names a client id, and so may create its world (control/worlds.py)."""
    world = api.world
    return isinstance(world, ClientInBasicAuth) or (isinstance(world, ClientInPath) and world.arg in rule.arguments)


def _operation(
    described: Doc, api: Api, rule: Any, method: str, path: str, routes: RouteTable, dialect: str, registry: Any
) -> dict:
    media, security, common_errors = api.media_type, list(api.security), api.errors
    if _may_create_a_world(api, rule):  # past --max-clients, the call that would create one more is a 503
        common_errors = (*common_errors, 503)
    operation: dict[str, Any] = {
        "summary": described.summary,
        "operationId": operation_id(api.name, method, path),
        "tags": [api.tag],
        "security": described.security if described.security is not None else security,
        "parameters": [
            {"in": "path", "name": arg, "required": True, "schema": _path_parameter(rule.rule, arg, routes, method)}
            for arg in sorted(rule.arguments)
        ],
        "responses": {},
    }
    if described.query is not None:
        operation["parameters"].append({"in": "query", "schema": described.query})
    # SSO and MDX Real Time also speak XML: the same fields, as MX's XML (see web/xmlio.py).
    xml = api.xml_media_type
    as_xml = {xml: {"schema": {"type": "string", "description": "the same fields, as XML"}}} if xml else {}
    if described.body is not None:
        operation["requestBody"] = {
            "required": described.body_required,
            "content": {api.request_media_type or media: {"schema": described.body}, **as_xml},
        }
    success: dict[str, Any] = {"description": described.summary}
    if described.response is not None:
        response = view(described.response, dialect) if isinstance(described.response, Schema) else described.response
        success["content"] = {described.media or media: {"schema": response}, **as_xml}
    for status in (described.status, *described.also):
        operation["responses"][str(status)] = success
    for status in described.empty:
        operation["responses"][str(status)] = {"description": "No Content"}
    # An error can come in the Nexus media type on any path: the server's own refusals (431, 413, bad
    # framing) carry it, and so do 404s and 405s decided before any API's route is chosen.
    # And a URL that a more specific template of another API owns (web/routing.py) answers in that API's type.
    rivals = [
        api_of(routes.blueprints[r], registry).media_type
        for r in routes.rivals.get(rule.rule, ())
        if r in routes.blueprints
    ]
    error_content: dict[str, Any] = {
        m: {"schema": "ErrorResponse"}
        for m in dict.fromkeys((media, NEXUS_MEDIA_TYPE, *rivals, *filter(None, [described.error_media])))
    }
    if xml:  # an API speaking XML answers its errors in XML when asked to (`.xml`, Accept): web/errors.py
        error_content[xml] = {"schema": {"type": "string", "description": "the error, as XML"}}
    for status in sorted({*common_errors, *described.errors}):
        operation["responses"][str(status)] = {
            "description": ErrorKind.for_http_status(status).default_message,
            "content": error_content,
        }
    for status, body in (described.bodies or {}).items():
        operation["responses"][str(status)] = {
            "description": ErrorKind.for_http_status(status).default_message,
            "content": {media: {"schema": body}},
        }
    unchecked = dict(described.unchecked or {})
    if xml and (described.body is not None or path.endswith(".xml")):
        # The XML forms are documented as text (the same fields as the JSON form), so a generated string is
        # "valid" to the document while the server wants those fields in it.
        unchecked.setdefault("positive_data_acceptance", "An XML body must carry the JSON form's fields (400).")
    if unchecked:
        operation["x-mocknexus-unchecked"] = unchecked
    return operation


def _path(template: str) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", template)


def _merge_twins(first: dict, second: dict) -> dict:
    """One operation for a path template two APIs serve (Nexus by guid, the Platform API by code): which
    answers depends on the credentials sent, so each API's security, query and responses (by media type)."""
    merged = dict(first)
    merged["summary"] = f"{first['summary']} (Nexus: MD-SESSION-TOKEN) / {second['summary']} (Platform API: Basic)"
    merged["tags"] = [*first["tags"], *second["tags"]]
    merged["security"] = [*first["security"], *second["security"]]
    # Both take the same query (each API validates it): the first's, or the second's when the first has none.
    if not any(p.get("in") == "query" for p in first["parameters"]):
        merged["parameters"] = [*first["parameters"], *(p for p in second["parameters"] if p.get("in") == "query")]
    responses: dict[str, Any] = {}
    for status in sorted({*first["responses"], *second["responses"]}):
        a, b = first["responses"].get(status, {}), second["responses"].get(status, {})
        responses[status] = {**b, **a, "content": {**b.get("content", {}), **a.get("content", {})}}
    merged["responses"] = responses
    unchecked = {**second.get("x-mocknexus-unchecked", {}), **first.get("x-mocknexus-unchecked", {})}
    if unchecked:
        merged["x-mocknexus-unchecked"] = unchecked
    return merged


def _digits_also(prop: dict) -> dict:
    """An integer property that also takes a string of its digits (schemas.common.DigitsOrInteger): both
    forms, the string one held to the same range where the range is small enough to list."""
    number = {k: v for k, v in prop.items() if k not in ("x-digits", "nullable", "description")}
    low, high = prop.get("minimum"), prop.get("maximum")
    if "enum" in prop:
        digits: dict[str, Any] = {"type": "string", "enum": [str(i) for i in prop["enum"]]}
    elif low is not None and high is not None and high - low <= 1000:
        digits = {"type": "string", "enum": [str(i) for i in range(low, high + 1)]}
    else:
        digits = {"type": "string", "pattern": "^[0-9]+$"}
    shared = {k: prop[k] for k in ("nullable", "description") if k in prop}
    return {"anyOf": [number, digits], **shared}


def _path_parameter(template: str, arg: str, routes: RouteTable, method: str) -> dict:
    """A path parameter's schema, minus the values with which another template owns the URL
    (web/routing.py): `/{client_id}/users` with client_id `members` is Nexus's `/members/{guid}`, and
    `/{client_id}/users/{user_id}` with a user_id ending in `.json` is the `.json` route's."""
    ours = segments(template)
    placeholder = rf"<(?:[^:<>]+:)?{re.escape(arg)}>"
    index = next(i for i, segment in enumerate(ours) if re.search(placeholder, segment))
    schema: dict[str, Any] = {"type": "string", "minLength": 1, "pattern": "^[^/]+$"}
    # A write may make the client's world, so its client id is one a world may be made for
    # (control/client_ids.check_client_id); reads and deletes make none, and answer any id.
    if arg == "client_id" and method not in ("GET", "HEAD", "DELETE"):
        schema.update(maxLength=MAX_CLIENT_ID_LENGTH, pattern=r"^[^/\u0000-\u001f\u007f]+$")
    if not re.fullmatch(placeholder, ours[index]):
        return schema  # part of a segment (`{user_id}.json`)
    literals, suffixes = routes.excluded_values(template, index)
    excluded: list[dict] = [{"enum": sorted(literals | {".", ".."})}]  # dot segments: normalised away
    if suffixes:
        excluded.append({"pattern": f"({'|'.join(re.escape(s) for s in sorted(suffixes))})$"})
    return {**schema, "not": {"anyOf": excluded}}
