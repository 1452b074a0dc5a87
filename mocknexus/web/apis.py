"""What an API is, for the machinery every API shares: its blueprints, URL space, media types, how it
authenticates, how a request finds its client world, its OpenAPI tag and the errors its endpoints may answer.

Each API's wing (mocknexus/apis/<wing>/) declares its `Api` beside its blueprints; app.py lists the wings it
serves, in registration order, and keeps the registry (`register`). Everything that used to be a table keyed
by blueprint name reads it: the media type a response or an error is rendered in (web/http.py,
web/errors.py), JSON-or-XML negotiation (web/negotiation.py), the OpenAPI document (web/openapi.py), which
calls are faulted and journaled (web/hooks.py). Nothing here imports a wing: the wings import this.
docs/architecture.md gives the recipe for adding an API.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from flask import Blueprint, Flask, Request, current_app
from werkzeug.exceptions import HTTPException

from mocknexus.web.partner_auth import basic_credentials
from mocknexus.web.versions import Versions

if TYPE_CHECKING:
    from mocknexus.domain.core.errors import MXError

NEXUS_MEDIA_TYPE = "application/vnd.mx.nexus.v1+json"
NEXUS_BETA_MEDIA_TYPE = "application/vnd.mx.nexus.beta+json"  # a published Java client's (micro-deposits)
MDX_MEDIA_TYPE = "application/vnd.moneydesktop.mdx.v5+json"
MDX_XML_MEDIA_TYPE = "application/vnd.moneydesktop.mdx.v5+xml"
SSO_MEDIA_TYPE = "application/vnd.moneydesktop.sso.v3+json"
SSO_XML_MEDIA_TYPE = "application/vnd.moneydesktop.sso.v3+xml"
PLATFORM_MEDIA_TYPE = "application/vnd.mx.api.v1+json"
ADMIN_MEDIA_TYPE = "application/json"

ADMIN_PREFIX = "/__admin"  # the control plane's URL space: never an MX path, never faulted or journaled

# The Nexus API's token headers: they route a call to the world its token was issued in.
SESSION_HEADER = "MD-SESSION-TOKEN"
API_TOKEN_HEADER = "MD-API-TOKEN"

# What a locator finds in a request: a client id that names its world, or a token issued in one (or neither:
# the shared world).
Where = tuple[str | None, str | None]


class WorldLocator(Protocol):
    """How a request of an API names its client world."""

    def __call__(self, request: Request) -> Where: ...


@dataclass(frozen=True)
class ClientInPath:
    """The client id is a path parameter (MDX Real Time, SSO, the control plane's /clients/{client_id}/...)."""

    arg: str = "client_id"

    def __call__(self, request: Request) -> Where:
        return (request.view_args or {}).get(self.arg), None


@dataclass(frozen=True)
class ClientInBasicAuth:
    """The client id is the Basic user name (MX's Platform API: `client_id:api_key`)."""

    def __call__(self, request: Request) -> Where:
        found = basic_credentials(request.environ.get("HTTP_AUTHORIZATION"))
        return (found[0] or None) if found is not None else None, None


@dataclass(frozen=True)
class TokenInPath:
    """A token in the path was issued in its client's world (a widget page's one-time URL token)."""

    arg: str

    def __call__(self, request: Request) -> Where:
        token = (request.view_args or {}).get(self.arg)
        return None, token if isinstance(token, str) else None


@dataclass(frozen=True)
class NexusTokens:
    """A Nexus call reaches the world its session was issued in, or (opening one) its api_token's: from the
    headers, or for POST /sessions from the body."""

    def __call__(self, request: Request) -> Where:
        headers = request.headers
        token = headers.get(SESSION_HEADER) or headers.get(API_TOKEN_HEADER)
        if not token and request.method == "POST" and request.path == "/sessions":
            token = _body_api_token(request)
        return None, token if isinstance(token, str) else None


def _body_api_token(request: Request) -> Any:
    """POST /sessions may carry its api_token in the body; a body that is not readable JSON routes nowhere
    (the view then answers it with the usual error)."""
    try:
        body = json.loads(request.get_data(cache=True) or b"null")
    except (ValueError, RecursionError, HTTPException):
        return None
    session = body.get("session") if isinstance(body, dict) else None
    return session.get("api_token") if isinstance(session, dict) else None


@dataclass(frozen=True)
class SharedWorld:
    """Calls that act on no client (the inspector's page and files)."""

    def __call__(self, request: Request) -> Where:
        return None, None


@dataclass(frozen=True)
class Api:
    name: str
    tag: str  # the OpenAPI tag of its operations
    blueprints: tuple[Blueprint, ...]  # registered in this order
    media_type: str  # its JSON answers and its errors
    world: WorldLocator
    xml_media_type: str | None = None  # it also speaks XML (by `.xml` suffix, Accept or Content-Type)
    request_media_type: str | None = None  # its request bodies' media type, when not `media_type`
    security: tuple[dict, ...] = ()  # its OpenAPI security requirement
    # Its credentials' check (the server's Config, the request), before each view: an MXError if wrong.
    authenticate: Callable[[Any, Request], None] | None = None
    # Who a call acts for, filled into its caller once per request (web/caller.py): a Nexus session's user, the
    # user a Platform path names. A route can say it acts for none (`@doc(acting_user=False)`).
    acting_user: Callable[[Any, Request], None] | None = None  # (web/caller.py's Caller, the request)
    versions: Versions | None = None  # its versions, chosen per request (web/versions.py)
    # Whether a request's headers say it is this API's: decides a URL it shares with another API (`shares`)
    # and which API answers a URL no route claims (its 404 in this API's media type).
    claims: Callable[[Mapping[str, Any]], bool] | None = None
    # URLs it serves with the same method as another API: (the other API's endpoint, this API's endpoint).
    # A request this API `claims` is this API's; any other, the other's (web/routing.py's ApiMap.twin).
    shares: tuple[tuple[str, str], ...] = ()
    error_body: Callable[[MXError], dict] | None = None  # its errors' body, when not MX's envelope (web/errors.py)
    # Errors every endpoint may answer (besides each view's own); any path may also answer 405 and 406.
    errors: tuple[int, ...] = (400, 401, 404, 405, 406, 500)
    control_plane: bool = False  # neither faulted nor journaled; its reads never create a client world
    negotiated: bool = True  # an Accept header admitting none of its media types is a 406
    also_accepts: tuple[str, ...] = ()  # other media types an Accept header may ask for (answered as asked)


# Calls no blueprint claimed (an unknown path) and no API's headers claim answer as Nexus does and reach the
# shared world.
UNROUTED = Api(name="unrouted", tag="", blueprints=(), media_type=NEXUS_MEDIA_TYPE, world=SharedWorld())


REGISTRY_KEY = "mocknexus.apis"  # app.extensions: blueprint name -> its Api
CLAIMANTS_KEY = "mocknexus.claimants"  # app.extensions: the APIs that say which requests are theirs, in order


def register(app: Flask, apis: tuple[Api, ...]) -> None:
    """Register every API's blueprints, in order, and pair the URLs two APIs share. Each API's credentials and
    acting user are checked once per request, by web/caller.py."""
    registry: dict[str, Api] = app.extensions.setdefault(REGISTRY_KEY, {})
    for api in apis:
        for blueprint in api.blueprints:
            app.register_blueprint(blueprint)
            registry[blueprint.name] = api
    app.extensions[CLAIMANTS_KEY] = tuple(api for api in apis if api.claims is not None)
    for api in apis:
        for theirs, ours in api.shares:
            if api.claims is None:
                raise ValueError(f"the {api.name} API shares URLs but does not say which requests it claims")
            app.url_map.twin(theirs, ours, api.claims)  # type: ignore[attr-defined]


def registry_of(app: Flask) -> Mapping[str, Api]:
    return app.extensions.get(REGISTRY_KEY, {})


def claimant(app: Flask, environ: Mapping[str, Any]) -> Api:
    """For a URL no route serves: the API whose headers the request carries (its 404 comes in that API's
    media type), else UNROUTED."""
    for api in app.extensions.get(CLAIMANTS_KEY, ()):
        if api.claims(environ):
            return api
    return UNROUTED


def api_of(blueprint: str | None, registry: Mapping[str, Api] | None = None) -> Api:
    """The API a blueprint (request.blueprint) belongs to, in `registry` (else the current app's); UNROUTED
    for none."""
    if registry is None:
        registry = registry_of(current_app)
    return registry.get(blueprint or "", UNROUTED)
