"""The emulated MX: every operation the three APIs and the control plane offer, as plain methods over the store.

Each public method is one transaction, so a threaded server never sees a half-made change. The web layer
calls these and renders what they return; nothing here knows about HTTP beyond MX's error kinds. The
operations are grouped by concept in `users`, `members`, `steering` and `timekeeping` (what the clock alone
does); their shared internals in `state`, the tables they keep in `tables`.
"""

from __future__ import annotations

from contextlib import AbstractContextManager

from mocknexus.domain.catalog.catalog import Catalog
from mocknexus.domain.core.clock import Clock
from mocknexus.domain.core.kept_snapshot import KeptSnapshot
from mocknexus.domain.core.owners import TokenOwners
from mocknexus.domain.core.state import Settings
from mocknexus.domain.data.ops import DataJobs
from mocknexus.domain.data.reads import DataReads
from mocknexus.domain.declared.test_data_ops import DeclaredData
from mocknexus.domain.members.members import Members
from mocknexus.domain.members.operations import MemberChanges, UserOperations
from mocknexus.domain.members.steering import Steering
from mocknexus.domain.members.timekeeping import JobsAdvanced, Timekeeping
from mocknexus.domain.microdeposits.microdeposit_ops import MicroDeposits
from mocknexus.domain.platform.platform import PlatformOperations
from mocknexus.domain.users.users import Identity
from mocknexus.store import Store

__all__ = ["Emulator", "JobsAdvanced", "MemberChanges", "Settings", "UserOperations"]


class Emulator(
    Identity, Members, MicroDeposits, DeclaredData, Steering, Timekeeping, PlatformOperations, DataJobs, DataReads
):
    """One world: the state of one MX client id (or, with no client id, MX's shared static fixtures).

    Its user-keyed operations are `operations.UserOperations`, which Nexus and the Platform API call alike.
    """

    def __init__(
        self,
        store: Store,
        catalog: Catalog,
        clock: Clock,
        settings: Settings | None = None,
        *,
        owners: TokenOwners | None = None,
    ) -> None:
        self.store = store
        self.catalog = catalog
        self.clock = clock
        self.settings = settings or Settings()
        self.owners = owners or TokenOwners()
        self.kept_snapshot = KeptSnapshot()

    def transaction(self) -> AbstractContextManager[None]:
        """Hold the state still: the web layer renders records inside one, so a response never mixes
        two moments of a member that another thread is advancing."""
        return self.store.transaction()
