"""The webhook dispatcher: a daemon thread that sends subscribed worlds' due deliveries on a small pool of
threads. Never on a request's thread: a request only records events in the outbox (jobs that move by the
clock alone are the background seam's jobs ticker, control/background.py).

It wakes when an event is recorded or a clock move makes a delivery due (the hub's ticker), and otherwise
every TICK_SECONDS (another worker process may move a clock, and a claim's lease may run out). Each delivery
is claimed in the store before it is sent, so several worker processes over one state file send each attempt
once.
"""

from __future__ import annotations

import logging
import os
import secrets
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Protocol

from mocknexus.control.webhooks.sender import Sender

if TYPE_CHECKING:
    from mocknexus.control.worlds import World
    from mocknexus.domain.webhooks.outbox import Outbox

log = logging.getLogger("mocknexus.webhooks")

TICK_SECONDS = 0.1


class Hub(Protocol):
    """What the dispatcher asks of the hub that owns it (hub.py's Webhooks)."""

    def subscribed_worlds(self) -> list[World]: ...

    def outbox(self, world: World) -> Outbox: ...


class Dispatcher:
    def __init__(self, hub: Hub, sender: Sender, *, workers: int = 4) -> None:
        self._hub = hub
        self._sender = sender
        self._workers = workers
        self.owner = f"{os.getpid()}-{secrets.token_hex(4)}"  # this process's name on the leases it takes
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._in_flight = 0
        self._thread: threading.Thread | None = None
        self._pool: ThreadPoolExecutor | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        with self._lock:
            if self.running or self._stop.is_set():
                return
            self._pool = ThreadPoolExecutor(self._workers, thread_name_prefix="mocknexus-webhook")
            self._thread = threading.Thread(target=self._run, name="mocknexus-dispatcher", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(5)
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def wake(self) -> None:
        self._wake.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(TICK_SECONDS)
            self._wake.clear()
            try:
                self.pump()
            except Exception:  # a bad tick (a reset racing a read) must not end background work for good
                log.exception("webhook dispatcher tick failed")

    def pump(self) -> None:
        """One round: claim and send what is due in every subscribed world."""
        for world in self._hub.subscribed_worlds():
            outbox = self._hub.outbox(world)
            if not outbox.has_pending():
                continue
            with self._lock:
                free = self._workers * 2 - self._in_flight
            lease = self._sender.timeout * 2 + 10.0  # a worker killed mid-send frees its claim after this
            for delivery in outbox.claim_due(world.clock.now(), time.time(), self.owner, lease, free):
                with self._lock:
                    self._in_flight += 1
                assert self._pool is not None
                self._pool.submit(self._deliver, world, delivery)

    def _deliver(self, world: World, delivery: dict) -> None:
        try:
            outbox = self._hub.outbox(world)
            outcome = self._sender.send(delivery, outbox.config(), world.clock.now().isoformat())
            outbox.record_attempt(delivery["id"], outcome.attempt, outcome.delivered, world.clock.now())
            world.notify()  # a wait on the outbox may be waiting for this
        except Exception:
            log.exception("webhook delivery %s failed to run", delivery.get("id"))
        finally:
            with self._lock:
                self._in_flight -= 1
            self._wake.set()  # the next delivery for this member may now be due
