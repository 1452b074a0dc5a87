"""The v20250224 handlers by the endpoint they answer for, and how a handler reads its path's identifiers."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import Response

from mocknexus.domain.platform.identifiers import institution_code, member_guid, user_guid
from mocknexus.web.http import emulator

VERSION = "v20250224"
REPLACES: dict[str, Callable[..., Response]] = {}


def replaces(endpoint: str) -> Callable[[Callable[..., Response]], Callable[..., Response]]:
    """Register a handler as v20250224's answer for `endpoint` (the v20111101 view's name)."""

    def register(handler: Callable[..., Response]) -> Callable[..., Response]:
        REPLACES[endpoint] = handler
        return handler

    return register


def identified(kwargs: dict[str, Any]) -> dict[str, Any]:
    """The path's identifiers as the operations take them: a user's or member's guid from the guid or the
    partner's id, an institution's code from the code or the guid (an account's identifier is its guid)."""
    api = emulator()
    found = dict(kwargs)
    if "user_guid" in found:
        found["user_guid"] = user_guid(api.store, found["user_guid"])
    if "member_guid" in found:
        found["member_guid"] = member_guid(api.store, found["member_guid"])
    if "institution_code" in found:
        found["institution_code"] = institution_code(api.catalog, found["institution_code"])
    return found


def same_shape(endpoint: str, view: Callable[..., Response]) -> None:
    """An operation v20250224 answers as v20111101 does but for its identifiers (and media type)."""

    @functools.wraps(view)
    def handler(**kwargs: Any) -> Response:
        return view(**identified(kwargs))

    REPLACES[endpoint] = handler
