"""Which worlds hold something (members, sessions, deliveries, faults), kept up to date on write, so that a
server-wide read visits the worlds that hold what it lists, not all 20 000 of them.

`ChangeLog` hears of every change to a world (a write to its store partition, a fault added, its joining or
leaving the registry) and numbers them; `Holders` keeps the set of worlds for which a test held when last
looked at, and on each read looks again only at the worlds changed since. The set may name a world that no
longer holds anything (a fault used up by calls: nothing is written); it never misses one that does, since a
world comes to hold something only by a change, which is logged after it is made.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from mocknexus.domain.core.tables import API_TOKENS, MEMBERS, SESSIONS, WEBHOOK_DELIVERIES

if TYPE_CHECKING:
    from mocknexus.control.faults import Faults
    from mocknexus.control.world import World

CLIENT_PARTITION = "client:"  # a client's store partition is this and its id (control/worlds.py)

# The concepts server-wide reads list (`WorldChanges.holding`), and the tables whose writes change them (faults
# are not records: a fault added or removed tells its own).
# Tables no background ticker reads: a write to them alone (a Nexus session's expiry sliding on every call) gives
# the daemon nothing to run (`WorldChanges.ticked`).
UNTICKED = frozenset({SESSIONS, API_TOKENS})

WATCHED: dict[str, tuple[str, ...]] = {
    "members": (MEMBERS,),
    "credentials": (SESSIONS, API_TOKENS),
    "deliveries": (WEBHOOK_DELIVERIES,),
    "faults": (),
}


class ChangeLog:
    """Client ids in the order they last changed, each with the number of its last change."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seq = 0
        self._last: OrderedDict[str, int] = OrderedDict()

    def mark(self, client_id: str) -> None:
        """`client_id`'s world changed (call after the change is made). O(1): runs on every write."""
        with self._lock:
            self._seq += 1
            self._last[client_id] = self._seq
            self._last.move_to_end(client_id)

    def mark_again(self, client_id: str) -> None:
        """Mark `client_id` again if it was ever marked (a world registered after its first call wrote)."""
        with self._lock:
            if client_id in self._last:
                self._seq += 1
                self._last[client_id] = self._seq
                self._last.move_to_end(client_id)

    def since(self, seq: int) -> tuple[int, list[str]]:
        """(the newest change's number, the client ids changed after change `seq`, newest first)."""
        found = []
        with self._lock:
            for client_id in reversed(self._last):
                if self._last[client_id] <= seq:
                    break
                found.append(client_id)
            return self._seq, found

    def forget(self, client_ids: Iterable[str] | None = None) -> None:
        """Drop the ids of worlds that left the registry (None: every id), so that the log does not grow with
        every id ever seen; `Holders` drops an id whose world is gone when it reads, and a world registered
        again under it is logged again."""
        with self._lock:
            if client_ids is None:
                self._last.clear()
            for client_id in client_ids or ():
                self._last.pop(client_id, None)


class Holders:
    """The client ids whose world `holds` something, as of the last look, looked at again only where changed."""

    def __init__(self, log: ChangeLog, holds: Callable[[World], bool], world_of: Callable[[str], World | None]) -> None:
        self._log = log
        self._holds = holds
        self._world_of = world_of
        self._lock = threading.Lock()
        self._seen = 0
        self._ids: set[str] = set()

    def worlds(self) -> list[World]:
        """The worlds that may hold something, by client id (each still registered)."""
        with self._lock:  # one reader refreshes at a time: the set and the number seen move together
            self._seen, changed = self._log.since(self._seen)
            for client_id in changed:
                world = self._world_of(client_id)
                if world is not None and self._holds(world):
                    self._ids.add(client_id)
                else:
                    self._ids.discard(client_id)
            found = []
            for client_id in sorted(self._ids):
                world = self._world_of(client_id)
                if world is None:  # left the registry (its id was forgotten by the log)
                    self._ids.discard(client_id)
                else:
                    found.append(world)
            return found


class WorldChanges:
    """The registry's change logs: `any` (every change: a write, a call, a clock move), `ticked` (what may give
    the background daemon's tickers work: a world joining, a write to a table one of them reads; not a call that
    wrote nothing else, or with a world of 100 000 members every read would make each ticker walk them all),
    `written` (writes to a world's records alone: what a snapshot asks again) and one per WATCHED concept
    (writes to its tables: a world holding users alone never enters the members' log), and the `Holders`
    server-wide reads use."""

    def __init__(self, world_of: Callable[[str], World | None]) -> None:
        self._world_of = world_of
        self.any = ChangeLog()
        self.ticked = ChangeLog()
        self.written = ChangeLog()
        self._concepts = {what: ChangeLog() for what in WATCHED}
        self._by_table: dict[str, list[ChangeLog]] = {}
        for what, tables in WATCHED.items():
            for table in tables:
                self._by_table.setdefault(table, []).append(self._concepts[what])
        self._holders: dict[str, Holders] = {}
        self._lock = threading.Lock()

    def holding(self, what: str, holds: Callable[[World], bool]) -> list[World]:
        """The worlds for which `holds` may be true (a WATCHED concept's, or any other test over `any`)."""
        holders = self._holders.get(what)
        if holders is None:
            with self._lock:
                log = self._concepts.get(what, self.any)
                holders = self._holders.setdefault(what, Holders(log, holds, self._world_of))
        return holders.worlds()

    def store_written(self, partition: str | None, table: str | None) -> None:
        """A write to a world's store (`MemoryStore.on_write`: its partition, "client:<id>"; table None: every
        table)."""
        if partition is None or not partition.startswith(CLIENT_PARTITION):
            return
        client_id = partition[len(CLIENT_PARTITION) :]
        self.any.mark(client_id)
        self.written.mark(client_id)
        if table not in UNTICKED:
            self.ticked.mark(client_id)
        for log in self._by_table.get(table, ()) if table is not None else self._concepts.values():
            log.mark(client_id)

    def faults_changed(self, faults: Faults) -> None:
        client_id = faults.client_id
        if client_id is None:
            return  # the server's: no world's
        self.any.mark(client_id)
        self._concepts["faults"].mark(client_id)

    def registered(self, client_id: str) -> None:
        """A world joined the registry: a change, and what its first call wrote (before it was registered)
        counts again in each concept's log."""
        self.any.mark(client_id)
        self.ticked.mark(client_id)
        self.written.mark(client_id)
        for log in self._concepts.values():
            log.mark_again(client_id)

    def forget(self, client_ids: list[str] | None) -> None:
        """Worlds that left the registry (None: every one): no log keeps their ids."""
        for log in (self.any, self.ticked, self.written, *self._concepts.values()):
            log.forget(client_ids)
