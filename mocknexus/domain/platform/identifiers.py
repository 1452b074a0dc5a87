"""MX's v20250224 path identifiers, resolved in one place: `{member_identifier}`, `{account_identifier}`,
`{transaction_identifier}` ("Use either the ... `id` you defined or the MX-defined ... `guid`") and
`{institution_identifier}` ("use either the `institution_code` or the institution `guid`"), MX's v20250224
document. The Platform API's caller (apis/platform/identity.py) finds the `{user_identifier}`'s user, then
hands the path here, so a view receives guids (and an institution code) whatever the request named.

Each resolves to what the operations take; an identifier naming nothing is passed on as it is, so the
operation answers MX's 404 in the one place it does. A guid wins over an `id` that happens to spell it.
Where two records of one scope carry the same partner `id` (MX's document says nothing of its uniqueness),
the first in the scope's order is found (INFERRED).
"""

from __future__ import annotations

from collections.abc import Collection, MutableMapping

from mocknexus.domain.catalog.catalog import Catalog
from mocknexus.domain.core.models import Account, Member, User
from mocknexus.domain.core.tables import ACCOUNTS, EXTERNAL_GUIDS, MEMBER_DATA, MEMBERS
from mocknexus.domain.data.records import MemberData
from mocknexus.store.base import Store

# The path segments that carry the identifiers, by the names MX's v20111101 document gives them (the routes'
# names): v20250224's `{member_identifier}` is the route's `<member_guid>`, and so on.
USER, MEMBER, ACCOUNT, TRANSACTION, INSTITUTION = (
    "user_guid", "member_guid", "account_guid", "transaction_guid", "institution_code",
)  # fmt: skip


def member_guid(store: Store, identifier: str) -> str:
    """A member's guid, or the member whose partner `id` this is (ids are unique within a client)."""
    if store.get(MEMBERS, identifier) is not None:
        return identifier
    return store.get(EXTERNAL_GUIDS, identifier) or identifier


def account_guid(store: Store, user: User, identifier: str, member: str | None = None) -> str:
    """An account's guid, or that of the user's account (the member's, when the path names one) whose
    partner `id` this is: a declared account may carry one (docs/data.md); a generated account has none."""
    if store.get(ACCOUNTS, identifier) is not None:
        return identifier
    for owner in [member] if member is not None else user.member_guids:
        found: Member | None = store.get(MEMBERS, owner)
        if found is None or found.user_guid != user.guid:
            continue
        for guid in found.account_guids:
            account: Account | None = store.get(ACCOUNTS, guid)
            if account is not None and account.id == identifier:
                return guid
    return identifier


def transaction_guid(store: Store, account: str, identifier: str) -> str:
    """A transaction's guid, or that of the account's transaction whose partner `id` this is. Only a
    transaction added by hand (declared, or injected through the control plane) carries an `id`; a generated
    one has none (its `id` reads null), so it is named by its guid."""
    owner: Account | None = store.get(ACCOUNTS, account)
    data: MemberData | None = store.get(MEMBER_DATA, owner.member_guid) if owner is not None else None
    if data is None:
        return identifier
    mine = [t for t in data.stored if t.account_guid == account]
    if any(t.guid == identifier for t in mine):
        return identifier
    return next((t.guid for t in mine if t.id == identifier), identifier)


def institution_code(catalog: Catalog, identifier: str) -> str:
    """An institution's code, or the code of the institution whose guid this is."""
    if catalog.by_code(identifier) is not None:
        return identifier
    institution = catalog.institutions.get(identifier)
    return institution.code if institution is not None else identifier


def resolve(
    store: Store, catalog: Catalog, user: User | None, path: MutableMapping[str, str], names: Collection[str]
) -> None:
    """Rewrite the path's identifiers among `names` (other than the user's, which the caller has found) to
    what the operation takes, in the path's order: the member, then its account, then that account's
    transaction."""
    if INSTITUTION in names and INSTITUTION in path:
        path[INSTITUTION] = institution_code(catalog, path[INSTITUTION])
    if user is None:
        return
    if MEMBER in names and MEMBER in path:
        path[MEMBER] = member_guid(store, path[MEMBER])
    if ACCOUNT in names and ACCOUNT in path:
        path[ACCOUNT] = account_guid(store, user, path[ACCOUNT], path.get(MEMBER))
    if TRANSACTION in names and TRANSACTION in path and ACCOUNT in path:
        path[TRANSACTION] = transaction_guid(store, path[ACCOUNT], path[TRANSACTION])
