"""v20250224's `{member_identifier}`, `{account_identifier}` and `{institution_identifier}` (the caller finds
the `{user_identifier}`'s user, web/caller.py):
"your `id` or the MX `guid`" (MX's v20250224 document). Each resolves to what the operations take (a guid,
an institution code); an identifier naming nothing is passed on as it is, so the operation answers MX's 404
in the one place it does. An `{account_identifier}` is the account's guid: mocknexus's accounts are
aggregated, and MX gives an aggregated account no partner `id` (its `id` is what a partner sets on a manual
account)."""

from __future__ import annotations

from mocknexus.domain.catalog.catalog import Catalog
from mocknexus.domain.core.tables import EXTERNAL_GUIDS, MEMBERS
from mocknexus.store.base import Store


def member_guid(store: Store, identifier: str) -> str:
    """A member's guid, or the member whose partner `id` this is (ids are unique within a client)."""
    if store.get(MEMBERS, identifier) is not None:
        return identifier
    return store.get(EXTERNAL_GUIDS, identifier) or identifier


def institution_code(catalog: Catalog, identifier: str) -> str:
    """An institution's code, or the code of the institution whose guid this is."""
    if catalog.by_code(identifier) is not None:
        return identifier
    institution = catalog.institutions.get(identifier)
    return institution.code if institution is not None else identifier
