"""A member's jobs and MFA: status, verify, identify, aggregate, check_balance, resume, challenges, and the
OAuth window URI (MX's MembersApi and WidgetsApi).

Exactly the success codes MX's document lists: verify 200; identify, aggregate, check_balance and resume
202. MX's errors page adds: a job of the same type already running answers 202 and starts nothing (so
verify answers 202 then), one of another type 409; resume on a member that is not CHALLENGED 405; the
challenges of a member that is not CHALLENGED 204.
"""

from __future__ import annotations

from flask import Response

from mocknexus.apis.platform.blueprint import bp
from mocknexus.apis.platform.common import listing, member_view, page_of, query
from mocknexus.apis.platform.schemas import members as s
from mocknexus.apis.platform.schemas.common import PlatformPageQuery
from mocknexus.domain.core.statuses import JobType
from mocknexus.domain.oauth.oauth import OAuthOptions
from mocknexus.web.caller import Caller
from mocknexus.web.http import emulator, read_body, render
from mocknexus.web.oauth_links import window_uri
from mocknexus.web.openapi import doc

member_response = s.PlatformMemberResponse()
status_response = s.PlatformMemberStatusResponse()
challenge_list = s.PlatformChallengeList()
oauth_response = s.PlatformOAuthWindowResponse()
resume_request = s.PlatformResumeRequest()
aggregate_query = s.PlatformAggregateQuery()
oauth_query = s.PlatformOAuthWindowQuery()
page_query = PlatformPageQuery()

_MEMBER = "/users/<user_guid>/members/<member_guid>"


@bp.get(_MEMBER + "/status")
@doc("A member's connection status, with its MFA challenges when CHALLENGED (a poll)", response=status_response)
def read_member_status(caller: Caller, member_guid: str) -> Response:
    return render(status_response, {"member": emulator().member_status(caller.user, member_guid)})


def _job(caller: Caller, member_guid: str, job_type: JobType, status: int) -> Response:
    member, started = emulator().start_platform_job(caller.user, member_guid, job_type)
    return render(member_response, {"member": member_view(member, caller.user)}, status if started else 202)


@bp.post(_MEMBER + "/verify")
@doc("Start an instant account verification (202: one is already running)", response=member_response,
     also=(202,), errors=(409,))  # fmt: skip
def verify_member(caller: Caller, member_guid: str) -> Response:
    return _job(caller, member_guid, JobType.VERIFICATION, 200)


@bp.post(_MEMBER + "/identify")
@doc("Start an account owner identification", response=member_response, status=202, errors=(409,))
def identify_member(caller: Caller, member_guid: str) -> Response:
    return _job(caller, member_guid, JobType.IDENTIFICATION, 202)


@bp.post(_MEMBER + "/aggregate")
@doc("Start an aggregation", response=member_response, status=202, query=aggregate_query, errors=(409,))
def aggregate_member(caller: Caller, member_guid: str) -> Response:
    query(aggregate_query)  # include_holdings / include_transactions: accepted; mocknexus makes neither
    return _job(caller, member_guid, JobType.AGGREGATION, 202)


@bp.post(_MEMBER + "/check_balance")
@doc("Start a balance check (a balance-only aggregation)", response=member_response, status=202, errors=(409,))
def check_balances(caller: Caller, member_guid: str) -> Response:
    return _job(caller, member_guid, JobType.BALANCE, 202)


@bp.put(_MEMBER + "/resume")
@doc("Answer a CHALLENGED member's MFA challenges (405 when it is not challenged)", response=member_response,
     status=202, body=resume_request)  # fmt: skip
def resume_aggregation(caller: Caller, member_guid: str) -> Response:
    answers = read_body(resume_request)["member"]["challenges"]
    api = emulator()
    member = api.resume_member(caller.user_guid, member_guid, answers)
    return render(member_response, {"member": member_view(member, caller.user)}, 202)


@bp.get(_MEMBER + "/challenges")
@doc("A CHALLENGED member's MFA challenges (204 when it is not challenged)", response=challenge_list,
     query=page_query, empty=(204,))  # fmt: skip
def list_member_challenges(caller: Caller, member_guid: str) -> Response:
    args = query(page_query)
    api = emulator()
    challenges = api.list_challenges(caller.user_guid, member_guid)
    if not challenges:
        return Response(status=204)  # MX: "If ... not ... CHALLENGED, then code 204 No Content"
    return listing(challenge_list, "challenges", *page_of(challenges, args))


@bp.get(_MEMBER + "/oauth_window_uri")
@doc("A one-time OAuth window URI for an OAuth member (400 for a member that does not use OAuth)",
     response=oauth_response, query=oauth_query)  # fmt: skip
def request_oauth_window_uri(caller: Caller, member_guid: str) -> Response:
    args = query(oauth_query)
    api = emulator()
    options = OAuthOptions(
        referral_source=args["referral_source"] or "BROWSER",  # MX: "Defaults to BROWSER"
        client_redirect_url=args["client_redirect_url"],
        ui_message_webview_url_scheme=args["ui_message_webview_url_scheme"],
        enable_app2app=args["enable_app2app"] != "false",  # MX: "Defaults to true"
        skip_aggregation=bool(args["skip_aggregation"]),
    )
    # A fresh one-time window (MX's 400 "Member cannot use OAuth" for a member that does not use OAuth).
    member = api.request_oauth_window(caller.user_guid, member_guid, options)
    return render(oauth_response, {"member": {"guid": member.guid, "oauth_window_uri": window_uri(member)}})
