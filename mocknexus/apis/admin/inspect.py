"""Control-plane reads made for the inspector (/__admin/ui), on the admin blueprint: members with their
job's progress and status timeline, and sessions and api tokens with their expiry, tokens masked."""

from __future__ import annotations

from flask import Response

from mocknexus.apis.admin.blueprint import route, scope
from mocknexus.apis.admin.schemas import inspection as s
from mocknexus.control.world import World
from mocknexus.domain.inspection import inspection
from mocknexus.web.http import read_query, render
from mocknexus.web.openapi import doc

member_query = s.MemberQuery()
member_list = s.InspectedMemberListResponse()
credential_list = s.AccessTokenListResponse()


def _holds_members(world: World) -> bool:
    return inspection.holds_members(world.emulator)


def _holds_credentials(world: World) -> bool:
    return inspection.holds_credentials(world.emulator)


@route("/members", ["GET"])
@doc("Members, newest first, with their job's progress and status timeline", response=member_list, query=member_query)
def inspect_members(client_id: str | None = None) -> Response:
    limit = read_query(member_query)["limit"]
    # Server-wide, most of 20 000 worlds may hold no member: only those that do are visited.
    holders = scope(client_id).holding("members", _holds_members)
    found = [view for world in holders for view in inspection.members(world.emulator, limit)]
    newest = sorted(found, key=lambda v: (v.created_at, v.guid), reverse=True)[:limit]
    return render(member_list, {"members": newest})


@route("/sessions", ["GET"])
@doc("Sessions and api tokens with their expiry by the emulator's clock (tokens masked)", response=credential_list)
def inspect_credentials(client_id: str | None = None) -> Response:
    holders = scope(client_id).holding("credentials", _holds_credentials)
    found = [view for world in holders for view in inspection.credentials(world.emulator)]
    return render(credential_list, {"credentials": sorted(found, key=lambda v: (v.issued_at, v.kind), reverse=True)})
