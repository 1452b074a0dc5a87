"""The request journal: the last N calls to the emulated APIs, with every secret masked whenever it is read.

Recording keeps the raw request (cheap: it runs on every call); masking and decoding happen in `view`,
which is all that leaves this module. Memory is bounded by bytes as well as by entries: each body is kept
up to a prefix (its view says it was cut), and every journal of a server shares one byte budget
(`JournalBudget`), past which the oldest entries of any journal go first.
"""

from __future__ import annotations

import fnmatch
import itertools
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterator
from typing import Any

from mocknexus.control.journal_entry import ENTRY_OVERHEAD, Entry, footprint, views
from mocknexus.control.journal_index import JournalIndex


class Journal:
    """One client id's journal (or the server's, for calls that reached no client). Entry ids come from one
    counter shared by every journal, so merged journals keep the order calls were made in."""

    def __init__(
        self,
        size: int = 1000,
        *,
        client_id: str | None = None,
        ids: Iterator[int] | None = None,
        on_record: Callable[[], None] | None = None,
        budget: JournalBudget | None = None,
        index: JournalIndex | None = None,
    ) -> None:
        self._lock = threading.Lock()
        self._size = size
        self._entries: deque[Entry] = deque()
        self._ids = ids or itertools.count(1)
        self.client_id = client_id
        self._on_record = on_record  # a wait on this journal is woken by it
        self._budget = budget or JournalBudget()
        self._index = index or JournalIndex()  # every journal's entries in one order (server-wide reads)
        # The number (Entry.seq) of the oldest entry still kept: entries are dropped oldest first, so an
        # entry of the index is still here if its number is at least this (journal_index.py).
        self.floor = 0

    def next_id(self) -> int:
        """An id for a request that is starting; `record` files its entry under it when it ends."""
        return next(self._ids)

    def record(self, id: int | None = None, headers: Any = (), body: bytes | None = None, **fields: Any) -> None:
        # Slots and tuples: a kept entry is one object for the garbage collector to track, not four, which
        # matters with a thousand entries kept per client id and a hundred client ids. Built before any lock
        # is taken: this runs on every call.
        headers = tuple(headers)
        size = len(body) if body else 0
        if size > self._budget.body_limit:
            body = body[: self._budget.body_limit]  # type: ignore[index]
        fields.setdefault("client_id", self.client_id)  # given: a call whose provisional world was dropped
        weight = footprint(fields["path"], fields["query"], headers, body)
        entry = Entry(id=id, headers=headers, body=body, body_size=size, footprint=weight, **fields)  # type: ignore[arg-type]
        entries = self._entries
        dropped: list[Entry] = []
        with self._lock:  # ids, and places in the server-wide order, in the order entries are kept
            if id is None:
                entry.id = next(self._ids)
            self._index.add(self, entry)
            entries.append(entry)
            while len(entries) > self._size:
                dropped.append(entries.popleft())
            if dropped:
                self.floor = max(self.floor, dropped[-1].seq + 1)
        if dropped:
            self._index.left(len(dropped))
        # Outside this journal's lock: the budget may take entries from any journal (lock order: budget,
        # then a journal).
        self._budget.kept(self, entry, dropped)
        if self._on_record is not None:
            self._on_record()

    def drop_oldest(self, entry_id: int) -> Entry | None:
        """Let the budget take this journal's oldest entry, if it is still the one with `entry_id`."""
        with self._lock:
            if self._entries and self._entries[0].id == entry_id:
                taken = self._entries.popleft()
                self.floor = max(self.floor, taken.seq + 1)
            else:
                return None
        self._index.left(1)
        return taken

    def __len__(self) -> int:
        return len(self._entries)

    def matching(self, method: str | None = None, path: str | None = None, status: int | None = None) -> list[Entry]:
        """Raw entries, newest first, filtered by method, path glob and status."""
        with self._lock:
            return [
                e
                for e in reversed(self._entries)
                if (method is None or e.method == method.upper())
                and (path is None or fnmatch.fnmatchcase(e.path, path))
                and (status is None or e.status == status)
            ]

    def entries(
        self,
        method: str | None = None,
        path: str | None = None,
        status: int | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        """Newest first, filtered by method, path glob and status; masked."""
        return views(self.matching(method, path, status), limit)

    def clear(self) -> None:
        with self._lock:
            dropped = list(self._entries)
            self._entries.clear()
            self.floor = max(self.floor, self._index.next_seq)
        self._index.left(len(dropped))
        self._budget.kept(self, None, dropped)

    def detach(self) -> None:
        """Empty this journal for good (its world left the registry): nothing recorded in it later is shown."""
        self.clear()
        with self._lock:
            self.floor = sys.maxsize


class JournalBudget:
    """The bytes every journal of a server may hold together, and the prefix of a body each entry keeps.

    Entries are accounted in the order they were kept, across journals; past the limit the oldest go first,
    whichever journal holds them. An entry that left its journal otherwise (past the journal's count, or
    cleared) is given back at once; its place in the order is skipped when reached.
    """

    def __init__(self, limit: int = 64 * 1024 * 1024, body_limit: int = 8192) -> None:
        self.limit = limit
        self.body_limit = body_limit
        self.used = 0
        self._lock = threading.Lock()
        self._order: deque[tuple[Journal, int]] = deque()

    def kept(self, journal: Journal, entry: Entry | None, dropped: list[Entry]) -> None:
        with self._lock:
            for gone in dropped:
                self.used -= gone.footprint
            if entry is not None:
                self.used += entry.footprint
                self._order.append((journal, entry.id))
            while self.used > self.limit and self._order:
                owner, entry_id = self._order.popleft()
                taken = owner.drop_oldest(entry_id)
                if taken is not None:
                    self.used -= taken.footprint
            if len(self._order) > 2 * (self.used // ENTRY_OVERHEAD) + 1024:
                self._compact()

    def _compact(self) -> None:
        # Skipped places pile up when journals mostly drop entries by count; keep, from the newest back,
        # only as many places per journal as it still holds entries.
        room: dict[int, int] = {}
        kept: deque[tuple[Journal, int]] = deque()
        for owner, entry_id in reversed(self._order):
            left = room.setdefault(id(owner), len(owner))
            if left > 0:
                room[id(owner)] = left - 1
                kept.appendleft((owner, entry_id))
        self._order = kept
