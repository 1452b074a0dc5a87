"""Holdings, statements and the data plane's jobs in v20250224: holdings and statements in MX's v20250224
shapes (`account_guid` never null), extend_history and fetch_statements by `{user_identifier}` and
`{member_identifier}` answering v20250224's member. A statement's PDF, categories and merchants answer as in
v20111101 (their shapes did not change; the version's media type applies)."""

from __future__ import annotations

from flask import Response

from mocknexus.apis.platform import data as v20111101
from mocknexus.apis.platform.common import listing, member_view, page_of, query
from mocknexus.apis.platform.schemas.common import PlatformPageQuery
from mocknexus.apis.platform.schemas.v20250224 import holdings as s
from mocknexus.apis.platform.schemas.v20250224.members import MemberResponseV20250224
from mocknexus.apis.platform.versions import V20250224, VERSIONS
from mocknexus.domain.core.statuses import JobType
from mocknexus.web.caller import Caller
from mocknexus.web.http import emulator, render

MAX_PER_PAGE = 1000
holding_list = s.HoldingListV20250224()
holding_response = s.HoldingResponseV20250224()
statement_list = s.StatementListV20250224()
statement_response = s.StatementResponseV20250224()
member_response = MemberResponseV20250224()
page_query = PlatformPageQuery()


def _holdings(found: list) -> Response:
    return listing(holding_list, "investment_holdings", *page_of(found, query(page_query), MAX_PER_PAGE))


@VERSIONS.view_for(V20250224, "platform.list_holdings")
def list_holdings(caller: Caller) -> Response:
    return _holdings(emulator().list_holdings(caller.user))


@VERSIONS.view_for(V20250224, "platform.list_holdings_by_member")
def list_holdings_by_member(caller: Caller, member_guid: str) -> Response:
    return _holdings(emulator().list_holdings(caller.user, member_guid=member_guid))


@VERSIONS.view_for(V20250224, "platform.list_holdings_by_account")
def list_holdings_by_account(caller: Caller, account_guid: str) -> Response:
    return _holdings(emulator().list_holdings(caller.user, account_guid=account_guid))


@VERSIONS.view_for(V20250224, "platform.read_holding")
def read_holding(caller: Caller, holding_guid: str) -> Response:
    return render(holding_response, {"investment_holding": emulator().read_holding(caller.user, holding_guid)})


@VERSIONS.view_for(V20250224, "platform.list_statements_by_member")
def list_statements_by_member(caller: Caller, member_guid: str) -> Response:
    args = query(page_query)
    api = emulator()
    shown, page = page_of(api.list_statements(caller.user, member_guid), args, MAX_PER_PAGE)
    # Each listed statement's content_hash is its PDF's, as in v20111101: made for this page only.
    views = [v20111101.statement_view(st, api.read_statement(caller.user, member_guid, st.guid)[1]) for st in shown]
    return listing(statement_list, "statements", views, page)


@VERSIONS.view_for(V20250224, "platform.read_statement_by_member")
def read_statement_by_member(caller: Caller, member_guid: str, statement_guid: str) -> Response:
    found, pdf = emulator().read_statement(caller.user, member_guid, statement_guid)
    return render(statement_response, {"statement": v20111101.statement_view(found, pdf)})


def _job(caller: Caller, member_guid: str, job_type: JobType) -> Response:
    member, _ = emulator().start_platform_job(caller.user, member_guid, job_type)
    return render(member_response, {"member": member_view(member, caller.user)}, 202)


@VERSIONS.view_for(V20250224, "platform.extend_history")
def extend_history(caller: Caller, member_guid: str) -> Response:
    return _job(caller, member_guid, JobType.HISTORY)


@VERSIONS.view_for(V20250224, "platform.fetch_statements")
def fetch_statements(caller: Caller, member_guid: str) -> Response:
    return _job(caller, member_guid, JobType.STATEMENT)
