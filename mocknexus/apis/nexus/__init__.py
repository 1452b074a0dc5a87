"""MX's Nexus API (sessions, institutions, members, jobs, accounts) and its micro-deposits."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mocknexus.apis.nexus import microdeposits, views
from mocknexus.schemas.dialects import DIALECTS
from mocknexus.web.apis import NEXUS_BETA_MEDIA_TYPE, NEXUS_MEDIA_TYPE, Api, NexusTokens
from mocknexus.web.versions import Version, Versions

# MX serves both generations of its Nexus documentation (its 2021 Verification Guide, "g21", and today's v1
# reference) under one media type and names no header that tells them apart; mocknexus answers the one a
# request names in this header of its own (never an MX header), else the server's --mx-dialect.
DIALECT_HEADER = "X-Mocknexus-Dialect"


def _asked_dialect(environ: Mapping[str, Any]) -> str | None:
    asked = environ.get("HTTP_X_MOCKNEXUS_DIALECT")
    return asked.strip().lower() if asked is not None else None


DIALECT_VERSIONS = Versions(
    versions=tuple(Version(name, dialect=name) for name in DIALECTS),
    pick=_asked_dialect,
    default=lambda config: config.mx_dialect,
    refusal=f"{DIALECT_HEADER} names one of {', '.join(DIALECTS)}.",
)

API = Api(
    name="nexus",
    tag="Nexus",
    blueprints=(views.bp, microdeposits.bp),
    media_type=NEXUS_MEDIA_TYPE,
    world=NexusTokens(),
    security=({"sessionToken": []},),
    acting_user=views.acting_user,  # its session's user (MX's static members behind test_session)
    versions=DIALECT_VERSIONS,
    also_accepts=(NEXUS_BETA_MEDIA_TYPE,),
)
