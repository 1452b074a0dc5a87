"""The partner-facing APIs' authentication: MD-API-KEY (MDX Real Time and SSO) and Basic client_id:api_key
(the Platform API). Each wing's declaration names the one it uses (`Api.authenticate`)."""

from __future__ import annotations

import hmac

from flask import current_app, request

from mocknexus.domain.core.errors import ErrorKind, MXError

API_KEY_HEADER = "MD-API-KEY"
# MX's errors page for the Platform API's 401.
INVALID_BASIC = "Invalid MX-API-Key or MX-Client-ID provided."


def require_api_key() -> None:
    """401 without a key, or with one other than the configured key; a configured client_id must match too."""
    config = current_app.config["MOCKNEXUS"]
    key = request.headers.get(API_KEY_HEADER)
    if not key or (config.api_key and key != config.api_key):
        raise MXError(ErrorKind.UNAUTHORIZED, f"The {API_KEY_HEADER} header is missing or invalid.")
    client_id = (request.view_args or {}).get("client_id")
    if config.client_id and client_id != config.client_id:
        raise MXError(ErrorKind.UNAUTHORIZED, "Unknown client_id.")


def require_basic_auth() -> None:
    """`Authorization: Basic base64(client_id:api_key)`: any non-empty pair, or the configured ones. A CORS
    preflight (OPTIONS) carries no credentials and needs none."""
    if request.method == "OPTIONS":
        return
    config = current_app.config["MOCKNEXUS"]
    auth = request.authorization
    if auth is None or auth.type != "basic" or not auth.username or not auth.password:
        raise MXError(ErrorKind.UNAUTHORIZED, "Basic authentication with client_id:api_key is required.")
    if config.client_id and not hmac.compare_digest(auth.username.encode(), config.client_id.encode()):
        raise MXError(ErrorKind.UNAUTHORIZED, INVALID_BASIC)
    if config.api_key and not hmac.compare_digest(auth.password.encode(), config.api_key.encode()):
        raise MXError(ErrorKind.UNAUTHORIZED, INVALID_BASIC)
