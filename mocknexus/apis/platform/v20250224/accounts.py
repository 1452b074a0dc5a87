"""Accounts, account numbers and owners in v20250224 (MX's leaner AccountResponse; the caller has resolved
`{member_identifier}` and `{account_identifier}` to guids), the merge of duplicate accounts v20250224 adds,
and widget URLs with v20250224's request fields."""

from __future__ import annotations

from flask import Response, request

from mocknexus.apis.platform.blueprint import bp
from mocknexus.apis.platform.common import listing, page_of, paged, query, read_changes
from mocknexus.apis.platform.schemas import accounts as legacy
from mocknexus.apis.platform.schemas import widgets as legacy_widgets
from mocknexus.apis.platform.schemas.common import PlatformPageQuery
from mocknexus.apis.platform.schemas.v20250224 import accounts as s
from mocknexus.apis.platform.schemas.v20250224.widgets import WidgetUrlRequestV20250224
from mocknexus.apis.platform.versions import V20250224, VERSIONS
from mocknexus.domain.platform.merge import merge_accounts
from mocknexus.web.caller import Caller
from mocknexus.web.http import emulator, read_body, render
from mocknexus.web.openapi import doc
from mocknexus.web.widget_links import answer, widget_urls

account_response = s.AccountResponseV20250224()
account_list = s.AccountListV20250224()
account_number_list = s.AccountNumberListV20250224()
account_owner_list = s.AccountOwnerListV20250224()
user_accounts_query = legacy.PlatformAccountListQuery()
member_accounts_query = legacy.PlatformMemberAccountsQuery()
page_query = PlatformPageQuery()
account_update = legacy.PlatformAccountUpdateRequest()
widget_request = WidgetUrlRequestV20250224()
widget_response = legacy_widgets.PlatformWidgetUrlResponse()
merge_request = s.AccountsMergeRequest()


def _accounts(args: dict, views: list) -> Response:
    # As in v20111101: mocknexus's accounts are aggregated ones, never manual nor managed by the user.
    if args.get("is_manual") or args.get("member_is_managed_by_user"):
        views = []
    return listing(account_list, "accounts", *page_of(views, args))


@VERSIONS.view_for(V20250224, "platform.list_user_accounts")
def list_user_accounts(caller: Caller) -> Response:
    return _accounts(query(user_accounts_query), emulator().account_views(caller.user))


@VERSIONS.view_for(V20250224, "platform.read_account")
def read_account(caller: Caller, account_guid: str) -> Response:
    return render(account_response, {"account": emulator().account_view(caller.user, account_guid)})


@VERSIONS.view_for(V20250224, "platform.list_member_accounts")
def list_member_accounts(caller: Caller, member_guid: str) -> Response:
    args = query(member_accounts_query)
    return _accounts(args, emulator().account_views(caller.user, member_guid))


@VERSIONS.view_for(V20250224, "platform.read_account_by_member")
def read_account_by_member(caller: Caller, member_guid: str, account_guid: str) -> Response:
    view = emulator().account_view(caller.user, account_guid, member_guid)
    return render(account_response, {"account": view})


@VERSIONS.view_for(V20250224, "platform.update_account_by_member")
def update_account_by_member(caller: Caller, member_guid: str, account_guid: str) -> Response:
    changes = read_changes(account_update, "account")
    view = emulator().update_platform_account(caller.user, member_guid, account_guid, changes)
    return render(account_response, {"account": view})


@VERSIONS.view_for(V20250224, "platform.list_account_numbers_by_member")
def list_account_numbers_by_member(caller: Caller, member_guid: str) -> Response:
    numbers = emulator().account_numbers(caller.user_guid, member_guid)  # MX's v20250224: the guids
    return paged(account_number_list, "account_numbers", numbers)


@VERSIONS.view_for(V20250224, "platform.list_account_numbers_by_account")
def list_account_numbers_by_account(caller: Caller, account_guid: str) -> Response:
    numbers = emulator().account_numbers_for_account(caller.user_guid, account_guid)
    return paged(account_number_list, "account_numbers", numbers)


@VERSIONS.view_for(V20250224, "platform.list_account_owners_by_member")
def list_account_owners_by_member(caller: Caller, member_guid: str) -> Response:
    owners = emulator().account_owners(caller.user_guid, member_guid)
    return paged(account_owner_list, "account_owners", owners)


@VERSIONS.view_for(V20250224, "platform.request_widget_url")
def request_widget_url(caller: Caller) -> Response:
    if request.method == "OPTIONS":
        return Response(status=204)
    options = read_body(widget_request)["widget_url"]
    url = widget_urls().issue_for(caller.user, options.pop("widget_type"), options)
    return render(widget_response, {"widget_url": answer(url)})


@bp.post("/users/<user_guid>/accounts/merge")
@doc("Merge duplicate accounts (v20250224): the first named is kept, the others deleted", response=account_response,
     body=merge_request)  # fmt: skip
def merge_user_accounts(caller: Caller) -> Response:
    guids = read_body(merge_request)["account"]["account_guids"]
    return render(account_response, {"account": merge_accounts(emulator(), caller.user, guids)})


VERSIONS.since(V20250224, "platform.merge_user_accounts")
