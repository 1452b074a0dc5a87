"""Every failure leaves in MX's error shape: domain errors, HTTP errors (404, 405, 413), and crashes."""

from __future__ import annotations

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

from mocknexus.domain.errors import ErrorKind, MXError
from mocknexus.web.http import render_error


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
        if status == 405 and hasattr(error, "valid_methods") and error.valid_methods:
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response

    @app.errorhandler(Exception)
    def _crash(error: Exception) -> Response:
        # Never a traceback or an HTML page to the client; the log keeps the details.
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        return render_error(MXError(ErrorKind.INTERNAL))
