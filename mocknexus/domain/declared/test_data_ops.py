"""The control plane's test data for one client id: accounts declared for a user id or a login.

Declarations are kept in the client's partition (so snapshots carry them and a reset drops them); a member
whose job succeeds afterwards gets the declared accounts (see `EmulatorState._declaration_for`). Members
that already found accounts keep them: declare before connecting.
"""

from __future__ import annotations

from mocknexus.domain.core.errors import not_found
from mocknexus.domain.core.state import EmulatorState
from mocknexus.domain.core.tables import DECLARED_ACCOUNTS
from mocknexus.domain.declared.declared import Declaration


class DeclaredData(EmulatorState):
    def declare_accounts(self, declaration: Declaration) -> Declaration:
        """Add a declaration, or replace the one of the same name."""
        with self.store.transaction():
            declaration.declared_at = self.clock.now()
            self.store.put(DECLARED_ACCOUNTS, declaration.name, declaration)
            return declaration

    def declarations(self) -> list[Declaration]:
        """This client's declarations, then the fixture files' (which every client sees)."""
        own = sorted((d for _, d in self.store.items(DECLARED_ACCOUNTS)), key=lambda d: d.name)
        return [*own, *self.catalog.declared_accounts]

    def remove_declaration(self, name: str) -> None:
        with self.store.transaction():
            if self.store.get(DECLARED_ACCOUNTS, name) is None:
                raise not_found("Declaration")
            self.store.delete(DECLARED_ACCOUNTS, name)
