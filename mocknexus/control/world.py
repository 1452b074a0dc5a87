"""One world: an MX client id's emulator, faults and journal, and the waits that watch it change. The registry
that creates, bounds and forgets worlds is `control/worlds.py`."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from mocknexus.control.faults import Faults
from mocknexus.control.journal import Journal
from mocknexus.domain.core.clock import Clock
from mocknexus.domain.service import Emulator
from mocknexus.parking import Signal

T = TypeVar("T")


class World:
    def __init__(
        self,
        client_id: str | None,
        emulator: Emulator,
        faults: Faults,
        journal: Journal,
        created_at: datetime,
        server: World | None = None,
    ) -> None:
        self.client_id = client_id
        self._server = server  # the shared world, whose waits watch every world (server-wide journal waits)
        self.emulator = emulator
        self.faults = faults
        self.journal = journal
        self.created_at = created_at
        self._changed = threading.Condition(threading.Lock())
        self._version = 0
        self.changes = Signal()  # wakes this world's parked waits (parking.py), as _changed wakes blocked ones
        self._waiting = 0  # threads in wait_until
        self.provisional = False  # built for one call, not (yet) in the registry: see Worlds.settle
        # The registry's: told of every change, so that it knows which worlds may have come to hold nothing.
        self.on_change: Callable[[World], None] | None = None

    def holds_state(self) -> bool:
        """Whether anything would be lost by dropping this world: users (everything else in a world hangs
        off one), uploaded scenarios, a webhook subscription or outbox, faults, a moved or frozen clock, or a
        wait watching it."""
        emulator = self.emulator
        return bool(
            emulator.count_users()
            or emulator.uploaded_scenarios()
            or emulator.holds_webhooks()
            or self.faults.list()
            or self.clock.is_set
            or self._waiting
        )

    @property
    def clock(self) -> Clock:
        return self.emulator.clock

    @property
    def version(self) -> int:
        """Moves on every change `notify` hears of (for background work: has anything happened here?)."""
        return self._version

    def notify(self) -> None:
        """Something in this world changed (a call, a clock move, a control-plane action): wake its waits.

        Runs on every call, so it takes the lock only when someone waits. The version moves regardless: a
        wait compares it under the lock before sleeping, so a change between its check and its sleep is seen.
        """
        self._version += 1
        if self.on_change is not None:
            self.on_change(self)
        self.changes.fire()
        if self._waiting:
            with self._changed:
                self._changed.notify_all()
        if self._server is not None:
            self._server.notify()

    def wait_until(self, check: Callable[[], tuple[bool, T]], timeout: float, recheck: float) -> tuple[bool, T]:
        """Run `check` now and again whenever this world changes, and at least every `recheck` seconds (time
        moves jobs on without a call, and another worker process's changes wake nobody here), until it says
        done or `timeout` passes. No busy loop: between checks the thread sleeps on a condition variable."""
        deadline = time.monotonic() + timeout
        with self._changed:
            self._waiting += 1
        try:
            while True:
                seen = self._version
                done, value = check()  # outside the condition's lock: it takes the store's
                remaining = deadline - time.monotonic()
                if done or remaining <= 0:
                    return done, value
                with self._changed:
                    if self._version == seen:
                        self._changed.wait(min(remaining, recheck))
        finally:
            with self._changed:
                self._waiting -= 1
            if self.on_change is not None:
                self.on_change(self)  # a world held by this wait alone may go now
