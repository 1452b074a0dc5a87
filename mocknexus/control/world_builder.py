"""How a world is put together (control/worlds.py keeps the registry of them): a client's partition of the
store, its clock over the server's (kept in the store when other processes share it), its catalog (the server's
scenarios and the client's own uploads), its emulator, its faults over the server's and its journal; and the
shared world, read-only, where MX's static fixtures answer and calls naming no known client land."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from mocknexus.control.faults import Faults
from mocknexus.control.holders import CLIENT_PARTITION
from mocknexus.control.journal import Journal, JournalBudget
from mocknexus.control.journal_index import JournalIndex
from mocknexus.control.world import World
from mocknexus.domain.catalog.catalog import Catalog, Scenario
from mocknexus.domain.catalog.client_catalog import ClientCatalog, Parse
from mocknexus.domain.core.clock import Clock, StoredClock
from mocknexus.domain.core.errors import ErrorKind, MXError
from mocknexus.domain.core.owners import TokenOwners
from mocknexus.domain.service import Emulator, Settings
from mocknexus.store import ReadOnlyView, Store

SHARED_PARTITION = "shared"  # a client's partition is "client:<id>", so no client id can name this one


def partition_of(client_id: str) -> str:
    return CLIENT_PARTITION + client_id  # so no client id can name the shared partition


class WorldBuilder:
    """Builds worlds over one root store. Every journal numbers its entries from one count, into one index, within
    one byte budget; every fault from one count; the hooks in `on_build` see each client world as it is built
    (webhooks attach its outbox there)."""

    def __init__(
        self,
        root: Store,
        catalog: Catalog,
        clock: Clock,
        settings: Settings,
        *,
        persistent: bool,
        seed: int,
        journal_size: int,
        journal_budget: JournalBudget | None,
        parse_scenario: Parse | None,
        on_write: Callable[..., Any] | None,
        on_faults: Callable[..., Any],
    ) -> None:
        self._root, self._catalog, self._clock, self._settings = root, catalog, clock, settings
        self._persistent, self._seed = persistent, seed
        self._parse_scenario = parse_scenario or _no_uploads
        self._journal_size = journal_size
        self._journal_budget = journal_budget or JournalBudget()  # bytes, shared by every journal
        # One bound method each for every world's store and faults (a callable per world would be 40 000 more
        # objects for the garbage collector to walk). `on_write`: only a store this process alone writes.
        self._on_write, self._on_faults = on_write, on_faults
        self._fault_ids = itertools.count(1)
        self._entry_ids = itertools.count(1)
        self.journal_index = JournalIndex()  # every journal's entries in the order recorded (server-wide reads)
        self.on_build: list[Callable[[World], None]] = []
        # The shared world's faults are the server's: every call tries them first.
        self.server_faults = Faults(seed, ids=self._fault_ids)

    def journal(self, client_id: str | None, on_record: Callable[[], None]) -> Journal:
        """A client's journal, or (None) the server's, which keeps the calls that reached no client."""
        return Journal(
            self._journal_size,
            client_id=client_id,
            ids=self._entry_ids,
            on_record=on_record,
            budget=self._journal_budget,
            index=self.journal_index,
        )

    def client(self, client_id: str, shared: World) -> World:
        """A client's world over its partition (`shared`: the world its faults and static fixtures fall back on)."""
        store = self._root.partition(partition_of(client_id))
        if self._on_write is not None:
            store.on_write = self._on_write  # type: ignore[attr-defined]
        clock = StoredClock(store, base=self._clock) if self._persistent else Clock(base=self._clock)
        catalog = ClientCatalog(self._catalog, store, self._parse_scenario)
        emulator = Emulator(store, catalog, clock, self._settings, owners=TokenOwners(self._root, client_id))  # type: ignore[arg-type]  # ClientCatalog stands in for Catalog
        world: World
        faults = Faults(self._seed, client_id=client_id, server=self.server_faults, ids=self._fault_ids)
        faults.on_change = self._on_faults
        journal = self.journal(client_id, on_record=lambda: world.notify())
        world = World(client_id, emulator, faults, journal, self._clock.now(), server=shared)
        clock.owner = client_id  # so that the registry's clock listener knows whose it is
        for hook in self.on_build:
            hook(world)
        return world

    def shared(self, journal: Journal) -> World:
        """The shared world: calls that name no client (MX's static `test_session`, answered by
        `static_members`, or an unknown token) land here, read-only: nothing they do is kept for anybody else."""
        store = self._root.partition(SHARED_PARTITION)
        emulator = Emulator(ReadOnlyView(store), self._catalog, self._clock, self._settings)
        return World(None, emulator, self.server_faults, journal, self._clock.now())

    def parse_scenarios(self, uploaded: dict[str, Any]) -> list[Scenario]:
        """Uploaded fixture-format scenarios, parsed by the injected parser; an MX 400 naming the first bad one."""
        parsed = []
        for name, raw in uploaded.items():
            try:
                parsed.append(self._parse_scenario(name, raw))
            except Exception as exc:  # the parser's own error type (the loader's FixtureError) says what is wrong
                raise MXError(ErrorKind.BAD_REQUEST, f"scenarios.{name}: {exc}") from None
        return parsed


def _no_uploads(name: str, raw: Any) -> Scenario:
    raise ValueError("this server takes no uploaded scenarios")
