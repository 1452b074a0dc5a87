"""Every failure leaves in MX's error shape: domain errors, HTTP errors (404, 405, 413), and crashes.

The one place MX's error body is built (`error_body`: MX's envelope, or the shape an API or version declares)
and rendered (`render_error`): in the API's media
type, or as XML where the API speaks XML and the request asked for it (a `.xml` path, an XML Accept header).
"""

from __future__ import annotations

import contextlib

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

from mocknexus.domain.core.errors import ErrorKind, MXError
from mocknexus.schemas.common import ErrorResponse
from mocknexus.store.base import StoreUnavailable
from mocknexus.web import xmlio
from mocknexus.web.http import CALLER_KEY, dumps, media_type
from mocknexus.web.near_misses import NearMisses
from mocknexus.web.negotiation import xml_media_type
from mocknexus.web.routing import RouteTable

_error_schema = ErrorResponse()


def error_envelope(error: MXError) -> dict:
    """MX's error body, `{"error": {"code": 4040, "message": "..."}}`; bodies that say more (a wait's 408
    with the state it saw) add keys next to it."""
    return _error_schema.dump({"error": {"code": error.code, "message": error.message}})


def error_body(error: MXError) -> dict:
    """The body an error answers with: MX's envelope, unless the request's version or API declares a shape
    of its own (`Version.error_body`, `Api.error_body`: MX documents one per API)."""
    found = request.environ.get(CALLER_KEY)
    if found is not None:
        shape = (found.version.error_body if found.version is not None else None) or found.api.error_body
        if shape is not None:
            return shape(error)
    return error_envelope(error)


def render_error(error: MXError) -> Response:
    """An MX error as the request's API answers it: XML when asked for where the API speaks XML, else JSON."""
    xml = xml_media_type()
    if xml is not None:
        return Response(xmlio.dumps("error", error_envelope(error)["error"]), status=error.http_status, mimetype=xml)
    return Response(dumps(error_body(error)), status=error.http_status, mimetype=media_type())


def register_error_handlers(app: Flask) -> None:
    near = NearMisses(app.url_map)  # every blueprint is registered by now (app.py)

    @app.errorhandler(MXError)
    def _mx_error(error: MXError) -> Response:
        return render_error(error)

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> Response:
        status = error.code or 500
        kind = ErrorKind.for_http_status(status)
        if status == 404:
            message = f"No such endpoint: {request.method} {request.path}."
            if request.url_rule is None:  # no route at all (not a view's own 404): the nearest ones
                nearest = near.nearest(request.method, request.path)
                if nearest:
                    message += f" Did you mean {' or '.join(nearest)}?"
        elif status == 405:
            message = f"{request.method} is not allowed on {request.path}."
        else:
            message = kind.default_message
        response = render_error(MXError(kind, message))
        if status == 405:
            response.headers["Allow"] = ", ".join(_allowed_methods(error))
        return response

    def _allowed_methods(error: HTTPException) -> list[str]:
        """The methods of the path template owning this URL (web/routing.py), as the OpenAPI document
        lists them; werkzeug's own list is the union over every route matching the URL."""
        rule = request.url_rule  # set when a route matched and a hook refused the method
        if rule is None:  # werkzeug refused it: find a route the URL matches with a method it serves
            adapter = app.url_map.bind_to_environ(request.environ)
            for method in getattr(error, "valid_methods", None) or ():
                with contextlib.suppress(HTTPException):
                    rule, _ = adapter.match(method=method, return_rule=True)
                    break
        routes: RouteTable | None = app.extensions.get("mocknexus.routes")
        if rule is None or routes is None:
            return list(getattr(error, "valid_methods", None) or ())
        return sorted(routes.methods[routes.owner(rule.rule, request.path)])

    @app.errorhandler(StoreUnavailable)
    def _store_away(error: StoreUnavailable) -> Response:
        # The database restarting or out of reach: MX's 503, which clients retry; the message (no password)
        # goes to the log, not to the client.
        app.logger.warning("%s %s: %s", request.method, request.path, error)
        return render_error(MXError(ErrorKind.SERVICE_UNAVAILABLE))

    @app.errorhandler(Exception)
    def _crash(error: Exception) -> Response:
        # Never a traceback or an HTML page to the client; the log keeps the details.
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        return render_error(MXError(ErrorKind.INTERNAL))
