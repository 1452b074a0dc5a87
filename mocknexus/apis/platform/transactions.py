"""Transactions (MX's TransactionsApi, reads and updates) and the default categories (CategoriesApi reads).

Lists by user, member and account take MX's filters: `from_date`/`to_date` (default 120 days back, 5 days
forward), created and updated dates, `category_guid` / `top_level_category_guid` (one, or several with
`[]`), `includes`, and MX's pages (records_per_page 10 to 1000; above 1000 the default 25). A read answers
the list body MX's documents declare. Custom categories are not served (docs/platform-api.md).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Response

from mocknexus.apis.platform.blueprint import bp
from mocknexus.apis.platform.common import listing, page_of, query
from mocknexus.apis.platform.schemas import transactions as s
from mocknexus.apis.platform.schemas.common import PlatformPageQuery, per_page
from mocknexus.apis.platform.transaction_bytes import render_page
from mocknexus.domain.core.errors import ErrorKind, MXError, not_found
from mocknexus.domain.data import categories as category_data
from mocknexus.domain.data.listing import Query
from mocknexus.web.caller import Caller
from mocknexus.web.http import emulator, read_body, render
from mocknexus.web.openapi import doc

MAX_TRANSACTIONS_PER_PAGE = 1000
JSON = "application/json"
transaction_list = s.PlatformTransactionList()
transaction_one = s.PlatformTransactionOne()
transaction_response = s.PlatformTransactionResponse()
transactions_query = s.TransactionQuery()
user_transactions_query = s.UserTransactionQuery()
includes_query = s.IncludesQuery()
update_request = s.TransactionUpdateRequest()
category_list = s.PlatformCategoryList()
category_response = s.PlatformCategoryResponse()
page_query = PlatformPageQuery()

_MEMBER = "/users/<user_guid>/members/<member_guid>"


def _day(args: dict[str, Any], key: str) -> date | None:
    text = args.get(key)
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise MXError(ErrorKind.BAD_REQUEST, f"{key} is not a date (YYYY-MM-DD).") from None


def _query(args: dict[str, Any]) -> Query:
    wanted = {*args.get("category_guid[]", []), *([args["category_guid"]] if args.get("category_guid") else [])}
    tops = {*args.get("top_level_category_guid[]", [])}
    if args.get("top_level_category_guid"):
        tops.add(args["top_level_category_guid"])
    return Query(
        from_date=_day(args, "from_date"),
        to_date=_day(args, "to_date"),
        from_created=_day(args, "from_created_at"),
        to_created=_day(args, "to_created_at"),
        from_updated=_day(args, "from_updated_at"),
        to_updated=_day(args, "to_updated_at"),
        category_guids=frozenset(wanted),
        top_level_guids=frozenset(tops),
    )


def _includes(args: dict[str, Any]) -> frozenset[str]:
    # MX: "The query value is format sensitive": comma-separated option names; others are ignored (INFERRED).
    return frozenset(part for part in (args.get("includes") or "").split(",") if part in s.INCLUDES)


def _list(caller: Caller, args: dict[str, Any], **scope: str) -> Response:
    found, page = emulator().list_transaction_inputs(
        caller.user, _query(args), args.get("page"), per_page(args, MAX_TRANSACTIONS_PER_PAGE), **scope
    )
    return render_page(s.transaction_list(_includes(args)), found, page)


@bp.get("/users/<user_guid>/transactions")
@doc("List a user's transactions", response=transaction_list, query=user_transactions_query)
def list_transactions(caller: Caller) -> Response:
    return _list(caller, query(user_transactions_query))


@bp.get(_MEMBER + "/transactions")
@doc("List a member's transactions", response=transaction_list, query=transactions_query)
def list_transactions_by_member(caller: Caller, member_guid: str) -> Response:
    return _list(caller, query(transactions_query), member_guid=member_guid)


@bp.get("/users/<user_guid>/accounts/<account_guid>/transactions")
@doc("List an account's transactions", response=transaction_list, query=transactions_query)
def list_transactions_by_account(caller: Caller, account_guid: str) -> Response:
    return _list(caller, query(transactions_query), account_guid=account_guid)


@bp.get("/users/<user_guid>/transactions/<transaction_guid>")
@doc("Read a transaction (MX's documents answer the list body, with the one transaction)",
     response=transaction_one, query=includes_query)  # fmt: skip
def read_transaction(caller: Caller, transaction_guid: str) -> Response:
    args = query(includes_query)
    found = emulator().read_transaction(caller.user, transaction_guid)
    return render(s.transaction_list(_includes(args), one=True), {"transactions": [found]})


@bp.put("/users/<user_guid>/transactions/<transaction_guid>")
@doc("Update a transaction: description, memo, category_guid, date", response=transaction_response,
     body=update_request)  # fmt: skip
def update_transaction(caller: Caller, transaction_guid: str) -> Response:
    changes = read_body(update_request)["transaction"]
    found = emulator().update_transaction(caller.user, transaction_guid, changes)
    return render(transaction_response, {"transaction": found})


@bp.put(_MEMBER + "/accounts/<account_guid>/transactions/<transaction_guid>")
@doc("Update one of an account's transactions", response=transaction_response, body=update_request, media=JSON,
     error_media=JSON)  # fmt: skip
def update_transaction_by_account(
    caller: Caller, member_guid: str, account_guid: str, transaction_guid: str
) -> Response:
    changes = read_body(update_request)["transaction"]
    found = emulator().update_transaction(caller.user, transaction_guid, changes, member_guid, account_guid)
    return render(transaction_response, {"transaction": found})


# ---- categories (MX's defaults) ------------------------------------------------------------------------------

# MX's paths overlap: `.../categories/default` is the list of defaults, not a category named `default`. The
# document excludes that value from {category_guid}; a generated call that sends it anyway reaches the list.
_SIBLING = "category_guid `default` is the sibling route listing MX's default categories (the path excludes it)."
DEFAULT_IS_A_SIBLING = {"negative_data_rejection": _SIBLING, "response_schema_conformance": _SIBLING}


def _categories(args: dict[str, Any]) -> Response:
    return listing(category_list, "categories", *page_of(category_data.CATEGORIES, args))


@bp.get("/categories/default")
@doc("List MX's default categories", response=category_list, query=page_query)
def list_default_categories() -> Response:
    return _categories(query(page_query))


@bp.get("/categories/<category_guid>")
@doc("Read a default category", response=category_response, unchecked=DEFAULT_IS_A_SIBLING)
def read_default_category(category_guid: str) -> Response:
    return render(category_response, {"category": _category(category_guid)})


@bp.get("/users/<user_guid>/categories")
@doc("List a user's categories (MX's defaults: mocknexus serves no custom categories)", response=category_list,
     query=page_query)  # fmt: skip
def list_categories(caller: Caller) -> Response:
    return _categories(query(page_query))


@bp.get("/users/<user_guid>/categories/default")
@doc("List the default categories for a user", response=category_list, query=page_query)
def list_default_categories_by_user(caller: Caller) -> Response:
    return _categories(query(page_query))


@bp.get("/users/<user_guid>/categories/<category_guid>")
@doc("Read a category", response=category_response, unchecked=DEFAULT_IS_A_SIBLING)
def read_category(caller: Caller, category_guid: str) -> Response:
    return render(category_response, {"category": _category(category_guid)})


def _category(guid: str) -> category_data.Category:
    found = category_data.get(guid)
    if found is None:
        raise not_found("Category")
    return found
