"""Members and their jobs in v20250224: create takes `data_request.products` (no `skip_aggregation`) and
answers MX's 201 when a product failed; `most_recent_job_guid` is the job's guid; `{member_identifier}` takes
the guid or the partner's id (resolved by the caller). Delete, challenges, credentials and the OAuth window
answer as in v20111101."""

from __future__ import annotations

from flask import Response

from mocknexus.apis.platform.common import listing, member_view, page_of, query, read_changes
from mocknexus.apis.platform.schemas import members as legacy
from mocknexus.apis.platform.schemas.v20250224 import members as s
from mocknexus.apis.platform.versions import V20250224, VERSIONS
from mocknexus.domain.core.models import Member
from mocknexus.domain.core.statuses import JobType
from mocknexus.domain.platform.products import create_member as create_with_products
from mocknexus.domain.service import MemberChanges
from mocknexus.web.caller import Caller
from mocknexus.web.http import emulator, read_body, render
from mocknexus.web.oauth_links import oauth_options, window_uri

member_create = s.MemberCreateRequestV20250224()
member_update = s.MemberUpdateRequestV20250224()
member_list_query = legacy.PlatformMemberListQuery()
resume_request = legacy.PlatformResumeRequest()
member_response = s.MemberResponseV20250224()
created_response = s.CreatedMemberResponseV20250224()
member_list = s.MemberListV20250224()
status_response = s.MemberStatusResponseV20250224()


def _member(member: Member, caller: Caller, status: int = 200) -> Response:
    return render(member_response, {"member": member_view(member, caller.user)}, status)


@VERSIONS.view_for(V20250224, "platform.create_member")
def create_member(caller: Caller) -> Response:
    body = read_body(member_create)
    products = body["data_request"]["products"] if body["data_request"] is not None else None
    # The OAuth options beside the member, as v20111101 takes them (what runs after consent: the products').
    member, plan = create_with_products(emulator(), caller.user, body["member"], products, oauth_options(body, False))
    view = member_view(member, caller.user)
    view.oauth_window_uri = window_uri(member)  # type: ignore[attr-defined]  # an OAuth member's consent page
    if plan.failed:  # MX's PR #179: created, but a product could not be had (INFERRED error keys and values)
        view.error = {  # type: ignore[attr-defined]
            "error_type": "MEMBER", "error_code": None, "error_message": plan.message,
            "user_message": plan.message, "locale": "en",
        }  # fmt: skip
        return render(created_response, {"member": view}, 201)
    return render(member_response, {"member": view}, 202 if member.is_being_aggregated else 200)


@VERSIONS.view_for(V20250224, "platform.list_members")
def list_members(caller: Caller) -> Response:
    args = query(member_list_query)
    items, page = page_of(emulator().list_platform_members(caller.user, args["use_case"]), args)
    return listing(member_list, "members", [member_view(m, caller.user) for m in items], page)


@VERSIONS.view_for(V20250224, "platform.read_member")
def read_member(caller: Caller, member_guid: str) -> Response:
    return _member(emulator().read_member(caller.user_guid, member_guid), caller)


@VERSIONS.view_for(V20250224, "platform.update_member")
def update_member(caller: Caller, member_guid: str) -> Response:
    """v20250224 has no `skip_aggregation`: new credentials start a job."""
    fields = read_changes(member_update, "member")
    api = emulator()
    changes = MemberChanges(
        credentials=fields.get("credentials"),
        skip_aggregation=False,
        metadata=fields.get("metadata"),
        external_guid=fields.get("id"),
        background_aggregation_is_disabled=fields.get("background_aggregation_is_disabled"),
    )
    member = api.update_member(caller.user_guid, member_guid, changes)
    if fields.get("use_cases") is not None:
        member = api.set_use_cases(caller.user, member.guid, fields["use_cases"])
    return _member(member, caller)


@VERSIONS.view_for(V20250224, "platform.read_member_status")
def read_member_status(caller: Caller, member_guid: str) -> Response:
    return render(status_response, {"member": emulator().member_status(caller.user, member_guid)})


def _job(caller: Caller, member_guid: str, job_type: JobType, status: int) -> Response:
    member, started = emulator().start_platform_job(caller.user, member_guid, job_type)
    return _member(member, caller, status if started else 202)


@VERSIONS.view_for(V20250224, "platform.verify_member")
def verify_member(caller: Caller, member_guid: str) -> Response:
    return _job(caller, member_guid, JobType.VERIFICATION, 200)


@VERSIONS.view_for(V20250224, "platform.identify_member")
def identify_member(caller: Caller, member_guid: str) -> Response:
    return _job(caller, member_guid, JobType.IDENTIFICATION, 202)


@VERSIONS.view_for(V20250224, "platform.aggregate_member")
def aggregate_member(caller: Caller, member_guid: str) -> Response:
    """v20250224's aggregate takes no query parameters (include_holdings / include_transactions are gone)."""
    return _job(caller, member_guid, JobType.AGGREGATION, 202)


@VERSIONS.view_for(V20250224, "platform.check_balances")
def check_balances(caller: Caller, member_guid: str) -> Response:
    return _job(caller, member_guid, JobType.BALANCE, 202)


@VERSIONS.view_for(V20250224, "platform.resume_aggregation")
def resume_aggregation(caller: Caller, member_guid: str) -> Response:
    answers = read_body(resume_request)["member"]["challenges"]
    member = emulator().resume_member(caller.user_guid, member_guid, answers)
    return _member(member, caller, 202)
