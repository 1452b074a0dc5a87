"""MX's Platform API (v20111101, MX's host int-api.mx.com) at the server's root, over the same worlds as Nexus.

HTTP Basic `client_id:api_key` on every call (web/partner_auth.py; the client id names the world;
`--api-key`, when set, is checked); Accept `application/vnd.mx.api.v1+json` as MX's SDKs send it (or
plain JSON); bodies rooted as MX roots them. One module per concept: users, institutions, members, jobs
(verify, MFA, status), accounts, widget URLs. Every handler calls the emulator's operations (the user-keyed
ones Nexus calls, and domain/platform.py's), so a member made through either API is the other's too.
"""

from __future__ import annotations

from flask import Blueprint

BLUEPRINT = "platform"
# (Nexus endpoint, Platform endpoint) pairs whose URLs meet with one method: a request with Basic credentials
# and no Nexus session token is the Platform API's, the rest Nexus's (web/routing.py's ApiMap.twin).
SHARED_WITH_NEXUS = (
    ("nexus.read_institution", "platform.read_institution"),
    ("nexus.institution_credentials", "platform.list_institution_credentials"),
    ("nexus.read_institution", "platform.list_favorite_institutions"),
)
bp = Blueprint(BLUEPRINT, __name__)  # its auth, media type and world: web/apis.py's "platform" entry

# The routes, one module per concept (imported for the routes they add to `bp`).
from mocknexus.web.platform import (  # noqa: E402, F401
    accounts,
    data,
    institutions,
    jobs,
    members,
    microdeposits,
    transactions,
    users,
    widgets,
)
