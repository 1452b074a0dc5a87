"""Transactions in v20250224: MX's TransactionResponse (schemas/v20250224/transactions.py), the filters as
unix timestamps honoured to the second and without categories, an update of `description` only, and the two
reads v20250224 adds: an account's transactions per member and one transaction by account.

The caller has resolved the path's identifiers to guids where MX's document takes them (the user's, member's,
account's or transaction's partner `id`: apis/platform/versions.py, domain/platform/identifiers.py).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import Response

from mocknexus.apis.platform.blueprint import bp
from mocknexus.apis.platform.common import query
from mocknexus.apis.platform.schemas.common import per_page
from mocknexus.apis.platform.schemas.transactions import INCLUDES
from mocknexus.apis.platform.schemas.v20250224 import transactions as s
from mocknexus.apis.platform.transaction_bytes import render_page
from mocknexus.apis.platform.versions import V20250224, VERSIONS
from mocknexus.domain.core.errors import ErrorKind, MXError
from mocknexus.domain.data.listing import Query
from mocknexus.web.caller import Caller
from mocknexus.web.http import emulator, read_body, render
from mocknexus.web.openapi import doc

MAX_TRANSACTIONS_PER_PAGE = 1000
transaction_response = s.TransactionResponseV20250224()
update_request = s.TransactionUpdateRequestV20250224()
account_query = s.TransactionQueryV20250224()
member_query = s.MemberTransactionQueryV20250224()
user_query = s.UserTransactionQueryV20250224()
includes_query = s.IncludesQueryV20250224()

_ACCOUNT = "/users/<user_guid>/members/<member_guid>/accounts/<account_guid>"


def _instant(args: dict[str, Any], key: str, upper: bool = False) -> datetime | None:
    """A filter's bound to the second: a unix timestamp (MX's v20250224 form: "This only supports unix
    timestamp format"), or a YYYY-MM-DD day, v20111101's form, kept as its whole day (INFERRED: MX documents
    only timestamps; its first second as a lower bound, its last as an upper one)."""
    text = args.get(key)
    if text is None:
        return None
    try:
        if "-" in text[1:]:  # a day (a leading "-" is a negative timestamp)
            day = datetime.combine(date.fromisoformat(text), time(0), UTC)
            return day + timedelta(days=1, microseconds=-1) if upper else day
        return datetime.fromtimestamp(int(text), UTC)
    except (ValueError, OverflowError, OSError):
        raise MXError(ErrorKind.BAD_REQUEST, f"{key} is not a unix timestamp.") from None


def _later(*bounds: datetime | None) -> datetime | None:
    return max((b for b in bounds if b is not None), default=None)


def _earlier(*bounds: datetime | None) -> datetime | None:
    return min((b for b in bounds if b is not None), default=None)


def _query(args: dict[str, Any]) -> Query:
    """The filters to the second; without `from_date`/`to_date`, MX's defaults (120 days back, 5 days forward)
    as whole days, as in v20111101 (INFERRED: MX counts them in days from "the day the request is made")."""
    return Query(
        from_date=_instant(args, "from_date"),
        to_date=_instant(args, "to_date", upper=True),
        # By member, `from_timestamp`/`to_timestamp` filter the created time as the created_at pair does.
        from_created=_later(_instant(args, "from_created_at"), _instant(args, "from_timestamp")),
        to_created=_earlier(_instant(args, "to_created_at", True), _instant(args, "to_timestamp", True)),
        from_updated=_instant(args, "from_updated_at"),
        to_updated=_instant(args, "to_updated_at", True),
    )


def _includes(args: dict[str, Any]) -> frozenset[str]:
    # As in v20111101: comma-separated option names; others are ignored (INFERRED).
    return frozenset(part for part in (args.get("includes") or "").split(",") if part in INCLUDES)


def _list(caller: Caller, args: dict[str, Any], **scope: str) -> Response:
    found, page = emulator().list_transaction_inputs(
        caller.user, _query(args), args.get("page"), per_page(args, MAX_TRANSACTIONS_PER_PAGE), **scope
    )
    return render_page(s.transaction_list(_includes(args)), found, page)


def _one(caller: Caller, guid: str, member_guid: str | None = None, account_guid: str | None = None) -> Response:
    args = query(includes_query)
    found = emulator().read_transaction(caller.user, guid, member_guid, account_guid)
    return render(s.transaction_list(_includes(args), one=True), {"transactions": [found]})


@VERSIONS.view_for(V20250224, "platform.list_transactions")
def list_transactions(caller: Caller) -> Response:
    return _list(caller, query(user_query))


@VERSIONS.view_for(V20250224, "platform.list_transactions_by_member")
def list_transactions_by_member(caller: Caller, member_guid: str) -> Response:
    return _list(caller, query(member_query), member_guid=member_guid)


@VERSIONS.view_for(V20250224, "platform.list_transactions_by_account")
def list_transactions_by_account(caller: Caller, account_guid: str) -> Response:
    return _list(caller, query(account_query), account_guid=account_guid)


@VERSIONS.view_for(V20250224, "platform.read_transaction")
def read_transaction(caller: Caller, transaction_guid: str) -> Response:
    return _one(caller, transaction_guid)


@VERSIONS.view_for(V20250224, "platform.update_transaction")
def update_transaction(caller: Caller, transaction_guid: str) -> Response:
    changes = read_body(update_request)["transaction"]
    found = emulator().update_transaction(caller.user, transaction_guid, changes)
    return render(transaction_response, {"transaction": found})


@VERSIONS.view_for(V20250224, "platform.update_transaction_by_account")
def update_transaction_by_account(
    caller: Caller, member_guid: str, account_guid: str, transaction_guid: str
) -> Response:
    changes = read_body(update_request)["transaction"]
    found = emulator().update_transaction(caller.user, transaction_guid, changes, member_guid, account_guid)
    return render(transaction_response, {"transaction": found})


# ---- the reads v20250224 adds ---------------------------------------------------------------------------------


@bp.get(_ACCOUNT + "/transactions")
@doc("List an account's transactions, by its member (v20250224)", response=s.transaction_list(frozenset()),
     query=account_query)  # fmt: skip
def list_transactions_by_account_per_member(caller: Caller, member_guid: str, account_guid: str) -> Response:
    return _list(caller, query(account_query), member_guid=member_guid, account_guid=account_guid)


@bp.get(_ACCOUNT + "/transactions/<transaction_guid>")
@doc("Read one of an account's transactions (v20250224; the list body, with the one transaction)",
     response=s.transaction_list(frozenset(), one=True), query=includes_query)  # fmt: skip
def read_transaction_by_account(caller: Caller, member_guid: str, account_guid: str, transaction_guid: str) -> Response:
    return _one(caller, transaction_guid, member_guid, account_guid)


VERSIONS.since(V20250224, "platform.list_transactions_by_account_per_member")
VERSIONS.since(V20250224, "platform.read_transaction_by_account")
