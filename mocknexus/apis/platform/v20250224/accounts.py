"""Accounts, account numbers and owners in v20250224 (MX's leaner AccountResponse; `{account_identifier}`
the account's guid), and widget URLs with v20250224's request fields."""

from __future__ import annotations

from typing import Any

from flask import Response, request

from mocknexus.apis.platform import microdeposits as v20111101_microdeposits
from mocknexus.apis.platform.common import listing, page_of, query, read_changes
from mocknexus.apis.platform.schemas import accounts as legacy
from mocknexus.apis.platform.schemas import widgets as legacy_widgets
from mocknexus.apis.platform.schemas.v20250224 import accounts as s
from mocknexus.apis.platform.schemas.v20250224.widgets import WidgetUrlRequestV20250224
from mocknexus.apis.platform.v20250224.registry import identified, replaces, same_shape
from mocknexus.web.http import emulator, read_body, render
from mocknexus.web.widget_links import answer, widget_urls

account_response = s.AccountResponseV20250224()
account_list = s.AccountListV20250224()
account_number_list = s.AccountNumberListV20250224()
account_owner_list = s.AccountOwnerListV20250224()
user_accounts_query = legacy.PlatformAccountListQuery()
member_accounts_query = legacy.PlatformMemberAccountsQuery()
page_query = legacy.PlatformPageQuery()
account_update = legacy.PlatformAccountUpdateRequest()
widget_request = WidgetUrlRequestV20250224()
widget_response = legacy_widgets.PlatformWidgetUrlResponse()


def _accounts(args: dict, views: list) -> Response:
    # As in v20111101: mocknexus's accounts are aggregated ones, never manual nor managed by the user.
    if args.get("is_manual") or args.get("member_is_managed_by_user"):
        views = []
    return listing(account_list, "accounts", *page_of(views, args))


@replaces("platform.list_user_accounts")
def list_user_accounts(**path: Any) -> Response:
    args = query(user_accounts_query)
    return _accounts(args, emulator().account_views(identified(path)["user_guid"]))


@replaces("platform.read_account")
def read_account(**path: Any) -> Response:
    ids = identified(path)
    return render(account_response, {"account": emulator().account_view(ids["user_guid"], ids["account_guid"])})


@replaces("platform.list_member_accounts")
def list_member_accounts(**path: Any) -> Response:
    ids = identified(path)
    args = query(member_accounts_query)
    return _accounts(args, emulator().account_views(ids["user_guid"], ids["member_guid"]))


@replaces("platform.read_account_by_member")
def read_account_by_member(**path: Any) -> Response:
    ids = identified(path)
    view = emulator().account_view(ids["user_guid"], ids["account_guid"], ids["member_guid"])
    return render(account_response, {"account": view})


@replaces("platform.update_account_by_member")
def update_account_by_member(**path: Any) -> Response:
    ids = identified(path)
    changes = read_changes(account_update, "account")
    view = emulator().update_platform_account(ids["user_guid"], ids["member_guid"], ids["account_guid"], changes)
    return render(account_response, {"account": view})


def _numbers(numbers: list) -> Response:
    return listing(account_number_list, "account_numbers", *page_of(numbers, query(page_query)))


@replaces("platform.list_account_numbers_by_member")
def list_account_numbers_by_member(**path: Any) -> Response:
    ids = identified(path)
    api = emulator()
    return _numbers(api.account_numbers(api.scope(ids["user_guid"]), ids["member_guid"]))


@replaces("platform.list_account_numbers_by_account")
def list_account_numbers_by_account(**path: Any) -> Response:
    ids = identified(path)
    api = emulator()
    return _numbers(api.account_numbers_for_account(api.scope(ids["user_guid"]), ids["account_guid"]))


@replaces("platform.list_account_owners_by_member")
def list_account_owners_by_member(**path: Any) -> Response:
    ids = identified(path)
    args = query(page_query)
    api = emulator()
    owners = api.account_owners(api.scope(ids["user_guid"]), ids["member_guid"])
    return listing(account_owner_list, "account_owners", *page_of(owners, args))


@replaces("platform.request_widget_url")
def request_widget_url(**path: Any) -> Response:
    if request.method == "OPTIONS":
        return Response(status=204)
    options = read_body(widget_request)["widget_url"]
    url = widget_urls().issue(path["user_guid"], options.pop("widget_type"), options)  # the id or the guid
    return render(widget_response, {"widget_url": answer(url)})


# Micro-deposits: v20250224 keeps their paths, shapes and plain JSON.
for _name in (
    "create_microdeposit", "list_user_microdeposits", "read_user_microdeposit", "delete_microdeposit",
    "verify_microdeposit", "list_user_verifications",
):  # fmt: skip
    same_shape(f"platform.{_name}", getattr(v20111101_microdeposits, _name))
