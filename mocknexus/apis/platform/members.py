"""Members: create, list, read, update, delete, and the credentials a member's institution asks
(MX's MembersApi). Creating or reading one here is creating or reading it for Nexus as well.
"""

from __future__ import annotations

from flask import Response

from mocknexus.apis.platform.blueprint import bp
from mocknexus.apis.platform.common import listing, member_view, page_of, paged, query, read_changes
from mocknexus.apis.platform.schemas import institutions as si
from mocknexus.apis.platform.schemas import members as s
from mocknexus.apis.platform.schemas.common import PlatformPageQuery
from mocknexus.domain.service import MemberChanges
from mocknexus.web.caller import Caller
from mocknexus.web.http import read_body, render
from mocknexus.web.oauth_links import oauth_options, window_uri
from mocknexus.web.openapi import doc

member_create = s.PlatformMemberCreateRequest()
member_update = s.PlatformMemberUpdateRequest()
member_list_query = s.PlatformMemberListQuery()
page_query = PlatformPageQuery()
member_response = s.PlatformMemberResponse()
member_list = s.PlatformMemberList()
credential_list = si.PlatformCredentialList()


@bp.post("/users/<user_guid>/members")
@doc(
    "Create a member (institution_code and credentials); it starts aggregating unless skip_aggregation",
    response=member_response,
    body=member_create,
    also=(202,),
    errors=(409, 422),
)
def create_member(caller: Caller) -> Response:
    body = read_body(member_create)
    fields = body["member"]
    # MX's top-level OAuth options (referral_source, client_redirect_url, ui_message_webview_url_scheme,
    # enable_app2app): how an OAuth member's consent ends, as through Nexus.
    oauth = oauth_options(body, fields["skip_aggregation"])
    member = caller.emulator.create_platform_member(caller.user, fields, oauth)
    # MX lists 200 and 202: 202 (accepted, processing) when a job started, 200 when none did (INFERRED).
    status = 202 if member.is_being_aggregated else 200
    view = member_view(member, caller.user)
    view.oauth_window_uri = window_uri(member)  # type: ignore[attr-defined]  # an OAuth member's consent page
    return render(member_response, {"member": view}, status)


@bp.get("/users/<user_guid>/members")
@doc("List a user's members", response=member_list, query=member_list_query)
def list_members(caller: Caller) -> Response:
    args = query(member_list_query)
    items, page = page_of(caller.emulator.list_platform_members(caller.user, args["use_case"]), args)
    return listing(member_list, "members", [member_view(m, caller.user) for m in items], page)


@bp.get("/users/<user_guid>/members/<member_guid>")
@doc("Read a member (a poll: its job moves on)", response=member_response)
def read_member(caller: Caller, member_guid: str) -> Response:
    member = caller.emulator.read_member(caller.user_guid, member_guid)
    return render(member_response, {"member": member_view(member, caller.user)})


@bp.put("/users/<user_guid>/members/<member_guid>")
@doc(
    "Update a member's credentials (a new job unless skip_aggregation), id, metadata or use_cases",
    response=member_response,
    body=member_update,
    errors=(405, 409, 422),
)
def update_member(caller: Caller, member_guid: str) -> Response:
    fields = read_changes(member_update, "member")
    api = caller.emulator
    changes = MemberChanges(
        credentials=fields.get("credentials"),
        skip_aggregation=fields.get("skip_aggregation", False),
        metadata=fields.get("metadata"),
        external_guid=fields.get("id"),
        background_aggregation_is_disabled=fields.get("background_aggregation_is_disabled"),
    )
    member = api.update_member(caller.user_guid, member_guid, changes)
    if fields.get("use_cases") is not None:
        member = api.set_use_cases(caller.user, member_guid, fields["use_cases"])
    return render(member_response, {"member": member_view(member, caller.user)})


@bp.delete("/users/<user_guid>/members/<member_guid>")
@doc("Delete a member and its accounts", response=None, status=204)
def delete_member(caller: Caller, member_guid: str) -> Response:
    api = caller.emulator
    api.delete_member(caller.user_guid, member_guid)
    return Response(status=204)


@bp.get("/users/<user_guid>/members/<member_guid>/credentials")
@doc("The credentials the member's institution requires", response=credential_list, query=page_query)
def list_member_credentials(caller: Caller, member_guid: str) -> Response:
    api = caller.emulator
    member = api.read_member(caller.user_guid, member_guid, poll=False)
    return paged(credential_list, "credentials", api.read_institution(member.institution_guid).credentials)
