"""Which MX client id a token belongs to.

MX partitions everything by the partner's client id, but a Nexus call names none: it carries a session
token, the session belongs to a user and the user to a client. This index (token -> client id) lives in the
root store, outside every client's partition, so any worker process routes a Nexus call to its world with
one lookup.
"""

from __future__ import annotations

from mocknexus.domain.core.tables import TOKEN_OWNERS
from mocknexus.store import Store


class TokenOwners:
    """The index as one client's world writes it: `bind` the tokens it issues, `unbind` the ones it drops."""

    def __init__(self, root: Store | None = None, client_id: str | None = None) -> None:
        self._root = root  # None: a world that routes nothing (the shared one, or a bare Emulator)
        self.client_id = client_id

    def bind(self, token: str) -> None:
        if self._root is not None:
            self._root.put(TOKEN_OWNERS, token, self.client_id)

    def unbind(self, token: str) -> None:
        if self._root is not None:
            self._root.delete(TOKEN_OWNERS, token)

    def owner(self, token: str) -> str | None:
        return None if self._root is None else self._root.get(TOKEN_OWNERS, token)


def owner_of(root: Store, token: str) -> str | None:
    """The client id a token was issued under, or None (unknown, or one of MX's shared static tokens)."""
    return root.get(TOKEN_OWNERS, token)
