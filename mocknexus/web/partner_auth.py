"""The partner-facing APIs' authentication: MD-API-KEY (MDX Real Time and SSO) and Basic client_id:api_key
(the Platform API). Each wing's declaration names the one it uses (`Api.authenticate`)."""

from __future__ import annotations

import functools
import hmac

from flask import Request
from werkzeug.datastructures import Authorization

from mocknexus.config import Config
from mocknexus.domain.core.errors import ErrorKind, MXError

API_KEY_HEADER = "MD-API-KEY"
# MX's errors page for the Platform API's 401.
INVALID_BASIC = "Invalid MX-API-Key or MX-Client-ID provided."


def require_api_key(config: Config, request: Request) -> None:
    """401 without a key, or with one other than the configured key; a configured client_id must match too."""
    key = request.headers.get(API_KEY_HEADER)
    if not key or (config.api_key and key != config.api_key):
        raise MXError(ErrorKind.UNAUTHORIZED, f"The {API_KEY_HEADER} header is missing or invalid.")
    client_id = (request.view_args or {}).get("client_id")
    if config.client_id and client_id != config.client_id:
        raise MXError(ErrorKind.UNAUTHORIZED, "Unknown client_id.")


@functools.lru_cache(maxsize=256)
def basic_credentials(header: str | None) -> tuple[str, str] | None:
    """(client_id, api_key) of an `Authorization: Basic` header as werkzeug parses it; None for none or another
    scheme. A client sends the same header on every call: parsed once, not once per call."""
    auth = Authorization.from_header(header)
    if auth is None or auth.type != "basic":
        return None
    return auth.username or "", auth.password or ""


def require_basic_auth(config: Config, request: Request) -> None:
    """`Authorization: Basic base64(client_id:api_key)`: any non-empty pair, or the configured ones. A CORS
    preflight (OPTIONS) carries no credentials and needs none."""
    if request.method == "OPTIONS":
        return
    found = basic_credentials(request.environ.get("HTTP_AUTHORIZATION"))
    if found is None or not found[0] or not found[1]:
        raise MXError(ErrorKind.UNAUTHORIZED, "Basic authentication with client_id:api_key is required.")
    username, password = found
    if config.client_id and not hmac.compare_digest(username.encode(), config.client_id.encode()):
        raise MXError(ErrorKind.UNAUTHORIZED, INVALID_BASIC)
    if config.api_key and not hmac.compare_digest(password.encode(), config.api_key.encode()):
        raise MXError(ErrorKind.UNAUTHORIZED, INVALID_BASIC)
