"""The Platform API's blueprint, which its concept modules add their routes to."""

from __future__ import annotations

from flask import Blueprint

# (Nexus endpoint, Platform endpoint) pairs whose URLs meet with one method: a request with Basic credentials
# and no Nexus session token is the Platform API's, the rest Nexus's (web/routing.py's ApiMap.twin).
SHARED_WITH_NEXUS = (
    ("nexus.read_institution", "platform.read_institution"),
    ("nexus.institution_credentials", "platform.list_institution_credentials"),
    ("nexus.read_institution", "platform.list_favorite_institutions"),
)
bp = Blueprint("platform", __name__)  # its auth, media type and world: the wing's `API` (apis/platform/)
