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

if TYPE_CHECKING:
    from mocknexus.control.world import World


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
