"""Worlds: every MX client id is its own isolated emulator, created by the first accepted call that leaves
state in it (a user, a token, an upload, a fault, a clock change).

A call naming a client id with no world gets a provisional one (`for_client`), registered only if the call
is accepted and leaves state behind (`settle`); otherwise it is dropped, so reads, typos and refused calls
create nothing. The registry is bounded (`max_clients`): past it, worlds holding nothing are dropped, least
recently used first, and a call that would create one more is refused in MX's error shape.

A world is an `Emulator` over the client's partition of the store, with its own clock (over the server's),
its own injected faults and its own request journal. Nothing one world does reaches another: users with the
same id, clock advances, faults, resets. MX's static fixtures (`test_session`, ...) live in the shared
world, read-only, which also answers calls that name no known client (a bad session token, an unknown path).

The registry caches worlds per process; with a persistent store every worker process builds its own World
objects over the same partitions, so state and each client's clock are shared, and faults and journals stay
per process (as they always were).
"""

from __future__ import annotations

import contextlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from mocknexus.control.client_ids import check_client_id
from mocknexus.control.holders import WorldChanges
from mocknexus.control.journal import JournalBudget
from mocknexus.control.server_snapshot import ServerSnapshot, moves_with_time
from mocknexus.control.world import World
from mocknexus.control.world_builder import SHARED_PARTITION, WorldBuilder, partition_of
from mocknexus.domain.catalog.catalog import Catalog, Scenario
from mocknexus.domain.catalog.client_catalog import Parse
from mocknexus.domain.core.clock import Clock
from mocknexus.domain.core.errors import ErrorKind, MXError, not_found
from mocknexus.domain.core.owners import TOKEN_OWNERS, owner_of
from mocknexus.domain.core.tables import WORLDS  # WORLDS: client ids, listed across processes
from mocknexus.domain.service import Settings
from mocknexus.domain.static_members.static_members import is_static_member
from mocknexus.store import MemoryStore, Store

__all__ = ["SHARED_PARTITION", "World", "Worlds"]


class Worlds:
    def __init__(
        self,
        root: Store,
        catalog: Catalog,
        clock: Clock,
        settings: Settings,
        *,
        persistent: bool = False,
        seed: int = 0,
        journal_size: int = 1000,
        journal_budget: JournalBudget | None = None,
        parse_scenario: Parse | None = None,
        max_clients: int = 10_000,
    ) -> None:
        self.root = root
        self.catalog = catalog
        self.clock = clock  # the server's: every world's clock runs over it
        self.settings = settings
        self._persistent = persistent
        self._lock = threading.Lock()
        self.max_clients = max_clients
        self._worlds: OrderedDict[str, World] = OrderedDict()  # least recently used first
        # Registered worlds that may hold nothing: those changed (or registered) since `_make_room` last looked.
        # A world that held state when looked at can only come to hold nothing by a change, which puts it back
        # here; so a refusal at the cap costs what changed since the last one, not a walk over every world.
        self._maybe_empty: OrderedDict[str, None] = OrderedDict()
        # Moves whenever a world joins or leaves the registry: the sorted client ids are kept until it does,
        # so server-wide reads (a page of clients, the inspector's polls) do not sort 20 000 ids each time.
        self._membership = 0
        self._sorted_ids: tuple[int, list[str]] = (-1, [])
        # Every change to a world, numbered (control/holders.py): server-wide reads visit the worlds holding
        # what they list. Only a store this process alone writes (memory) tells of every write.
        self._tracks_writes = not persistent and isinstance(root, MemoryStore)
        self.changes = WorldChanges(self._worlds.get)
        self.builder = WorldBuilder(
            root,
            catalog,
            clock,
            settings,
            persistent=persistent,
            seed=seed,
            journal_size=journal_size,
            journal_budget=journal_budget,
            parse_scenario=parse_scenario,
            on_write=self.changes.store_written if self._tracks_writes else None,
            on_faults=self.changes.faults_changed,
        )
        self.journal_index = self.builder.journal_index
        self.on_build = self.builder.on_build  # called with each client world as it is built
        self.server_snapshot = ServerSnapshot(
            self.changes.written,
            self.client_ids,
            self._worlds.get,
            lambda: self.holding("snapshot moves with time", moves_with_time),
            lambda: self._membership,
        )
        self.server_faults = self.builder.server_faults
        self.server_journal = self.builder.journal(None, on_record=lambda: self.shared.notify())
        self.shared = self.builder.shared(self.server_journal)
        clock.on_move(self._clock_moved)  # one listener for every client's clock (each runs over the server's)

    def _clock_moved(self, clock: Clock) -> None:
        """A client's clock moved, perhaps by a direct call (no request): a change to its world."""
        world = self._worlds.get(clock.owner) if clock.owner is not None else None
        if world is not None and world.clock is clock:
            world.notify()

    @property
    def persistent(self) -> bool:
        """Whether the store is shared with other processes (a state file): their changes wake nothing here."""
        return self._persistent

    # ---- finding worlds --------------------------------------------------------------------------------

    def get(self, client_id: str | None) -> World:
        """The world of a client id, created now if new (for Python callers; HTTP calls go through
        `for_client` and `settle`); None: the shared world."""
        if client_id is None:
            return self.shared
        return self.existing(client_id) or self.create(client_id)

    def existing(self, client_id: str) -> World | None:
        """A client's world if it has one (in this process, or with a persistent store in another), without
        creating it."""
        world = self._worlds.get(client_id)
        if self._persistent:
            # The store says which worlds exist: another process (a replica) may have forgotten or reset this
            # one, and a World object kept here holds nothing but the way to its partition.
            if self.root.get(WORLDS, client_id) is None:
                if world is not None:
                    with self._lock:
                        self._worlds.pop(client_id, None)
                        self._membership += 1
                    world.journal.detach()
                return None
            if world is None:
                return self._register(self._build(client_id), adopt=True)
        if world is not None:
            with contextlib.suppress(KeyError):  # dropped meanwhile by another thread
                self._worlds.move_to_end(client_id)
        return world

    def create(self, client_id: str) -> World:
        """A client's world, created (and registered) now if new: the control plane's explicit acts."""
        return self.existing(client_id) or self._register(self._build(client_id))

    def for_client(self, client_id: str) -> World:
        """The world a call naming `client_id` acts in: its own, or a provisional one that `settle` keeps only
        if the call leaves state in it."""
        world = self.existing(client_id)
        if world is None:
            world = self._build(client_id)
            world.provisional = True
        return world

    def settle(self, world: World, accepted: bool) -> World | None:
        """After a call on a provisional world: register it if the call was accepted and left state in it;
        otherwise drop it (and whatever the refused call wrote). Answers the registered world (None: dropped);
        raises MX's 503 (after undoing the call) if the registry is full."""
        if not world.provisional:
            return world
        world.provisional = False
        if accepted and world.holds_state():
            try:
                return self._register(world)
            except MXError:
                self._discard(world, undo=True)
                raise
        self._discard(world)
        return None

    def for_token(self, token: str | None) -> World:
        """The world a session, api or widget token was issued in; the shared world for any other token."""
        if not token:
            return self.shared
        client_id = owner_of(self.root, token)
        world = self.existing(client_id) if client_id is not None else None
        return self.shared if world is None else world

    def client_ids(self) -> list[str]:
        """Every client id with a world, sorted: this process's, and (with a persistent store) any other's."""
        if self._persistent:  # the store's list: worlds other processes created, none they have dropped
            return sorted(record["client_id"] for record in self.root.values(WORLDS))
        membership, ids = self._sorted_ids
        if membership != self._membership:
            with self._lock:  # the registry cannot change while it is sorted
                membership, ids = self._membership, sorted(self._worlds)
            self._sorted_ids = (membership, ids)
        return list(ids)

    def holding(self, what: str, holds: Callable[[World], bool]) -> list[World]:
        """The client worlds for which `holds` is true (`what` names the test), by client id; it may name a
        world that has just stopped holding it. Over a store this process alone writes, looks again only at
        the worlds changed since the last such read; over a shared one, at every world."""
        if not self._tracks_writes:
            return [world for world in self.all() if holds(world)]
        return self.changes.holding(what, holds)

    def is_registered(self, world: World) -> bool:
        return world.client_id is not None and self._worlds.get(world.client_id) is world

    @property
    def tracks_changes(self) -> bool:
        """Whether every change to a world is heard of here (`changed_since`): a store this process alone writes."""
        return self._tracks_writes

    def changed_since(self, seq: int) -> tuple[int, list[World]]:
        """(the newest change's number, the registered worlds changed after change `seq` in a way that may give
        background work: holders.py's `ticked`): only meaningful when `tracks_changes`."""
        seq, ids = self.changes.ticked.since(seq)
        found = [self._worlds.get(client_id) for client_id in ids]
        return seq, [world for world in found if world is not None]

    def built_world(self, client_id: str) -> World | None:
        """A client's world if this process has built it (no store read)."""
        return self._worlds.get(client_id)

    def built(self) -> list[World]:
        """The client worlds this process has built so far (no store read, nothing created)."""
        return list(self._worlds.values())

    def all(self) -> list[World]:
        """Every client world, by client id."""
        if self._persistent:  # the store's list: another process's worlds are built here on first sight
            ids = self.client_ids()
            listed = set(ids)
            with self._lock:
                for gone in [c for c in self._worlds if c not in listed]:  # dropped by another process
                    self._worlds.pop(gone).journal.detach()
                    self._membership += 1
            found = []
            for client_id in ids:
                world = self._worlds.get(client_id)
                found.append(world if world is not None else self._register(self._build(client_id), adopt=True))
            return found
        return [w for w in map(self._worlds.get, self.client_ids()) if w is not None]

    # ---- whole-server and per-world lifecycle ----------------------------------------------------------

    def reset(self, world: World) -> None:
        """One client back to nothing: its state, clock, faults and journal."""
        world.emulator.reset()
        self._unbind_tokens(world.client_id)
        world.clock.reset()
        world.faults.clear()
        world.journal.clear()
        world.notify()

    def _unbind_tokens(self, client_id: str | None) -> None:
        """Every token the client issued (sessions, api tokens, widget URLs) stops routing to it."""
        with self.root.transaction():
            for token, owner in self.root.items(TOKEN_OWNERS):
                if owner == client_id:
                    self.root.delete(TOKEN_OWNERS, token)

    def forget(self, client_id: str) -> bool:
        """Reset a client's world and drop it from the registry (the pytest plugin does so after each test)."""
        world = self.existing(client_id)
        if world is None:
            return False
        self.reset(world)
        self._drop(client_id)
        world.notify()
        return True

    def _drop(self, client_id: str) -> None:
        with self._lock:
            self._membership += 1
            dropped = self._worlds.pop(client_id, None)
            if dropped is not None:
                dropped.journal.detach()
            self.root.delete(WORLDS, client_id)
            self.root.drop_partition(partition_of(client_id))
        self.changes.forget([client_id])

    def _discard(self, world: World, undo: bool = False) -> None:
        """Undo a provisional world: whatever its call wrote, and its partition. `undo`: the call was accepted
        but the registry is full, so what it wrote goes."""
        client_id = world.client_id
        if client_id is None or client_id in self._worlds or self.root.get(WORLDS, client_id) is not None:
            return  # another call (or process) registered this client meanwhile: its state is that world's now
        if self._persistent and not undo:
            # Over a shared store, another process's accepted call may have written to this partition since
            # this call began, and registers it only once that call ends: clearing it would undo that call
            # (a user created twice). A refused call's writes were rolled back with its transaction, and an
            # empty partition is no rows at all: there is nothing of this call's to clear.
            return
        if world.holds_state():  # a call refused after writing, or past the cap: undo it (tokens need a user)
            world.emulator.reset()
            self._unbind_tokens(client_id)
        self.root.drop_partition(partition_of(client_id))
        if client_id not in self._worlds:  # so refused calls naming new ids do not grow the change logs
            self.changes.forget([client_id])

    def _register(self, world: World, adopt: bool = False) -> World:
        """Put a built world in the registry (or answer the one another call registered first), making room
        by dropping least-recently-used worlds that hold nothing; MX's 503 if none can go. `adopt`: a world
        another process registered in the shared store (its record is not written again: if that process
        has dropped it meanwhile, it stays dropped)."""
        client_id = world.client_id
        assert client_id is not None
        check_client_id(client_id)  # a call naming such an id is refused (and undone) rather than kept
        with self._lock:
            found = self._worlds.get(client_id)
            if found is not None:
                return found
            if len(self._worlds) >= self.max_clients:
                self._make_room()
            self._membership += 1
            with self.root.transaction():
                if not adopt and self.root.get(WORLDS, client_id) is None:
                    record = {"client_id": client_id, "created_at": self.clock.now().isoformat()}
                    self.root.put(WORLDS, client_id, record)
            self._worlds[client_id] = world
            world.on_change = self._changed
            self._maybe_empty[client_id] = None
        self.changes.registered(client_id)
        return world

    def _changed(self, world: World) -> None:
        """A registered world changed (World.notify): it may hold nothing now. Runs on every call: O(1)."""
        client_id = world.client_id
        if client_id is not None and self._worlds.get(client_id) is world:
            self._maybe_empty[client_id] = None
            self.changes.any.mark(client_id)

    def _make_room(self) -> None:
        """Drop worlds holding nothing, those changed longest ago first, until one more fits (under
        self._lock). Looks only at worlds changed since it last looked: O(1) per refusal when none did."""
        while len(self._worlds) >= self.max_clients and self._maybe_empty:
            client_id, _ = self._maybe_empty.popitem(last=False)
            world = self._worlds.get(client_id)
            if world is not None and not world.holds_state():
                self._worlds.pop(client_id, None)
                world.journal.detach()  # its entries leave the server-wide journal with it
                self.root.delete(WORLDS, client_id)
                self.root.drop_partition(partition_of(client_id))
                self.changes.forget([client_id])
        if len(self._worlds) >= self.max_clients:
            raise MXError(
                ErrorKind.SERVICE_UNAVAILABLE,
                f"This server keeps at most {self.max_clients} client id worlds (--max-clients), and each holds "
                "state: forget some (DELETE /__admin/clients/{client_id}) or raise the limit.",
            )

    def parse_scenarios(self, uploaded: dict[str, Any]) -> list[Scenario]:
        """Uploaded fixture-format scenarios, parsed by the injected parser; an MX 400 naming the first bad one."""
        return self.builder.parse_scenarios(uploaded)

    def reset_all(self) -> None:
        """The whole server back to its fixtures: every world gone, the server clock, faults and journal."""
        worlds = list(self._worlds.values())
        with self._lock:
            with self.root.transaction():
                self.root.clear()
            self._worlds.clear()
            self._maybe_empty.clear()
            self.changes.forget(None)
            self._membership += 1
            self.clock.reset()
            self.server_faults.clear()
            self.server_journal.clear()
            self.shared = self.builder.shared(self.server_journal)
        for world in worlds:
            world.journal.detach()
            world.notify()

    def world_of_member(self, member_guid: str) -> World:
        """The client world holding a member (for the server-wide control plane, which names no client)."""
        for world in self.all():
            if world.emulator.has_member(member_guid):
                return world
        if is_static_member(member_guid):
            raise MXError(ErrorKind.FORBIDDEN, "MX's static test fixtures are shared and read-only.")
        raise not_found("Member")

    def notify_all(self) -> None:
        for world in list(self._worlds.values()):
            world.notify()

    def _build(self, client_id: str) -> World:
        return self.builder.client(client_id, self.shared)
