"""Every journal's entries in one server-wide order, kept as they are recorded, so that a server-wide read
(`/__admin/requests?limit=100`, the inspector's poll) costs the entries it returns, not one look at each of
20 000 journals, and a server-wide wait looks only at the entries recorded since it last looked.

Each entry is numbered (`seq`) in the order entries are recorded, across journals. A journal keeps its entries
in that order and drops them oldest first (past its count, by the byte budget, cleared), so it only needs to
say the number of its oldest entry still kept (`Journal.floor`): an entry of the index is still in its journal
if its number is at least that floor. Entries that left their journal stay here until they reach the front,
or until more than half of the index is such entries (then it is compacted: amortised O(1) per entry).

Entry ids (which the journal shows, newest first) are allocated when a request starts and recorded when it
ends, so the recorded order is not quite the id order; each place also keeps the highest id recorded up to it,
which tells a reader walking back from the newest when no older entry can be among the newest `limit`.
"""

from __future__ import annotations

import fnmatch
import heapq
import threading
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from mocknexus.control.journal import Entry, Journal

Keep = Callable[["Journal", "Entry"], bool]


class _Place(NamedTuple):
    seq: int
    top_id: int  # the highest entry id recorded at or before this place
    journal: Journal
    entry: Entry


class JournalIndex:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._places: deque[_Place] = deque()
        self._next_seq = 1
        self._top_id = 0
        self._kept = 0  # entries still in their journals (the rest of the places are skipped when reached)

    @property
    def next_seq(self) -> int:
        """The number the next recorded entry gets."""
        return self._next_seq

    def add(self, journal: Journal, entry: Entry) -> None:
        """Number `entry` (its `seq`) and place it in the server-wide order (called under its journal's lock,
        so that a journal's entries are numbered in the order it keeps them)."""
        with self._lock:
            entry.seq = seq = self._next_seq
            self._next_seq = seq + 1
            if entry.id > self._top_id:
                self._top_id = entry.id
            places = self._places
            places.append(_Place(seq, self._top_id, journal, entry))
            self._kept += 1
            while places and places[0].seq < places[0].journal.floor:  # left its journal
                places.popleft()
            if len(places) > 2 * self._kept + 1024:
                self._places = deque(p for p in places if _kept(p))

    def left(self, count: int) -> None:
        """`count` entries left their journal (dropped or cleared)."""
        with self._lock:
            self._kept = max(0, self._kept - count)

    def newest(self, limit: int | None, keep: Keep) -> list[Entry]:
        """The kept entries `keep` accepts, newest (highest id) first, at most `limit`: walks back from the
        newest and stops once no older entry can be among them."""
        best: list[tuple[int, int, Entry]] = []  # a min-heap of (id, seq, entry): the newest found so far
        with self._lock:  # the deque must not move while it is walked; recording waits for at most this walk
            for place in reversed(self._places):
                if limit is not None and len(best) >= limit and place.top_id < best[0][0]:
                    break  # every older place's entries have lower ids than the newest `limit` found
                if not _kept(place) or not keep(place.journal, place.entry):
                    continue
                item = (place.entry.id, place.seq, place.entry)
                if limit is None or len(best) < limit:
                    heapq.heappush(best, item)
                elif item > best[0]:
                    heapq.heapreplace(best, item)
        return [entry for _, _, entry in sorted(best, key=lambda item: item[:2], reverse=True)]

    def since(self, seq: int, keep: Keep) -> tuple[int, list[tuple[Journal, Entry]]]:
        """(the number of the next entry, the kept entries numbered from `seq` on that `keep` accepts, oldest
        first): what a wait has not yet looked at, at the cost of those entries alone."""
        found = []
        with self._lock:
            for place in reversed(self._places):
                if place.seq < seq:
                    break
                if _kept(place) and keep(place.journal, place.entry):
                    found.append((place.journal, place.entry))
            found.reverse()
            return self._next_seq, found


def _kept(place: _Place) -> bool:
    return place.seq >= place.journal.floor


def still_kept(journal: Journal, entry: Entry) -> bool:
    """Whether `entry` (of `journal`) is still in it."""
    return entry.seq >= journal.floor


class Follower:
    """A server-wide wait's view of the journals: the entries `keep` accepts, newest first, each check looking
    only at entries recorded since the last (O(new entries), plus the matches it holds)."""

    def __init__(self, index: JournalIndex, keep: Keep) -> None:
        self._index = index
        self._keep = keep
        self._seq = 0  # the first check looks at every entry
        self._found: list[tuple[Journal, Entry]] = []

    def __call__(self) -> list[tuple[Journal, Entry]]:
        self._seq, new = self._index.since(self._seq, self._keep)
        self._found = [(j, e) for j, e in self._found if still_kept(j, e)] + new
        return sorted(self._found, key=lambda pair: pair[1].id, reverse=True)


def matcher(method: str | None, path: str | None, status: int | None) -> Keep:
    """The test `Journal.matching` applies (method, path glob, status), for the index."""
    method = method.upper() if method is not None else None

    def keep(journal: Journal, e: Entry) -> bool:
        return (
            (method is None or e.method == method)
            and (path is None or fnmatch.fnmatchcase(e.path, path))
            and (status is None or e.status == status)
        )

    return keep


def following(
    index: JournalIndex,
    keep: Keep,
    client_id: str | None = None,
    journal: Callable[[], Journal] | None = None,
) -> Callable[[], list[Entry]]:
    """A wait's `find`: the entries `keep` accepts, newest first, each call looking only at new entries; with a
    `client_id`, that client's entries in the journal `journal()` names at the time of the call."""
    if client_id is None or journal is None:
        follow = Follower(index, keep)
        return lambda: [entry for _, entry in follow()]
    follow = Follower(index, lambda j, e: e.client_id == client_id and keep(j, e))

    def find() -> list[Entry]:
        wanted = journal()
        return [entry for owner, entry in follow() if owner is wanted]

    return find
