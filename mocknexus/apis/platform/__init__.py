"""MX's Platform API (v20111101, MX's host int-api.mx.com) at the server's root, over the same worlds as Nexus.

HTTP Basic `client_id:api_key` on every call (web/partner_auth.py; the client id names the world;
`--api-key`, when set, is checked); Accept `application/vnd.mx.api.v1+json` as MX's SDKs send it (or
plain JSON); bodies rooted as MX roots them. One module per concept: users, institutions, members, jobs
(verify, MFA, status), accounts, widget URLs, and the data plane (transactions, data: holdings,
statements, merchants, their jobs); their bodies in schemas/. Every handler calls the emulator's
operations (the user-keyed ones Nexus calls, and domain/platform/'s), so a member made through either API is
the other's too.
"""

from __future__ import annotations

# The routes, one module per concept (imported for the routes they add to `bp`).
from mocknexus.apis.platform import (  # noqa: F401
    accounts,
    data,
    identity,
    institutions,
    jobs,
    members,
    microdeposits,
    transactions,
    users,
    widgets,
)
from mocknexus.apis.platform.blueprint import SHARED_WITH_NEXUS, bp
from mocknexus.apis.platform.versions import VERSIONS
from mocknexus.web import partner_auth
from mocknexus.web.apis import PLATFORM_MEDIA_TYPE, Api, ClientInBasicAuth

__all__ = ["API", "VERSIONS"]

API = Api(
    name="platform",
    tag="Platform API",
    blueprints=(bp,),
    media_type=PLATFORM_MEDIA_TYPE,
    also_accepts=("application/vnd.mx.api.v1+pdf",),  # a statement's PDF (MX's document)
    request_media_type="application/json",  # MX's document: request bodies are plain JSON
    world=ClientInBasicAuth(),
    security=({"basic": []},),
    authenticate=partner_auth.require_basic_auth,
    acting_user=identity.acting_user,  # the user its path names, found once
    versions=VERSIONS,
    claims=identity.claims,  # Basic credentials or its media type, and no Nexus session token
    shares=SHARED_WITH_NEXUS,
)
