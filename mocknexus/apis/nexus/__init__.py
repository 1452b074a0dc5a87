"""MX's Nexus API (sessions, institutions, members, jobs, accounts) and its micro-deposits."""

from __future__ import annotations

from mocknexus.apis.nexus import microdeposits, views
from mocknexus.web.apis import NEXUS_BETA_MEDIA_TYPE, NEXUS_MEDIA_TYPE, Api, NexusTokens

API = Api(
    name="nexus",
    tag="Nexus",
    blueprints=(views.bp, microdeposits.bp),
    media_type=NEXUS_MEDIA_TYPE,
    world=NexusTokens(),
    security=({"sessionToken": []},),  # checked by views.py, which also opens MX's static test_session
    also_accepts=(NEXUS_BETA_MEDIA_TYPE,),
)
