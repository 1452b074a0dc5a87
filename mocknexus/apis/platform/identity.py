"""Which requests are the Platform API's, and who they act for: the Platform parts of a request's caller.

A request is the Platform API's when it carries Basic credentials or the Platform's media type, and no Nexus
session token: that decides the URLs it shares with Nexus (`/institutions/{...}`) and the API that answers a
URL no route serves. The user a call acts for is the one its path names, found once (MX's 404 when there is
none): by guid, or, where the version (or the route) takes MX's `{user_identifier}`, by guid or the partner's
`id`. Its handlers take it from `caller.user`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Request

from mocknexus.web.caller import Caller

USER_ARG = "user_guid"  # the path segment naming the user, as MX's v20111101 document names it


def claims(environ: Mapping[str, Any]) -> bool:
    if environ.get("HTTP_MD_SESSION_TOKEN"):
        return False
    auth = environ.get("HTTP_AUTHORIZATION", "")
    return auth[:6].lower() == "basic " or "vnd.mx.api." in environ.get("HTTP_ACCEPT", "")


def acting_user(caller: Caller, req: Request) -> None:
    args = req.view_args
    if not args or USER_ARG not in args or not caller.route.takes_caller:
        return
    identifier = args.pop(USER_ARG)
    if req.method == "OPTIONS":  # a browser's CORS preflight carries no credentials and acts for nobody
        return
    route, version = caller.route, caller.version
    by_id = route.user_by_id or (version is not None and route.endpoint in version.user_identifiers)
    emulator = caller.world.emulator
    user = caller.user = emulator.find_user(identifier) if by_id else emulator.get_user(identifier)
    caller.user_guid = user.guid
