"""MX's Platform API v20250224 beside v20111101, on the same paths: a request with `Accept-Version:
v20250224` is answered by the handler registered here for its endpoint (`REPLACES`), with v20250224's
shapes (schemas/v20250224/), identifiers (`{user_identifier}` etc.: the guid or the partner's id),
media type (`application/json`) and error body.

`install(app)` puts each handler in front of the v20111101 view of its endpoint: the version is a choice made
per request (`requested`), the world, the user and the records are the same. (Until the request's caller carries its
version, this is how a v20250224 request reaches its handler.)
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import Flask, Response

from mocknexus.apis.platform.v20250224.registry import REPLACES, VERSION
from mocknexus.web.platform_version import platform_version

__all__ = ["REPLACES", "VERSION", "install", "requested"]


def requested() -> bool:
    """Does this request ask for v20250224? (web/platform_version.py decides, once per request.)"""
    return platform_version("platform") == VERSION


def install(app: Flask) -> None:
    """Answer v20250224's requests of every endpoint it has a handler for; v20111101's views stay as they are."""
    from mocknexus.apis.platform.v20250224 import accounts, institutions, members, users  # noqa: F401 (handlers)

    for endpoint, handler in REPLACES.items():
        app.view_functions[endpoint] = _by_version(app.view_functions[endpoint], handler)
    app.platform_versions = {VERSION: frozenset(REPLACES)}  # type: ignore[attr-defined]  # the coverage table's


def _by_version(legacy: Callable[..., Response], current: Callable[..., Response]) -> Callable[..., Response]:
    @functools.wraps(legacy)
    def view(**kwargs: Any) -> Response:
        return current(**kwargs) if requested() else legacy(**kwargs)

    return view
