"""Who is calling: each request resolved once, in one place, into a `Caller` (its API, the version it speaks,
the world it acts in, its route's facts and the user it acts for), which handlers receive as their `caller`
argument.

It is filled in two steps of web/hooks.py's one before-request hook, so that MX's order of refusals holds (an
injected fault, then the version and negotiation, then credentials, then a missing user): `open_caller` when
the request starts (its API: by the route werkzeug matched, whose URLs two APIs share went to the API the
request's headers claim; for a URL no route serves, the API whose headers the request carries; and its
world, which the journal and the faults need first), then `identify` (the version the request asks for, the
API's credentials, and the acting user its declaration finds: a Nexus session's user, the user a Platform
path names).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import Flask, Request, current_app, request
from werkzeug.routing import Rule

from mocknexus.control.worlds import World
from mocknexus.domain.core.errors import MXError
from mocknexus.domain.core.models import Session, User
from mocknexus.domain.members.operations import UserOperations
from mocknexus.domain.service import Emulator
from mocknexus.web.apis import UNROUTED, Api, claimant, registry_of
from mocknexus.web.http import CALLER_KEY, WORLD_KEY, world_of, worlds
from mocknexus.web.openapi import Doc
from mocknexus.web.versions import Version

_ROUTES_KEY = "mocknexus.route_facts"  # app.extensions: endpoint -> its Route, found once per app


@dataclass(frozen=True, slots=True)
class Route:
    """What one route says of itself (its `@doc`): read once per app, kept for every request to it."""

    endpoint: str
    api: Api
    takes_caller: bool  # its view has a `caller` parameter
    acting_user: bool = True  # its API finds the user it acts for (not: Nexus's POST /sessions opens one)
    user_by_id: bool = False  # its `{user_guid}` also takes the partner's user id (MX's web SDK sends it)
    answers_in: str | None = None  # the media type of its JSON answers and errors, when not its API's
    cors: Mapping[str, str] | None = None  # headers a browser's cross-origin call gets

    @classmethod
    def of(cls, endpoint: str, api: Api, view: Callable[..., Any]) -> Route:
        described: Doc | None = getattr(view, "__apidoc__", None)
        takes_caller = "caller" in inspect.signature(view).parameters
        if described is None:
            return cls(endpoint, api, takes_caller)
        return cls(
            endpoint,
            api,
            takes_caller,
            acting_user=described.acting_user,
            user_by_id=described.user_by_id,
            answers_in=described.error_media,
            cors=described.cors,
        )


NO_ROUTE = Route("", UNROUTED, takes_caller=False, acting_user=False)


@dataclass(slots=True, eq=False)
class Caller:
    api: Api
    route: Route
    world: World
    version: Version | None = None  # the API version the request speaks, for an API with versions
    media_type: str = ""  # what its JSON answers and errors come in (its route's, else its version's or API's)
    user: User | None = None  # the acting user's record, where the API names one (the Platform API's path)
    user_guid: str | None = None  # the acting user's guid (Nexus: its session's)
    session: Session | None = None  # a Nexus call's session
    ops: UserOperations | None = None  # what the acting user's operations run on: the emulator or MX's static members
    view: Callable[..., Any] | None = None  # the version's own view of the route, when it has one

    @property
    def emulator(self) -> Emulator:
        return self.world.emulator


def caller() -> Caller:
    """The request's caller, for code that is not a handler (a handler is given it)."""
    return request.environ[CALLER_KEY]


def open_caller(req: Request) -> Caller:
    """The request's API, route and world: known before anything else runs."""
    environ = req.environ
    found: Caller | None = environ.get(CALLER_KEY)
    if found is not None:  # a request run again after a latency fault parked it
        return found
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    rule: Rule | None = req.url_rule
    if rule is None:  # a URL no route serves: answered in the claiming API's media type, in the shared world
        api, route = claimant(app, environ), NO_ROUTE
        environ.setdefault(WORLD_KEY, worlds().shared)
    else:
        route = _route(app, rule.endpoint)
        api = route.api
    found = environ[CALLER_KEY] = Caller(api, route, None, media_type=route.answers_in or api.media_type)  # type: ignore[arg-type]
    found.world = world_of(req)  # by the API's locator (web/apis.py)
    return found


def choose_version(found: Caller, req: Request) -> None:
    """The version the request asks for (MX's 406 for one the API does not know), and the view that answers
    it there."""
    versions = found.api.versions
    if versions is None:
        return
    config = current_app.config["MOCKNEXUS"]
    try:
        version = found.version = versions.select(req.environ, versions.default(config))
    except MXError:
        if found.route is NO_ROUTE:  # a URL no route serves is a 404 whatever version it names
            return
        raise
    if found.route.answers_in is None:
        found.media_type = version.media_type or found.api.media_type
    if found.route is not NO_ROUTE:
        found.view = versions.view(found.route.endpoint, version.name)


def identify(found: Caller, req: Request) -> None:
    """The API's credentials, then the user the call acts for (MX's errors if either is wrong); the caller is
    then handed to a view that takes it."""
    api, route = found.api, found.route
    if api.authenticate is not None:
        api.authenticate()
    if api.acting_user is not None and route.acting_user:
        api.acting_user(found, req)
    if route.takes_caller:
        req.view_args["caller"] = found  # type: ignore[index]


def _route(app: Flask, endpoint: str) -> Route:
    routes: dict[str, Route] | None = app.extensions.get(_ROUTES_KEY)
    if routes is None:
        routes = app.extensions[_ROUTES_KEY] = {}
    found = routes.get(endpoint)
    if found is None:
        api = registry_of(app).get(endpoint.partition(".")[0], UNROUTED)
        found = routes[endpoint] = Route.of(endpoint, api, app.view_functions[endpoint])
    return found
