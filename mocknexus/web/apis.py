"""Every API mocknexus serves, declared once: its blueprints, URL space, media types, how it authenticates, how
a request finds its client world, its OpenAPI tag and the errors its endpoints may answer.

Everything that used to be a table keyed by blueprint name reads this registry: the media type a response or
an error is rendered in (web/http.py, web/errors.py), JSON-or-XML negotiation (web/negotiation.py), the
OpenAPI document (web/openapi.py), which calls are faulted and journaled (web/hooks.py), and which
blueprints the app registers, in which order (app.py).

Adding an API is one entry here plus its blueprint. MX's Platform API, say (Basic `client_id:api_key`, its
own media type, the client named by the Basic user name), would be::

    Api(
        name="platform",
        tag="Platform API",
        blueprints=("mocknexus.web.platform:bp",),
        media_type="application/vnd.mx.api.v1+json",
        security=({"basic": []},),
        authenticate=partner_auth.require_basic_auth,
        world=ClientInBasicAuth(),
    )

and `mocknexus/web/platform/` defining `bp = Blueprint("platform", __name__)` with its views, each with a
`@doc(...)` (the OpenAPI document refuses a route without one), as it does.
"""

from __future__ import annotations

import functools
import importlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from flask import Blueprint, Request
from werkzeug.exceptions import HTTPException

from mocknexus.web import partner_auth

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
        auth = request.authorization
        return (auth.username or None) if auth is not None and auth.type == "basic" else None, None


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
    blueprints: tuple[str, ...]  # "module:attribute", registered in this order
    media_type: str  # its JSON answers and its errors
    world: WorldLocator
    xml_media_type: str | None = None  # it also speaks XML (by `.xml` suffix, Accept or Content-Type)
    request_media_type: str | None = None  # its request bodies' media type, when not `media_type`
    security: tuple[dict, ...] = ()  # its OpenAPI security requirement
    authenticate: Callable[[], None] | None = None  # run before each of its views (raises an MXError)
    # Errors every endpoint may answer (besides each view's own); any path may also answer 405 and 406.
    errors: tuple[int, ...] = (400, 401, 404, 405, 406, 500)
    control_plane: bool = False  # neither faulted nor journaled; its reads never create a client world
    negotiated: bool = True  # an Accept header admitting none of its media types is a 406
    also_accepts: tuple[str, ...] = ()  # other media types an Accept header may ask for (answered as asked)


# The order is the registration order: the control plane first, then the fixed-path Nexus API and widget
# pages, then the /{client_id}/... partner APIs (a more specific URL wins: web/routing.py).
APIS: tuple[Api, ...] = (
    Api(
        name="admin",
        tag="Control plane",
        blueprints=("mocknexus.web.admin:bp",),
        media_type=ADMIN_MEDIA_TYPE,
        world=ClientInPath(),
        errors=(400, 404, 405, 406, 500),
        control_plane=True,
    ),
    Api(
        name="inspector",
        tag="Inspector",
        blueprints=("mocknexus.inspector.views:bp",),
        media_type=ADMIN_MEDIA_TYPE,  # its errors; its pages say their own media (Doc.media)
        world=SharedWorld(),
        errors=(404, 405),
        control_plane=True,
        negotiated=False,  # it serves HTML, CSS and JS
    ),
    Api(
        name="nexus",
        tag="Nexus",
        blueprints=("mocknexus.web.nexus:bp", "mocknexus.web.microdeposits:bp"),
        media_type=NEXUS_MEDIA_TYPE,
        world=NexusTokens(),
        security=({"sessionToken": []},),  # checked by web/nexus.py, which also opens MX's static test_session
        also_accepts=(NEXUS_BETA_MEDIA_TYPE,),
    ),
    Api(
        name="widget",
        tag="Connect widget",
        blueprints=("mocknexus.widget.pages:bp",),
        media_type="text/html",
        world=TokenInPath("token"),
        errors=(405,),
    ),
    Api(
        name="oauth",
        tag="OAuth consent page",
        blueprints=("mocknexus.oauth.pages:bp",),
        media_type="text/html",  # the bank's consent page and MX's ending: pages, never JSON
        world=TokenInPath("token"),  # the window's one-time token was issued in its client's world
        errors=(400, 405),
    ),
    Api(
        name="widget_api",
        tag="Connect widget (its own calls)",
        blueprints=("mocknexus.widget.routing_numbers:bp",),
        media_type=ADMIN_MEDIA_TYPE,  # plain JSON, as MX's widget's internal API
        world=NexusTokens(),  # the widget's Nexus session
        security=({"sessionToken": []},),
        errors=(401, 405, 406, 500),
    ),
    Api(
        name="platform",
        tag="Platform API",
        blueprints=("mocknexus.web.platform:bp",),
        media_type=PLATFORM_MEDIA_TYPE,
        also_accepts=("application/vnd.mx.api.v1+pdf",),  # a statement's PDF (MX's document)
        request_media_type="application/json",  # MX's document: request bodies are plain JSON
        world=ClientInBasicAuth(),
        security=({"basic": []},),
        authenticate=partner_auth.require_basic_auth,
    ),
    Api(
        name="sso",
        tag="SSO",
        blueprints=("mocknexus.web.sso:bp", "mocknexus.widget.urls:sso_bp"),
        media_type=SSO_MEDIA_TYPE,
        xml_media_type=SSO_XML_MEDIA_TYPE,
        world=ClientInPath(),
        security=({"apiKey": []},),
        authenticate=partner_auth.require_api_key,
        errors=(401, 404, 405, 406, 500),  # a 400 where a view reads a body or a type (its @doc says so)
    ),
    Api(
        name="mdx",
        tag="MDX Real Time",
        blueprints=("mocknexus.web.mdx:bp",),
        media_type=MDX_MEDIA_TYPE,
        xml_media_type=MDX_XML_MEDIA_TYPE,
        world=ClientInPath(),
        security=({"apiKey": []},),
        authenticate=partner_auth.require_api_key,
    ),
)

# Calls no blueprint claimed (an unknown path) answer as Nexus does and reach the shared world.
UNROUTED = Api(name="unrouted", tag="", blueprints=(), media_type=NEXUS_MEDIA_TYPE, world=SharedWorld())


def blueprints(api: Api) -> list[Blueprint]:
    """The API's blueprints, imported here (not at the top: their modules import this one)."""
    found = []
    for spec in api.blueprints:
        module, attribute = spec.split(":")
        found.append(getattr(importlib.import_module(module), attribute))
    return found


@functools.cache
def _by_blueprint() -> dict[str, Api]:
    return {blueprint.name: api for api in APIS for blueprint in blueprints(api)}


def api_of(blueprint: str | None) -> Api:
    """The API a blueprint (request.blueprint) belongs to; UNROUTED for none."""
    return _by_blueprint().get(blueprint or "", UNROUTED)
