"""HTTP Basic `client_id:api_key`, as MX's Platform API takes it (and which request is one)."""

from __future__ import annotations

import hmac

from flask import current_app, request

from mocknexus.domain.errors import ErrorKind, MXError

# MX's errors page: 401 "Invalid MX-API-Key or MX-Client-ID provided".
INVALID_CREDENTIALS = "Invalid MX-API-Key or MX-Client-ID provided."
PLATFORM_MEDIA_MARK = "vnd.mx.api."


def require_basic_auth() -> None:
    """Any non-empty pair, or the configured client id and api key (`--client-id`, `--api-key`)."""
    if request.method == "OPTIONS":
        return  # a browser's CORS preflight carries no credentials (the widget URL route answers it)
    config = current_app.config["MOCKNEXUS"]
    auth = request.authorization
    if auth is None or auth.type != "basic" or not auth.username or not auth.password:
        raise MXError(ErrorKind.UNAUTHORIZED, "Basic authentication with client_id:api_key is required.")
    if config.client_id and not hmac.compare_digest(auth.username.encode(), config.client_id.encode()):
        raise MXError(ErrorKind.UNAUTHORIZED, INVALID_CREDENTIALS)
    if config.api_key and not hmac.compare_digest(auth.password.encode(), config.api_key.encode()):
        raise MXError(ErrorKind.UNAUTHORIZED, INVALID_CREDENTIALS)


def is_platform_request(environ: dict) -> bool:
    """Whether a request to a path both Nexus and the Platform API serve (`/institutions/{...}`) is the
    Platform API's: Basic credentials or the Platform's media type, and no Nexus session token."""
    if environ.get("HTTP_MD_SESSION_TOKEN"):
        return False
    auth = environ.get("HTTP_AUTHORIZATION", "")
    return auth[:6].lower() == "basic " or PLATFORM_MEDIA_MARK in environ.get("HTTP_ACCEPT", "")
