"""Around every emulated-API call: injected faults first, then the request journal afterwards.

The control plane's own paths (/__admin/) are neither faulted nor journaled.
"""

from __future__ import annotations

import contextlib
import hmac
import socket
import time

from flask import Flask, Response, current_app, g, request
from werkzeug.exceptions import ClientDisconnected, MethodNotAllowed

from mocknexus.domain.errors import ErrorKind, MXError
from mocknexus.web.http import emulator, faults, journal, media_type, render_error
from mocknexus.web.routing import RouteTable

ADMIN_PREFIX = "/__admin"


def register_hooks(app: Flask) -> None:
    app.extensions["mocknexus.routes"] = RouteTable.from_map(app.url_map)  # every blueprint is registered
    app.before_request(_owning_template)
    app.before_request(_guard_admin)
    app.before_request(_inject_fault)
    app.before_request(_negotiate)
    app.after_request(_record)


def _owning_template() -> None:
    """A URL a more specific template owns (web/routing.py) is that template's: a method it does not
    serve is a 405, whichever other route werkzeug found for the method."""
    rule = request.url_rule
    if rule is None:
        return
    routes: RouteTable = current_app.extensions["mocknexus.routes"]
    owner = routes.owner(rule.rule, request.path)
    if owner != rule.rule and request.method not in routes.methods[owner]:
        raise MethodNotAllowed(valid_methods=sorted(routes.methods[owner]))


def _guard_admin() -> None:
    """With --admin-token, the control plane wants `Authorization: Bearer <token>` (health stays open,
    for container health checks)."""
    token = current_app.config["MOCKNEXUS"].admin_token
    if not token or not request.path.startswith(ADMIN_PREFIX) or request.path == ADMIN_PREFIX + "/health":
        return
    # RFC 7235: the scheme is case-insensitive ("bearer", "BEARER"); spaces around the token do not count.
    scheme, _, given = request.headers.get("Authorization", "").strip().partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
        raise MXError(ErrorKind.UNAUTHORIZED, "The control plane needs Authorization: Bearer <admin token>.")


def _negotiate() -> None:
    """An Accept header that admits no JSON is a 406; no Accept header accepts anything (INFERRED for MX)."""
    if "Accept" not in request.headers:
        return
    if request.accept_mimetypes.best_match([media_type(), "application/json"]) is None:
        raise MXError(ErrorKind.NOT_ACCEPTABLE, f"This API answers {media_type()} only.")


def _inject_fault() -> Response | None:
    g.started = time.perf_counter()
    if request.path.startswith(ADMIN_PREFIX):
        return None
    fault = faults().take(request.method, request.path)
    g.fault = fault
    if fault is None:
        return None
    if fault.latency_ms:
        time.sleep(fault.latency_ms / 1000)  # a real delay: it is what the client under test must survive
    if fault.drop:
        return _drop_connection()
    if fault.status:
        kind = ErrorKind.for_http_status(fault.status)
        return render_error(MXError(kind, fault.message))
    return None


def _drop_connection() -> Response:
    g.dropped = True
    sock = request.environ.get("werkzeug.socket") or request.environ.get("gunicorn.socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
    # With a real server nothing below reaches the client; under the Flask test client (no socket) it
    # stands in for the dropped connection.
    return render_error(MXError(ErrorKind.BAD_GATEWAY, "Connection dropped by an injected fault."))


def _record(response: Response) -> Response:
    if request.path.startswith(ADMIN_PREFIX):
        return response
    fault = g.get("fault")
    journal().record(
        at=emulator().clock.now(),
        method=request.method,
        path=request.path,
        query=request.query_string,
        headers=list(request.headers.items()),
        body=_raw_body(),
        content_type=request.mimetype,
        status=0 if g.get("dropped") else response.status_code,
        duration_ms=(time.perf_counter() - g.get("started", time.perf_counter())) * 1000,
        fault=fault.id if fault else None,
    )
    return response


def _raw_body() -> bytes | None:
    length = request.content_length
    if not length:
        return None
    if length > (current_app.config.get("MAX_CONTENT_LENGTH") or length):
        return None  # refused unread (413)
    try:
        return request.get_data(cache=True)
    except (ClientDisconnected, OSError):
        return None  # the client went away mid-body: the entry is kept, without the body it never sent
