"""Control-plane reads made for the inspector (/__admin/ui), on the admin blueprint: members with their
job's progress and status timeline, and sessions and api tokens with their expiry, tokens masked."""

from __future__ import annotations

from flask import Response

from mocknexus.domain import inspection
from mocknexus.schemas import inspection as s
from mocknexus.web.admin import bp
from mocknexus.web.http import emulator, read_query, render
from mocknexus.web.openapi import doc

member_query = s.MemberQuery()
member_list = s.InspectedMemberListResponse()
credential_list = s.AccessTokenListResponse()


@bp.get("/members")
@doc("Members, newest first, with their job's progress and status timeline", response=member_list, query=member_query)
def inspect_members() -> Response:
    limit = read_query(member_query)["limit"]
    return render(member_list, {"members": inspection.members(emulator(), limit)})


@bp.get("/sessions")
@doc("Sessions and api tokens with their expiry by the emulator's clock (tokens masked)", response=credential_list)
def inspect_credentials() -> Response:
    return render(credential_list, {"credentials": inspection.credentials(emulator())})
