"""Which requests are the Platform API's, and who they act for: the Platform parts of a request's caller.

A request is the Platform API's when it carries Basic credentials, the Platform's media type or its
`Accept-Version` header, and no Nexus session token: that decides the URLs it shares with Nexus
(`/institutions/{...}`) and the API that answers a URL no route serves. The user a call acts for is the one
its path names, found once (MX's 404 when there is none): by guid, or, where the version (or the route) takes
MX's `{user_identifier}`, by guid or the partner's `id`. Its handlers take it from `caller.user`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Request

from mocknexus.domain.platform.identifiers import USER, resolve
from mocknexus.web.caller import Caller

USER_ARG = USER  # the path segment naming the user, as MX's v20111101 document names it


def claims(environ: Mapping[str, Any]) -> bool:
    if environ.get("HTTP_MD_SESSION_TOKEN"):
        return False
    auth = environ.get("HTTP_AUTHORIZATION", "")
    return (
        auth[:6].lower() == "basic "
        or "vnd.mx.api." in environ.get("HTTP_ACCEPT", "")
        or "HTTP_ACCEPT_VERSION" in environ  # a header only the Platform API has (its versions)
    )


def acting_user(caller: Caller, req: Request) -> None:
    """The user the path names (by guid, or by guid or partner `id` where the operation takes MX's
    `{user_identifier}`), then the path's other identifiers the version takes, each resolved once here
    (domain/platform/identifiers.py): a view receives guids and an institution code."""
    args = req.view_args
    if not args or req.method == "OPTIONS":  # a browser's CORS preflight carries no credentials, acts for nobody
        if args and caller.route.takes_caller:
            args.pop(USER_ARG, None)
        return
    route, version = caller.route, caller.version
    taken = version.identifiers.get(route.endpoint, ()) if version is not None else ()
    emulator = caller.world.emulator
    if USER_ARG in args and route.takes_caller:
        identifier = args.pop(USER_ARG)
        by_id = route.user_by_id or USER_ARG in taken
        user = caller.user = emulator.find_user(identifier) if by_id else emulator.get_user(identifier)
        caller.user_guid = user.guid
    if taken:
        resolve(emulator.store, emulator.catalog, caller.user, args, taken)
