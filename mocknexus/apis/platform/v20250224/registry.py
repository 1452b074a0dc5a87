"""How a v20250224 view reads its path's identifiers, and the views that differ from v20111101's only there."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import Response

from mocknexus.apis.platform.versions import V20250224, VERSIONS
from mocknexus.domain.platform.identifiers import institution_code, member_guid
from mocknexus.web.http import emulator


def identified(path: dict[str, Any]) -> dict[str, Any]:
    """The path's `{member_identifier}` as a member's guid (from the guid or the partner's id) and its
    `{institution_identifier}` as an institution's code (from the code or the guid); an account's identifier
    is its guid, and the user is the caller's."""
    found = dict(path)
    if "member_guid" in found:
        found["member_guid"] = member_guid(emulator().store, found["member_guid"])
    if "institution_code" in found:
        found["institution_code"] = institution_code(emulator().catalog, found["institution_code"])
    return found


def same_shape(endpoint: str, view: Callable[..., Response]) -> None:
    """An operation v20250224 answers as v20111101 does but for its identifiers (and media type)."""

    @functools.wraps(view)
    def current(**path: Any) -> Response:
        return view(**identified(path))

    VERSIONS.view_for(V20250224, endpoint)(current)
