"""v20250224's mergeAccounts: accounts an end user has identified as duplicates become one.

MX: "Provide at least two account GUIDs belonging to the same user ... The response will return a single
consolidated account. Any other accounts you provided that were not included in the response will be
deleted." MX does not say which account survives: mocknexus keeps the first one named (INFERRED), with its
own transactions, holdings and statements; the others are deleted with theirs, from their members too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mocknexus.domain.core.errors import ErrorKind, MXError
from mocknexus.domain.core.models import Account, Member, User
from mocknexus.domain.core.tables import ACCOUNTS, MEMBER_DATA, MEMBERS
from mocknexus.domain.data.records import MemberData

if TYPE_CHECKING:
    from mocknexus.domain.platform.platform import AccountView, PlatformOperations

MIN_ACCOUNTS = 2


def merge_accounts(api: PlatformOperations, user: User, account_guids: list[str]) -> AccountView:
    """The consolidated account (the first named); the others deleted. An account that is not the user's is
    MX's 404, fewer than two distinct accounts a 400, and nothing changes then."""
    with api.store.transaction():
        named = list(dict.fromkeys(account_guids))
        if len(named) < MIN_ACCOUNTS:
            raise MXError(ErrorKind.BAD_REQUEST, "account_guids must name at least two of the user's accounts.")
        accounts: list[Account] = [api.read_account(user.guid, guid) for guid in named]  # type: ignore[attr-defined]
        kept, *merged = accounts
        for account in merged:
            _delete(api, account)
        return api.account_view(user, kept.guid)


def _delete(api: PlatformOperations, account: Account) -> None:
    member: Member | None = api.store.get(MEMBERS, account.member_guid)
    if member is not None and account.guid in member.account_guids:
        # A member left with no account finds its accounts again at its next job (as a new member does).
        member.account_guids = [g for g in member.account_guids if g != account.guid]
        api.store.put(MEMBERS, member.guid, member)
    data: MemberData | None = api.store.get(MEMBER_DATA, account.member_guid)
    if data is not None:
        data.ledgers = [lg for lg in data.ledgers if lg.account_guid != account.guid]
        data.stored = [s for s in data.stored if s.account_guid != account.guid]
        api.store.put(MEMBER_DATA, data.member_guid, data)
    api.store.delete(ACCOUNTS, account.guid)
