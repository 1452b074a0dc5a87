"""Every failure leaves in MX's error shape: domain errors, HTTP errors (404, 405, 413), and crashes."""

from __future__ import annotations

import contextlib

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

from mocknexus.domain.errors import ErrorKind, MXError
from mocknexus.web.http import render_error
from mocknexus.web.routing import RouteTable


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(MXError)
    def _mx_error(error: MXError) -> Response:
        return render_error(error)

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> Response:
        status = error.code or 500
        kind = ErrorKind.for_http_status(status)
        if status == 404:
            message = f"No such endpoint: {request.method} {request.path}."
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

    @app.errorhandler(Exception)
    def _crash(error: Exception) -> Response:
        # Never a traceback or an HTML page to the client; the log keeps the details.
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        return render_error(MXError(ErrorKind.INTERNAL))
