"""Investment holdings, statements (with their PDFs), merchants, and the data plane's jobs: extend_history and
fetch_statements (MX's InvestmentHoldingsApi, StatementsApi, MerchantsApi, and their MembersApi jobs).

The jobs run on the member's scenario like every job (so one may ask for MFA), answer 202, and, as MX's
errors page says of every job, a job of the same type already running answers 202 and starts nothing, one
of another type 409.
"""

from __future__ import annotations

from types import SimpleNamespace

from flask import Response

from mocknexus.apis.platform.blueprint import bp
from mocknexus.apis.platform.common import listing, member_view, page_of, paged, query
from mocknexus.apis.platform.schemas import holdings as s
from mocknexus.apis.platform.schemas import members as member_schemas
from mocknexus.apis.platform.schemas.common import PlatformPageQuery
from mocknexus.domain.core.errors import not_found
from mocknexus.domain.core.statuses import JobType
from mocknexus.domain.data import merchants as merchant_data
from mocknexus.domain.data import statements
from mocknexus.web.caller import Caller
from mocknexus.web.http import emulator, render
from mocknexus.web.openapi import doc

MAX_PER_PAGE = 1000
holding_list = s.PlatformHoldingList()
holding_response = s.PlatformHoldingResponse()
statement_list = s.PlatformStatementList()
statement_response = s.PlatformStatementResponse()
merchant_list = s.PlatformMerchantList()
merchant_response = s.PlatformMerchantResponse()
member_response = member_schemas.PlatformMemberResponse()
page_query = PlatformPageQuery()
PDF = "application/vnd.mx.api.v1+pdf"

_MEMBER = "/users/<user_guid>/members/<member_guid>"
merchant_query = s.MerchantQuery()


# ---- holdings -----------------------------------------------------------------------------------------------


def _holdings(caller: Caller, **scope: str) -> Response:
    """The user's holdings, or a member's or an account's (`scope`), one page of up to 1000."""
    return paged(holding_list, "investment_holdings", emulator().list_holdings(caller.user, **scope), MAX_PER_PAGE)


@bp.get("/users/<user_guid>/investment_holdings")
@doc("List a user's investment holdings", response=holding_list, query=page_query)
def list_holdings(caller: Caller) -> Response:
    return _holdings(caller)


@bp.get(_MEMBER + "/investment_holdings")
@doc("List a member's investment holdings", response=holding_list, query=page_query)
def list_holdings_by_member(caller: Caller, member_guid: str) -> Response:
    return _holdings(caller, member_guid=member_guid)


@bp.get("/users/<user_guid>/accounts/<account_guid>/investment_holdings")
@doc("List an account's investment holdings", response=holding_list, query=page_query)
def list_holdings_by_account(caller: Caller, account_guid: str) -> Response:
    return _holdings(caller, account_guid=account_guid)


@bp.get("/users/<user_guid>/investment_holdings/<holding_guid>")
@doc("Read an investment holding", response=holding_response)
def read_holding(caller: Caller, holding_guid: str) -> Response:
    return render(holding_response, {"investment_holding": emulator().read_holding(caller.user, holding_guid)})


# ---- statements ---------------------------------------------------------------------------------------------


def statement_view(statement: statements.Statement, pdf: bytes | None) -> SimpleNamespace:
    uri = f"/users/{statement.user_guid}/members/{statement.member_guid}/statements/{statement.guid}.pdf"
    return SimpleNamespace(**vars(statement), uri=uri, content_hash=statements.content_hash(pdf) if pdf else None)


@bp.get(_MEMBER + "/statements")
@doc("List a member's statements (found by fetch_statements)", response=statement_list, query=page_query)
def list_statements_by_member(caller: Caller, member_guid: str) -> Response:
    args = query(page_query)
    api = emulator()
    shown, page = page_of(api.list_statements(caller.user, member_guid), args, MAX_PER_PAGE)
    # Each listed statement's content_hash is its PDF's: made for this page only.
    views = [statement_view(st, api.read_statement(caller.user, member_guid, st.guid)[1]) for st in shown]
    return listing(statement_list, "statements", views, page)


@bp.get(_MEMBER + "/statements/<statement_guid>")
@doc("Read a statement", response=statement_response)
def read_statement_by_member(caller: Caller, member_guid: str, statement_guid: str) -> Response:
    found, pdf = emulator().read_statement(caller.user, member_guid, statement_guid)
    return render(statement_response, {"statement": statement_view(found, pdf)})


@bp.get(_MEMBER + "/statements/<statement_guid>.pdf")
@doc("Download a statement's PDF", response={"type": "string", "format": "binary"}, media=PDF)
def download_statement_pdf(caller: Caller, member_guid: str, statement_guid: str) -> Response:
    _, pdf = emulator().read_statement(caller.user, member_guid, statement_guid)
    return Response(pdf, status=200, content_type=PDF)


# ---- the data plane's jobs ------------------------------------------------------------------------------------


def _job(caller: Caller, member_guid: str, job_type: JobType) -> Response:
    member, _ = emulator().start_platform_job(caller.user, member_guid, job_type)
    return render(member_response, {"member": member_view(member, caller.user)}, 202)


@bp.post(_MEMBER + "/extend_history")
@doc("Extend a member's transaction history (24 months)", response=member_response, status=202, errors=(409,))
def extend_history(caller: Caller, member_guid: str) -> Response:
    return _job(caller, member_guid, JobType.HISTORY)


@bp.post(_MEMBER + "/fetch_statements")
@doc("Fetch a member's statements", response=member_response, status=202, errors=(409,))
def fetch_statements(caller: Caller, member_guid: str) -> Response:
    return _job(caller, member_guid, JobType.STATEMENT)


# ---- merchants ------------------------------------------------------------------------------------------------


@bp.get("/merchants")
@doc("List merchants (those mocknexus's transactions are made at)", response=merchant_list, query=merchant_query)
def list_merchants() -> Response:
    args = query(merchant_query)
    name = (args.get("name") or "").casefold()
    found = [m for m in merchant_data.ALL if name in m.name.casefold()]
    return listing(merchant_list, "merchants", *page_of(found, args, MAX_PER_PAGE))


@bp.get("/merchants/<merchant_guid>")
@doc("Read a merchant", response=merchant_response)
def read_merchant(merchant_guid: str) -> Response:
    found = merchant_data.get(merchant_guid)
    if found is None:
        raise not_found("Merchant")
    return render(merchant_response, {"merchant": found})
