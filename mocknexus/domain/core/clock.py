"""The one source of "now" for the emulator, so tests and the admin API can move time.

Clocks layer: the server has one clock (wall time, or what a test injects), and every client id's world
has its own over it (the server clock plus the world's offset, or a frozen instant of its own). Advancing a
world's clock moves that world alone; advancing the server's moves every world that has not frozen its own.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta

from mocknexus.domain.core.tables import META
from mocknexus.store import Store

# The latest instant the emulator computes: far past any test, and leaves room for formatting and for
# further arithmetic (datetime ends at year 9999; past it, every read of the member would fail).
LATEST = datetime(9000, 1, 1, tzinfo=UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def later(moment: datetime, seconds: float) -> datetime:
    """`moment` plus `seconds`, clamped to LATEST (a step's duration times --job-time-scale can be huge)."""
    try:
        return min(moment + timedelta(seconds=seconds), LATEST)
    except OverflowError:
        return LATEST


class Clock:
    """A base time (wall time, or another clock) plus an offset, or a frozen instant.

    Token expiry, session expiry and job durations all read this clock, so advancing it is how a
    test (or a tester through the admin API) reaches those paths without sleeping.
    """

    def __init__(self, frozen_at: datetime | None = None, base: Clock | None = None) -> None:
        self._lock = threading.Lock()
        self._base = base
        self._initial_frozen_at = frozen_at
        self._state: tuple[timedelta, datetime | None] = (timedelta(0), frozen_at)
        self._listeners: list[weakref.WeakMethod] = []
        self.owner: str | None = None  # whose clock this is (a client id), for listeners told of its moves

    def on_move(self, listener: Callable[[Clock], None]) -> None:
        """Call `listener(clock)` after this clock, or any clock running over it (a client's over the
        server's), is advanced, frozen at an instant or let run again; `clock` is the one that moved. Work
        due by the emulated clock (`control.background`) runs then, without waiting for a request. A reset is
        not a move (it may run under the worlds' lock). `listener` is a bound method, held weakly."""
        self._listeners.append(weakref.WeakMethod(listener))  # type: ignore[arg-type]

    def _moved(self, clock: Clock) -> None:
        for ref in list(self._listeners):
            listener = ref()
            if listener is not None:
                listener(clock)
        if self._base is not None:
            self._base._moved(clock)

    # Where (offset, frozen instant) live; a subclass keeps them elsewhere (shared by processes).
    def _load(self) -> tuple[timedelta, datetime | None]:
        return self._state

    def _save(self, offset: timedelta, frozen_at: datetime | None) -> None:
        self._state = (offset, frozen_at)

    def _guard(self) -> AbstractContextManager:
        """Held around a read-modify-write of the state."""
        return self._lock

    def _source(self) -> datetime:
        return utcnow() if self._base is None else self._base.now()

    def now(self) -> datetime:
        offset, frozen = self._load()
        return frozen if frozen is not None else self._source() + offset

    @property
    def is_frozen(self) -> bool:
        """Still: frozen itself, or running over a frozen base."""
        return self._load()[1] is not None or (self._base is not None and self._base.is_frozen)

    @property
    def is_set(self) -> bool:
        """Whether this clock was moved or frozen since it was built (or reset)."""
        return self._load() != (timedelta(0), self._initial_frozen_at)

    def advance(self, seconds: float) -> datetime:
        with self._guard():
            offset, frozen = self._load()
            if frozen is not None:
                self._save(offset, later(frozen, seconds))
            else:
                # Never past LATEST, however many times it is advanced.
                room = (LATEST - self._source() - offset).total_seconds()
                self._save(offset + timedelta(seconds=max(0.0, min(seconds, room))), None)
        self._moved(self)
        return self.now()

    def freeze(self, at: datetime | None = None) -> datetime:
        with self._guard():
            instant = at if at is not None else self.now()
            self._save(self._load()[0], instant)
        self._moved(self)
        return instant

    def unfreeze(self) -> datetime:
        """Let time run again from the frozen instant (the offset keeps it continuous)."""
        with self._guard():
            _, frozen = self._load()
            if frozen is not None:
                self._save(frozen - self._source(), None)
        self._moved(self)
        return self.now()

    def reset(self) -> None:
        """Back to how the clock was built: its base (or real time), or the instant it was frozen at."""
        with self._guard():
            self._save(timedelta(0), self._initial_frozen_at)


class StoredClock(Clock):
    """A clock whose offset and frozen instant live in the store, so every worker process sharing a
    persistent store reads the same time, and a restart keeps it."""

    TABLE, KEY = META, "clock"

    def __init__(self, store: Store, frozen_at: datetime | None = None, base: Clock | None = None) -> None:
        self._store = store
        super().__init__(frozen_at, base)  # nothing stored yet reads as (no offset, `frozen_at`)

    def _guard(self) -> AbstractContextManager:
        # The store's transaction: two worker processes advancing at once both count.
        return self._store.transaction()

    def _load(self) -> tuple[timedelta, datetime | None]:
        data = self._store.get(self.TABLE, self.KEY)
        if data is None:  # cleared by a reset of the store
            return timedelta(0), self._initial_frozen_at
        frozen = data["frozen_at"]
        return timedelta(seconds=data["offset"]), datetime.fromisoformat(frozen) if frozen else None

    def _save(self, offset: timedelta, frozen_at: datetime | None) -> None:
        value = {"offset": offset.total_seconds(), "frozen_at": frozen_at.isoformat() if frozen_at else None}
        self._store.put(self.TABLE, self.KEY, value)
