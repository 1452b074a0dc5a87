"""The one source of "now" for the whole emulator, so tests and the admin API can move time."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta


def utcnow() -> datetime:
    return datetime.now(UTC)


class Clock:
    """Wall time plus an offset, or a frozen instant.

    Token expiry, session expiry and job durations all read this clock, so advancing it is how a
    test (or a tester through the admin API) reaches those paths without sleeping.
    """

    def __init__(self, frozen_at: datetime | None = None) -> None:
        self._lock = threading.Lock()
        self._offset = timedelta(0)
        self._frozen_at = frozen_at
        self._initial_frozen_at = frozen_at

    def now(self) -> datetime:
        frozen = self._frozen_at
        if frozen is not None:
            return frozen
        return utcnow() + self._offset

    @property
    def is_frozen(self) -> bool:
        return self._frozen_at is not None

    def advance(self, seconds: float) -> datetime:
        with self._lock:
            delta = timedelta(seconds=seconds)
            if self._frozen_at is not None:
                self._frozen_at += delta
            else:
                self._offset += delta
            return self.now()

    def freeze(self, at: datetime | None = None) -> datetime:
        with self._lock:
            self._frozen_at = at if at is not None else self.now()
            return self._frozen_at

    def unfreeze(self) -> datetime:
        """Let time run again from the frozen instant (the offset keeps it continuous)."""
        with self._lock:
            if self._frozen_at is not None:
                self._offset = self._frozen_at - utcnow()
                self._frozen_at = None
            return self.now()

    def reset(self) -> None:
        """Back to how the clock was built: real time, or the instant it was frozen at."""
        with self._lock:
            self._offset = timedelta(0)
            self._frozen_at = self._initial_frozen_at
