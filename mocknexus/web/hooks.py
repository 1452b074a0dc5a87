"""Around every emulated-API call: injected faults first, then the request journal afterwards.

The control plane's own paths (/__admin/) are neither faulted nor journaled.
"""

from __future__ import annotations

import contextlib
import hmac
import socket
import time

from flask import Flask, Response, current_app, g, request

from mocknexus.domain.errors import ErrorKind, MXError
from mocknexus.web.http import emulator, faults, journal, media_type, render_error
from mocknexus.web.negotiation import answers_xml

ADMIN_PREFIX = "/__admin"
# The inspector's page and its scripts hold no data (that comes from /__admin/ calls that carry the admin
# token), and a browser cannot send a bearer header when it first loads a page: they stay open.
INSPECTOR_PREFIX = ADMIN_PREFIX + "/ui"


def register_hooks(app: Flask) -> None:
    app.before_request(_guard_admin)
    app.before_request(_inject_fault)
    app.before_request(_negotiate)
    app.after_request(_record)


def _guard_admin() -> None:
    """With --admin-token, the control plane wants `Authorization: Bearer <token>` (health stays open,
    for container health checks)."""
    token = current_app.config["MOCKNEXUS"].admin_token
    if not token or not request.path.startswith(ADMIN_PREFIX) or request.path == ADMIN_PREFIX + "/health":
        return
    if request.path == INSPECTOR_PREFIX or request.path.startswith(INSPECTOR_PREFIX + "/"):
        return
    given = request.headers.get("Authorization", "")
    if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        raise MXError(ErrorKind.UNAUTHORIZED, "The control plane needs Authorization: Bearer <admin token>.")


def _negotiate() -> None:
    """An Accept header that admits none of the endpoint's media types is a 406; no Accept header accepts
    anything (INFERRED for MX). An unknown route is a 404 first: nothing is negotiated before routing.
    The inspector serves HTML, CSS and JS, so it is not negotiated either."""
    if "Accept" not in request.headers or request.routing_exception is not None or request.blueprint == "inspector":
        return
    offered = [media_type(), "application/json", *answers_xml()]
    if request.accept_mimetypes.best_match(offered) is None:
        raise MXError(ErrorKind.NOT_ACCEPTABLE, f"This API answers {' or '.join(offered)} only.")


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
        id=g.get("request_id"),  # allocated when the request started (web/request_context.py)
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
    return request.get_data(cache=True)
