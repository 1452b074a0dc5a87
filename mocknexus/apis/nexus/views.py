"""The Nexus API (MX's int-data.moneydesktop.com), authenticated by the MD-SESSION-TOKEN header.

Handlers are given their caller (web/caller.py): `caller.ops` is what its session talks to (the emulator, or for
MX's static `test_session` the read-only `StaticMembers`), `caller.user_guid` the session's user.
"""

from __future__ import annotations

from flask import Blueprint, Request, Response, current_app, request

from mocknexus.apis.nexus.schemas import accounts as a
from mocknexus.apis.nexus.schemas import connecting as s
from mocknexus.domain.core.errors import ErrorKind, MXError
from mocknexus.domain.core.pagination import paginate
from mocknexus.domain.core.statuses import JobType
from mocknexus.domain.members.operations import MemberChanges
from mocknexus.domain.static_members.static_members import TEST_SESSION_TOKEN, StaticMembers
from mocknexus.schemas.common import EmptySchema, PageQuery
from mocknexus.schemas.oauth import OAuthWindowQuery, OAuthWindowResponse
from mocknexus.web.caller import Caller
from mocknexus.web.http import emulator, read_body, read_query, render
from mocknexus.web.oauth_links import oauth_options, with_window_uri
from mocknexus.web.openapi import doc

bp = Blueprint("nexus", __name__)

SESSION_HEADER = "MD-SESSION-TOKEN"
API_TOKEN_HEADER = "MD-API-TOKEN"

# Response schemas are built once: constructing a marshmallow schema per request is measurable overhead.
session_response = s.SessionResponse()
user_response = s.NexusUserResponse()
institution_response = s.InstitutionResponse()
institution_list = s.InstitutionListResponse()
credential_list = s.CredentialListResponse()
member_response = s.MemberResponse()
oauth_member_response = s.OAuthMemberResponse()
member_list = s.MemberListResponse()
challenge_list = s.ChallengeListResponse()
account_response = a.AccountResponse()
account_list = a.AccountListResponse()
account_number_list = a.AccountNumberListResponse()
account_owner_list = a.AccountOwnerListResponse()
empty = EmptySchema()

session_create = s.SessionCreateRequest()
institution_search = s.InstitutionSearchRequest()
institution_search_query = s.InstitutionSearchQuery()
page_query = PageQuery()
member_create = s.MemberCreateRequest()
member_update = s.MemberUpdateRequest()
resume = s.ResumeRequest()
job_request = s.JobRequest()
account_update = a.AccountUpdateRequest()
oauth_query = OAuthWindowQuery()
oauth_window_response = OAuthWindowResponse()

_SUPPORTS = ("supports_account_identification", "supports_account_verification", "supports_transaction_history")


def acting_user(caller: Caller, req: Request) -> None:
    """Who a Nexus call acts for: its session's user (MD-SESSION-TOKEN), in the emulator or, for MX's static
    `test_session`, in MX's read-only static members. The Nexus API's declaration (apis/nexus/)."""
    token = req.headers.get(SESSION_HEADER)
    if token == TEST_SESSION_TOKEN:
        ops = static_members()
        caller.session, caller.ops = ops.session, ops
    else:
        ops = caller.world.emulator
        caller.session, caller.ops = ops.authenticate(token), ops
    caller.user_guid = caller.session.user_guid


def static_members() -> StaticMembers:
    """MX's static test members, built once per app from its catalog (deterministic, so a race is harmless)."""
    found = current_app.extensions.get("mocknexus.static")
    if found is None:
        found = current_app.extensions["mocknexus.static"] = StaticMembers(emulator(), emulator().settings.seed)
    return found


def _page_args(query: dict) -> tuple[int | None, int | None]:
    return query.get("page"), query.get("records_per_page") or query.get("per_page")


@bp.post("/sessions")
@doc(
    "Open a session with a one-time api_token",
    acting_user=False,  # it opens the session the other calls act in
    response=session_response,
    body=session_create,
    body_required=False,
    security=[{"apiToken": []}],  # the body's api_token is accepted too, as a legacy form
    errors=(401,),
)
def create_session() -> Response:
    body = read_body(session_create, required=False)["session"]
    # Real clients send the api_token in the MD-API-TOKEN header; a body field is accepted as well.
    # A header that is present but empty is a wrong token (401), not a missing one (400).
    token = request.headers.get(API_TOKEN_HEADER)
    if token is None:
        token = body.get("api_token")
    if token is None:
        raise MXError(ErrorKind.MISSING_PARAMETERS, f"An api_token is required (header {API_TOKEN_HEADER}).")
    return render(session_response, {"session": emulator().open_session(token, body["skip_aggregation"])})


@bp.get("/user")
@doc("The session's user", response=user_response)
def read_user(caller: Caller) -> Response:
    return render(user_response, {"user": caller.ops.get_user(caller.user_guid)})


@bp.post("/institutions/search")
@doc(
    "Search institutions by name or url",
    response=institution_list,
    body=institution_search,
    query=institution_search_query,
)
def search_institutions(caller: Caller) -> Response:
    criteria = read_body(institution_search)["institution"]
    supports = tuple(flag for flag in _SUPPORTS if criteria[flag])
    if criteria["name"] is None and criteria["url"] is None and not supports:
        raise MXError(ErrorKind.MISSING_PARAMETERS, "Search by institution name or url.")
    query = read_query(institution_search_query)
    found, page = caller.ops.search_institutions(
        criteria["name"], criteria["url"], query["iso_country_code"], *_page_args(query), supports=supports
    )
    return render(institution_list, {"institutions": found, "pagination": page, "pagination_data": page})


@bp.get("/institutions/<guid>")
@doc("Read an institution", response=institution_response)
def read_institution(caller: Caller, guid: str) -> Response:
    return render(institution_response, {"institution": caller.ops.read_institution(guid)})


@bp.get("/institutions/<guid>/credentials")
@doc("The credentials an institution requires", response=credential_list, query=page_query)
def institution_credentials(caller: Caller, guid: str) -> Response:
    # The path is the Platform API's too, which pages this list: the same query is checked here (one
    # document for both), and an institution's few credentials fit on any page.
    read_query(page_query)
    return render(credential_list, {"credentials": caller.ops.read_institution(guid).credentials})


@bp.get("/members")
@doc("List the user's members", response=member_list, query=page_query)
def list_members(caller: Caller) -> Response:
    members, page = caller.ops.list_members(caller.user_guid, *_page_args(read_query(page_query)))
    return render(member_list, {"members": members, "pagination": page})


@bp.post("/members")
@doc(
    "Create a member (with is_oauth: PENDING, with its oauth_window_uri)",
    response=member_response,
    body=member_create,
    errors=(403, 422),  # 403: MX's static test_session reads and changes nothing
)
def create_member(caller: Caller) -> Response:
    body = read_body(member_create)
    fields = body["member"]
    if fields["credentials"] is None:
        fields["credentials"] = []
    if not fields["is_oauth"]:
        return render(member_response, {"member": caller.ops.create_member(caller.user_guid, **fields)})
    member = caller.ops.create_member(caller.user_guid, **fields, oauth=oauth_options(body, fields["skip_aggregation"]))
    return render(oauth_member_response, {"member": with_window_uri(member)})


@bp.get("/members/<guid>")
@doc("Read a member (a poll)", response=member_response)
def read_member(caller: Caller, guid: str) -> Response:
    return render(member_response, {"member": caller.ops.read_member(caller.user_guid, guid)})


@bp.put("/members/<guid>")
@doc(
    "Update a member: credentials, MFA answers, name, metadata",
    response=member_response,
    body=member_update,
    errors=(405, 422),
)
def update_member(caller: Caller, guid: str) -> Response:
    changes = MemberChanges(**read_body(member_update)["member"])
    return render(member_response, {"member": caller.ops.update_member(caller.user_guid, guid, changes)})


@bp.delete("/members/<guid>")
@doc("Delete a member", response=empty)
def delete_member(caller: Caller, guid: str) -> Response:
    caller.ops.delete_member(caller.user_guid, guid)
    return render(empty, {})


@bp.put("/members/<guid>/resume")
@doc(
    "Answer MFA challenges",
    response=member_response,
    body=resume,
    errors=(405,),
    unchecked={"positive_data_acceptance": "MX answers 405 to answers for a member that is not CHALLENGED."},
)
def resume_member(caller: Caller, guid: str) -> Response:
    answers = read_body(resume)["member"]["challenges"]
    return render(member_response, {"member": caller.ops.resume_member(caller.user_guid, guid, answers)})


@bp.get("/members/<guid>/challenges")
@doc("List a member's MFA challenges", response=challenge_list)
def list_challenges(caller: Caller, guid: str) -> Response:
    return render(challenge_list, {"challenges": caller.ops.list_challenges(caller.user_guid, guid)})


@bp.get("/members/<guid>/credentials")
@bp.get("/member/<guid>/credentials")  # sic: MX's v1 spec spells this path with the singular
@doc("The credentials a member's institution requires", response=credential_list)
def member_credentials(caller: Caller, guid: str) -> Response:
    member = caller.ops.read_member(caller.user_guid, guid, poll=False)
    institution = caller.ops.read_institution(member.institution_guid)
    return render(credential_list, {"credentials": institution.credentials})


def _job(caller: Caller, guid: str, job_type: JobType) -> Response:
    member, started = caller.ops.start_job(caller.user_guid, guid, job_type)
    # MX: a job of the same type already running answers 202 Accepted and starts nothing.
    return render(member_response, {"member": member}, status=200 if started else 202)


@bp.post("/members/<guid>/verify")
@doc(
    "Start a verification", response=member_response, body=job_request, body_required=False, also=(202,), errors=(409,)
)
def verify_member(caller: Caller, guid: str) -> Response:
    read_body(job_request, required=False)  # include_transactions: accepted; mocknexus generates no transactions
    return _job(caller, guid, JobType.VERIFICATION)


@bp.post("/members/<guid>/identify")
@doc(
    "Start an identification (account owners)",
    response=member_response,
    body=job_request,
    body_required=False,
    also=(202,),
    errors=(409,),
)
def identify_member(caller: Caller, guid: str) -> Response:
    read_body(job_request, required=False)  # include_transactions: accepted, as for verify
    return _job(caller, guid, JobType.IDENTIFICATION)


@bp.get("/members/<guid>/account_owners")
@doc("A member's account owners (after an identification)", response=account_owner_list)
def member_account_owners(caller: Caller, guid: str) -> Response:
    return render(account_owner_list, {"account_owners": caller.ops.account_owners(caller.user_guid, guid)})


@bp.get("/members/<guid>/aggregate")
@doc("Start an aggregation", response=member_response, also=(202,), errors=(409,))
def aggregate_member(caller: Caller, guid: str) -> Response:
    return _job(caller, guid, JobType.AGGREGATION)


@bp.get("/members/<guid>/account_numbers")
@doc("A member's account numbers (after a verification)", response=account_number_list)
def member_account_numbers(caller: Caller, guid: str) -> Response:
    return render(account_number_list, {"account_numbers": caller.ops.account_numbers(caller.user_guid, guid)})


@bp.get("/members/<guid>/accounts")
@doc("A member's accounts", response=account_list, query=page_query)
def member_accounts(caller: Caller, guid: str) -> Response:
    return _account_page(caller.ops.list_accounts(caller.user_guid, guid))


@bp.get("/accounts")
@doc("The user's accounts", response=account_list, query=page_query)
def list_accounts(caller: Caller) -> Response:
    return _account_page(caller.ops.list_accounts(caller.user_guid))


@bp.get("/accounts/<guid>")
@doc("Read an account", response=account_response)
def read_account(caller: Caller, guid: str) -> Response:
    return render(account_response, {"account": caller.ops.read_account(caller.user_guid, guid)})


@bp.put("/accounts/<guid>")
@doc("Update an account: nickname, is_hidden", response=account_response, body=account_update)
def update_account(caller: Caller, guid: str) -> Response:
    changes = read_body(account_update)["account"]
    return render(account_response, {"account": caller.ops.update_account(caller.user_guid, guid, **changes)})


@bp.get("/accounts/<guid>/account_number")
@doc("An account's numbers (after a verification)", response=account_number_list)
def account_number(caller: Caller, guid: str) -> Response:
    numbers = caller.ops.account_numbers_for_account(caller.user_guid, guid)
    return render(account_number_list, {"account_numbers": numbers})


def _account_page(accounts: list) -> Response:
    items, page = paginate(accounts, *_page_args(read_query(page_query)))
    return render(account_list, {"accounts": items, "pagination": page})


@bp.get("/members/<guid>/oauth_window_uri")
@doc(
    "A fresh one-time OAuth window URI for an OAuth member",
    response=oauth_window_response,
    query=oauth_query,
    unchecked={"positive_data_acceptance": "A member that does not use OAuth gets MX's 400, Member cannot use OAuth."},
)
def oauth_window_uri(caller: Caller, guid: str) -> Response:
    query = read_query(oauth_query)
    options = oauth_options(query, query["skip_aggregation"])
    member = caller.ops.request_oauth_window(caller.user_guid, guid, options)
    return render(oauth_window_response, {"member": with_window_uri(member)})
