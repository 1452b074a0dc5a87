"""Accounts, account numbers and account owners (MX's AccountsApi): by user, by member, and by account.

Account reads show the last four digits of an account number, as MX's do; full numbers come from the
account_numbers lists once a verification has found them, owners once an identification has.
"""

from __future__ import annotations

from flask import Response

from mocknexus.apis.platform.blueprint import bp
from mocknexus.apis.platform.common import listing, page_of, paged, query, read_changes
from mocknexus.apis.platform.schemas import accounts as s
from mocknexus.apis.platform.schemas.common import PlatformPageQuery
from mocknexus.web.caller import Caller
from mocknexus.web.http import render
from mocknexus.web.openapi import doc

account_response = s.PlatformAccountResponse()
account_list = s.PlatformAccountList()
account_number_list = s.PlatformAccountNumberList()
account_owner_list = s.PlatformAccountOwnerList()
user_accounts_query = s.PlatformAccountListQuery()
member_accounts_query = s.PlatformMemberAccountsQuery()
account_update = s.PlatformAccountUpdateRequest()
page_query = PlatformPageQuery()

_MEMBER = "/users/<user_guid>/members/<member_guid>"


def _accounts(args: dict, views: list) -> Response:
    # mocknexus's accounts are all aggregated ones of members the user connected: is_manual and
    # member_is_managed_by_user are false for every one, so asking for true lists none.
    if args.get("is_manual") or args.get("member_is_managed_by_user"):
        views = []
    return listing(account_list, "accounts", *page_of(views, args))


@bp.get("/users/<user_guid>/accounts")
@doc("List a user's accounts", response=account_list, query=user_accounts_query)
def list_user_accounts(caller: Caller) -> Response:
    args = query(user_accounts_query)
    return _accounts(args, caller.emulator.account_views(caller.user))


@bp.get("/users/<user_guid>/accounts/<account_guid>")
@doc("Read an account", response=account_response)
def read_account(caller: Caller, account_guid: str) -> Response:
    return render(account_response, {"account": caller.emulator.account_view(caller.user, account_guid)})


@bp.get("/users/<user_guid>/accounts/<account_guid>/account_numbers")
@doc("An account's numbers (after a verification)", response=account_number_list, query=page_query)
def list_account_numbers_by_account(caller: Caller, account_guid: str) -> Response:
    numbers = caller.emulator.account_numbers_for_account(caller.user_guid, account_guid)
    return paged(account_number_list, "account_numbers", numbers)


@bp.get(_MEMBER + "/accounts")
@doc("List a member's accounts", response=account_list, query=member_accounts_query)
def list_member_accounts(caller: Caller, member_guid: str) -> Response:
    args = query(member_accounts_query)
    return _accounts(args, caller.emulator.account_views(caller.user, member_guid))


@bp.get(_MEMBER + "/accounts/<account_guid>")
@doc("Read one of a member's accounts", response=account_response)
def read_account_by_member(caller: Caller, member_guid: str, account_guid: str) -> Response:
    view = caller.emulator.account_view(caller.user, account_guid, member_guid)
    return render(account_response, {"account": view})


@bp.put(_MEMBER + "/accounts/<account_guid>")
@doc("Update an account: nickname, name, is_hidden, is_closed (other MX keys accepted)",
     response=account_response, body=account_update)  # fmt: skip
def update_account_by_member(caller: Caller, member_guid: str, account_guid: str) -> Response:
    changes = read_changes(account_update, "account")
    view = caller.emulator.update_platform_account(caller.user, member_guid, account_guid, changes)
    return render(account_response, {"account": view})


@bp.get(_MEMBER + "/account_numbers")
@doc("A member's account numbers (after a verification)", response=account_number_list, query=page_query)
def list_account_numbers_by_member(caller: Caller, member_guid: str) -> Response:
    numbers = caller.emulator.account_numbers(caller.user_guid, member_guid)
    return paged(account_number_list, "account_numbers", numbers)


@bp.get(_MEMBER + "/account_owners")
@doc("A member's account owners (after an identification)", response=account_owner_list, query=page_query)
def list_account_owners_by_member(caller: Caller, member_guid: str) -> Response:
    owners = caller.emulator.account_owners(caller.user_guid, member_guid)
    return paged(account_owner_list, "account_owners", owners)
