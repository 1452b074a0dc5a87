"""The webhook dispatcher: a daemon thread that sends subscribed worlds' due deliveries on a pool of sender
threads. Never on a request's thread: a request only records events in the outbox (jobs that move by the
clock alone are the background seam's jobs ticker, control/background.py).

Fair and bounded per world (issue 28): a world has at most `per_world` deliveries in flight (its share of
the `workers` senders, so a world whose receiver hangs or trickles cannot hold them all), worlds are served
in turn, and each attempt has one deadline (the configuration's timeout: connect, headers and body,
transport.py). A delivery is never handed to a sender while this process is still sending it.

It visits only worlds with something to do: a world is *ready* when an event is recorded in it, an attempt
of its ends, or a clock move or the passage of time makes a delivery due (the hub's ticker, on the background
seam); a ready world whose due deliveries are all claimed leaves the ready set. Over a state file shared with
other worker processes it also looks at every subscribed world once every SWEEP_SECONDS (another process may
record events or move a clock, and a dead process's lease may run out); in memory nothing else can. Each delivery is
claimed in the store before it is sent (a lease that follows the attempt's deadline), so several worker
processes over one state file send each attempt once.
"""

from __future__ import annotations

import logging
import os
import secrets
import threading
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Protocol

from mocknexus.control.webhooks.sender import Sender
from mocknexus.store.base import StoreUnavailable

if TYPE_CHECKING:
    from mocknexus.control.worlds import World, Worlds
    from mocknexus.domain.webhooks.outbox import Outbox

log = logging.getLogger("mocknexus.webhooks")

SWEEP_SECONDS = 5.0  # the slow look at every subscribed world (other processes, leases run out)
LEASE_MARGIN_SECONDS = 10.0


def lease_seconds(deadline_seconds: float) -> float:
    """A claim's lease: twice the attempt's whole deadline plus a margin, so a live sender always ends its
    attempt (the transport enforces the deadline) long before its claim could be taken by another."""
    return deadline_seconds * 2 + LEASE_MARGIN_SECONDS


class Hub(Protocol):
    """What the dispatcher asks of the hub that owns it (hub.py's Webhooks)."""

    worlds: Worlds  # the registry (is its store shared with other processes: `persistent`)

    def subscribed_worlds(self) -> list[World]: ...

    def outbox(self, world: World) -> Outbox: ...


class Dispatcher:
    def __init__(self, hub: Hub, sender: Sender, *, workers: int = 16, per_world: int | None = None) -> None:
        self._hub = hub
        self._sender = sender
        self._workers = workers
        self.per_world = per_world or max(1, workers // 8)  # a world's share of the senders
        self.owner = f"{os.getpid()}-{secrets.token_hex(4)}"  # this process's name on the leases it takes
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._in_flight: dict[str, int] = {}  # client id -> deliveries being sent
        self._sending: set[tuple[str | None, str]] = set()  # (client id, delivery id) being sent by this process
        self._ready: OrderedDict[str, World] = OrderedDict()  # worlds with something perhaps due, in turn
        self._next_sweep = 0.0
        self._sweep_now = True  # the first sweep, and one asked for by wake(): every subscribed world, even in memory
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

    def wake(self, world: World | None = None) -> None:
        """Something may be due: in `world` (None: look at every subscribed world now)."""
        with self._lock:
            if world is None:
                self._next_sweep = 0.0
                self._sweep_now = True
            elif world.client_id is not None:
                self._ready[world.client_id] = world
        self._wake.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(max(0.0, min(SWEEP_SECONDS, self._next_sweep - time.monotonic())))
            self._wake.clear()
            try:
                self.pump()
            except StoreUnavailable as exc:  # the database restarting: a line, and the next tick tries again
                log.warning("webhook dispatcher waits for the store: %s", exc)
            except Exception:  # a bad tick (a reset racing a read) must not end background work for good
                log.exception("webhook dispatcher tick failed")

    def pump(self) -> None:
        """One round: claim and send what is due in the ready worlds (every subscribed one at a sweep), each
        up to its share of senders, in turn."""
        if time.monotonic() >= self._next_sweep:
            self._next_sweep = time.monotonic() + SWEEP_SECONDS
            sweep, self._sweep_now = self._sweep_now or self._hub.worlds.persistent, False
            for world in self._hub.subscribed_worlds() if sweep else []:
                if self._hub.outbox(world).has_pending():
                    with self._lock:
                        self._ready.setdefault(world.client_id, world)  # type: ignore[arg-type]
        with self._lock:
            turn = list(self._ready.items())
        for client_id, world in turn:
            with self._lock:
                free = self._workers - sum(self._in_flight.values())
                share = min(free, self.per_world - self._in_flight.get(client_id, 0))
            if free <= 0:
                return  # the rest wait for a sender (each attempt ends by its deadline, and wakes this loop)
            if share <= 0:
                continue  # this world's share is busy: it stays ready, after the others
            claimed = self._claim(world, share)
            with self._lock:
                if len(claimed) < share and self._ready.get(client_id) is world:
                    # Nothing more due now: an event, an attempt's end or a clock move makes it ready again.
                    del self._ready[client_id]
                else:
                    self._ready.move_to_end(client_id)  # served: the others first next round
            for delivery in claimed:
                assert self._pool is not None
                self._pool.submit(self._deliver, world, delivery)

    def _claim(self, world: World, limit: int) -> list[dict]:
        outbox = self._hub.outbox(world)
        if not outbox.has_pending():
            return []
        lease = lease_seconds(self._sender.deadline_seconds(outbox.config()))
        claimed = []
        for delivery in outbox.claim_due(world.clock.now(), time.time(), self.owner, lease, limit):
            with self._lock:
                if (world.client_id, delivery["id"]) in self._sending:
                    continue  # still being sent here (a lease cannot run out first, but never post twice)
                self._sending.add((world.client_id, delivery["id"]))
                self._in_flight[world.client_id] = self._in_flight.get(world.client_id, 0) + 1  # type: ignore[index]
            claimed.append(delivery)
        return claimed

    def _deliver(self, world: World, delivery: dict) -> None:
        try:
            outbox = self._hub.outbox(world)
            started = world.clock.now()  # the retry is scheduled from here, whatever the clock does meanwhile
            outcome = self._sender.send(delivery, outbox.config(), started.isoformat(), world.client_id)
            outbox.record_attempt(delivery["id"], outcome.attempt, outcome.delivered, started)
            world.notify()  # a wait on the outbox may be waiting for this
        except Exception:
            log.exception("webhook delivery %s failed to run", delivery.get("id"))
        finally:
            with self._lock:
                self._sending.discard((world.client_id, delivery["id"]))
                left = self._in_flight.get(world.client_id, 0) - 1  # type: ignore[arg-type]
                if left > 0:
                    self._in_flight[world.client_id] = left  # type: ignore[index]
                else:
                    self._in_flight.pop(world.client_id, None)  # type: ignore[arg-type]
                if world.client_id is not None:
                    self._ready[world.client_id] = world  # the next delivery for this member may now be due
            self._wake.set()
