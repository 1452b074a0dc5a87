"""MD-API-KEY authentication shared by the partner-facing APIs (MDX Real Time and SSO)."""

from __future__ import annotations

from flask import current_app, request

from mocknexus.domain.errors import ErrorKind, MXError

API_KEY_HEADER = "MD-API-KEY"


def require_api_key() -> None:
    """401 without a key, or with one other than the configured key; a configured client_id must match too."""
    config = current_app.config["MOCKNEXUS"]
    key = request.headers.get(API_KEY_HEADER)
    if not key or (config.api_key and key != config.api_key):
        raise MXError(ErrorKind.UNAUTHORIZED, f"The {API_KEY_HEADER} header is missing or invalid.")
    client_id = (request.view_args or {}).get("client_id")
    if config.client_id and client_id != config.client_id:
        raise MXError(ErrorKind.UNAUTHORIZED, "Unknown client_id.")
