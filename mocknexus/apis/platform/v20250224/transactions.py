"""Transactions in v20250224: MX's TransactionResponse (schemas/v20250224/transactions.py), the filters as
unix timestamps and without categories, `{user_identifier}`/`{member_identifier}` where MX's v20250224
document has them, an update of `description` only, and the two reads v20250224 adds: an account's
transactions per member and one transaction by account.

The caller has resolved the path's identifiers to guids where MX's document takes them (an account's or a
transaction's partner `id`: apis/platform/versions.py, domain/platform/identifiers.py).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from flask import Response

from mocknexus.apis.platform.blueprint import bp
from mocknexus.apis.platform.common import query
from mocknexus.apis.platform.schemas.common import per_page
from mocknexus.apis.platform.schemas.transactions import INCLUDES
from mocknexus.apis.platform.schemas.v20250224 import transactions as s
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


def _day(args: dict[str, Any], key: str) -> date | None:
    """A filter's day: a unix timestamp's UTC day (MX's v20250224 form), or a YYYY-MM-DD day. mocknexus
    filters by whole days, so a timestamp inside a day keeps that whole day (INFERRED granularity)."""
    text = args.get(key)
    if text is None:
        return None
    try:
        return date.fromisoformat(text) if "-" in text else datetime.fromtimestamp(int(text), UTC).date()
    except (ValueError, OverflowError, OSError):
        raise MXError(ErrorKind.BAD_REQUEST, f"{key} is not a unix timestamp.") from None


def _later(*days: date | None) -> date | None:
    return max((d for d in days if d is not None), default=None)


def _earlier(*days: date | None) -> date | None:
    return min((d for d in days if d is not None), default=None)


def _query(args: dict[str, Any]) -> Query:
    return Query(
        from_date=_day(args, "from_date"),
        to_date=_day(args, "to_date"),
        # By member, `from_timestamp`/`to_timestamp` filter the created time as the created_at pair does.
        from_created=_later(_day(args, "from_created_at"), _day(args, "from_timestamp")),
        to_created=_earlier(_day(args, "to_created_at"), _day(args, "to_timestamp")),
        from_updated=_day(args, "from_updated_at"),
        to_updated=_day(args, "to_updated_at"),
    )


def _includes(args: dict[str, Any]) -> frozenset[str]:
    # As in v20111101: comma-separated option names; others are ignored (INFERRED).
    return frozenset(part for part in (args.get("includes") or "").split(",") if part in INCLUDES)


def _list(caller: Caller, args: dict[str, Any], **scope: str) -> Response:
    found, page = emulator().list_transactions(
        caller.user, _query(args), args.get("page"), per_page(args, MAX_TRANSACTIONS_PER_PAGE), **scope
    )
    return render(s.transaction_list(_includes(args)), {"transactions": found, "pagination": page})


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
