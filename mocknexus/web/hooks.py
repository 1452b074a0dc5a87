"""Around every emulated-API call: injected faults first, then the request journal afterwards.

The control plane's own paths (/__admin/) are neither faulted nor journaled.
"""

from __future__ import annotations

import contextlib
import hmac
import socket
import time

from flask import Flask, Request, Response, current_app, request
from werkzeug.exceptions import ClientDisconnected, MethodNotAllowed

from mocknexus.config import Config
from mocknexus.control.worlds import World
from mocknexus.domain.core.clock import utcnow
from mocknexus.domain.core.errors import ErrorKind, MXError
from mocknexus.parking import PARKING_KEY, Parking, pause
from mocknexus.store.base import StoreUnavailable
from mocknexus.web import request_context
from mocknexus.web.apis import ADMIN_PREFIX
from mocknexus.web.caller import Caller, choose_version, identify, open_caller
from mocknexus.web.errors import render_error
from mocknexus.web.http import CALLER_KEY, REQUEST_ID_KEY, RUNS_KEY, WORLD_KEY, world_of, worlds
from mocknexus.web.negotiation import answers_xml
from mocknexus.web.routing import RouteTable

# The inspector's page and its scripts hold no data (that comes from /__admin/ calls that carry the admin
# token), and a browser cannot send a bearer header when it first loads a page: they stay open.
INSPECTOR_PREFIX = ADMIN_PREFIX + "/ui"


def register_hooks(app: Flask) -> None:
    app.extensions["mocknexus.routes"] = RouteTable.from_map(app.url_map)  # every blueprint is registered
    app.before_request(_before)
    app.after_request(_record)


def _before() -> Response | None:
    # One hook calling the steps in order (who calls, then the request's id bound, so that everything after
    # runs with it): Flask's per-hook dispatch and its `request` proxy are a measurable share of a fast read.
    req = request._get_current_object()  # type: ignore[attr-defined]
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    found = open_caller(app, req)
    request_context.bind(req, found.world)
    _owning_template(app, req)
    _guard_admin(found.config, req)
    response = _inject_fault(req, found.world)
    if response is None:
        choose_version(found, req)
        _negotiate(found, req)
        identify(found, req)
    return response


def _owning_template(app: Flask, req: Request) -> None:
    """A URL a more specific template owns (web/routing.py) is that template's: a method it does not
    serve is a 405, whichever other route werkzeug found for the method."""
    rule = req.url_rule
    routes: RouteTable = app.extensions["mocknexus.routes"]
    if rule is None or not routes.may_refuse(rule.rule, req.method):
        return  # the common case, decided by one lookup: no rival could own this URL and refuse the method
    owner = routes.owner(rule.rule, req.path)
    if owner != rule.rule and req.method not in routes.methods[owner]:
        raise MethodNotAllowed(valid_methods=sorted(routes.methods[owner]))


def _guard_admin(config: Config, req: Request) -> None:
    """With --admin-token, the control plane wants `Authorization: Bearer <token>` (health stays open,
    for container health checks)."""
    token = config.admin_token
    path = req.path
    if not token or not path.startswith(ADMIN_PREFIX) or path == ADMIN_PREFIX + "/health":
        return
    if path == INSPECTOR_PREFIX or path.startswith(INSPECTOR_PREFIX + "/"):
        return
    # RFC 7235: the scheme is case-insensitive ("bearer", "BEARER"); spaces around the token do not count.
    scheme, _, given = req.headers.get("Authorization", "").strip().partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
        raise MXError(ErrorKind.UNAUTHORIZED, "The control plane needs Authorization: Bearer <admin token>.")


def _negotiate(found: Caller, req: Request) -> None:
    """An Accept header that admits none of the endpoint's media types is a 406; no Accept header accepts
    anything (INFERRED for MX). An unknown route is a 404 first: nothing is negotiated before routing.
    The inspector serves HTML, CSS and JS, so it is not negotiated either."""
    accept = req.environ.get("HTTP_ACCEPT")
    if accept is None or req.routing_exception is not None:
        return
    media, api = found.media_type, found.api
    if accept == media:  # what an API's own SDK sends, decided without parsing the header
        return
    if not api.negotiated:
        return
    # The API's own type is accepted even where a version answers another (MX's v3 SDK README sets the
    # v20111101 Accept beside `Accept-Version: v20250224`, which is answered in v20250224's plain JSON).
    offered = list(dict.fromkeys([media, api.media_type, "application/json"]))
    offered += [*answers_xml(), *api.also_accepts]
    if req.accept_mimetypes.best_match(offered) is None:
        raise MXError(ErrorKind.NOT_ACCEPTABLE, f"This API answers {' or '.join(offered)} only.")


# Per-request values the hooks share, kept in the WSGI environ: cheaper than flask.g on every call.
_STARTED, _FAULT, _DROPPED = "mocknexus.started", "mocknexus.fault", "mocknexus.dropped"
# Where a server puts the client's socket: waitress through mocknexus.serving, werkzeug, gunicorn.
_SOCKET_KEYS = ("mocknexus.socket", "werkzeug.socket", "gunicorn.socket")


def _inject_fault(req: Request, world: World) -> Response | None:
    environ = req.environ
    parked: Parking | None = environ.get(PARKING_KEY)
    # Run again (after a latency fault's park, or WorldMoved on a shared store): the fault its first run took.
    carried: dict | None = parked.state if parked is not None else environ.get(RUNS_KEY)
    if carried is not None and "fault" in carried:
        environ[_STARTED] = carried["started"]
        fault = carried["fault"]
    else:
        environ[_STARTED] = time.perf_counter()
        path = req.path
        if path.startswith(ADMIN_PREFIX):
            return None
        fault = world.faults.take(req.method, path)
        if fault is None:
            return None
        if carried is not None:
            carried.update(started=environ[_STARTED], fault=fault)
    environ[_FAULT] = fault
    if fault.latency_ms and not (parked is None and carried is not None and carried.get("slept")):
        # A real delay (what the client under test must survive), holding no worker thread if the server
        # can park the request (parking.py); once, whatever runs the request takes.
        pause(environ, fault.latency_ms / 1000)
        if parked is None and carried is not None:
            carried["slept"] = True
    if fault.drop:
        return _drop_connection(environ)
    if fault.status:
        kind = ErrorKind.for_http_status(fault.status)
        return render_error(MXError(kind, fault.message))
    return None


def _drop_connection(environ: dict) -> Response:
    environ[_DROPPED] = True
    sock = next((environ[key] for key in _SOCKET_KEYS if environ.get(key) is not None), None)
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
    # With a real server nothing below reaches the client; under the Flask test client (no socket) it
    # stands in for the dropped connection.
    return render_error(MXError(ErrorKind.BAD_GATEWAY, "Connection dropped by an injected fault."))


def _record(response: Response) -> Response:
    req = request._get_current_object()  # type: ignore[attr-defined]
    environ = req.environ
    found: Caller | None = environ.get(CALLER_KEY)
    if found is not None and found.route.cors is not None:  # a route a browser calls across origins
        response.headers["Access-Control-Allow-Origin"] = req.headers.get("Origin") or "*"
        response.headers["Vary"] = "Origin"
        response.headers.update(found.route.cors)
    acted_in: World | None = environ.get(WORLD_KEY)
    client_id = None
    if acted_in is not None and acted_in.provisional:  # a client id with no world yet: keep it only if needed
        client_id = acted_in.client_id
        try:
            kept = worlds().settle(acted_in, accepted=response.status_code < 400)
        except MXError as error:  # the registry is full: the call was undone
            kept, response = None, render_error(error)
        except StoreUnavailable:  # the database went away mid-call: MX's 503, the call may be sent again
            kept, response = None, render_error(MXError(ErrorKind.SERVICE_UNAVAILABLE))
        if kept is not None:
            client_id = None
        acted_in = environ[WORLD_KEY] = kept or worlds().shared  # a dropped world's call: the server's journal
    path = req.path
    if path.startswith(ADMIN_PREFIX):
        return response
    if acted_in is None:  # found once per request: the lookups below reuse it
        try:
            acted_in = world_of(req)
        except StoreUnavailable:  # the store could not say whose call it was (the call was a 503): the server's
            acted_in = worlds().shared
    fault = environ.get(_FAULT)
    body = _raw_body(req)
    try:
        at = acted_in.emulator.clock.now()
    except StoreUnavailable:  # a clock kept in the database that is away: the journal notes the real time
        at = utcnow()
    acted_in.journal.record(
        id=environ.get(REQUEST_ID_KEY),  # allocated when the request started (web/request_context.py)
        at=at,
        method=req.method,
        path=path,
        query=req.query_string,
        headers=_headers(environ),
        body=body,
        content_type=req.mimetype if body else "",
        status=0 if environ.get(_DROPPED) else response.status_code,
        duration_ms=(time.perf_counter() - environ.get(_STARTED, time.perf_counter())) * 1000,
        fault=fault.id if fault else None,
        **({"client_id": client_id} if client_id is not None else {}),
    )
    return response


def _headers(environ: dict) -> list[tuple[str, str]]:
    """The request's headers in werkzeug's EnvironHeaders order, as raw environ keys and values (one pass:
    this runs on every call; the journal spells the names only when an entry is viewed)."""
    found = [
        (key, value)
        for key, value in environ.items()
        if key[:5] == "HTTP_" and key != "HTTP_CONTENT_TYPE" and key != "HTTP_CONTENT_LENGTH"
    ]
    for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        value = environ.get(key)
        if value:
            found.append((key, value))
    return found


def _raw_body(req: Request) -> bytes | None:
    if not req.environ.get("CONTENT_LENGTH"):  # no body (werkzeug's content_length is None for it too)
        return None
    length = req.content_length
    if not length:
        return None
    if length > (current_app.config.get("MAX_CONTENT_LENGTH") or length):
        return None  # refused unread (413)
    try:
        return req.get_data(cache=True)
    except (ClientDisconnected, OSError):
        return None  # the client went away mid-body: the entry is kept, without the body it never sent
