"""Background work: what runs in each client world with no request, driven by that world's emulated clock.

Two kinds of work, both per world:
- tickers (`add_ticker`): a function run for a world to do whatever its clock has made due (the built-in
  one moves jobs whose step time has passed, `domain.timekeeping`); it answers the emulated instant it
  next wants to run, or None if only a change in the world (a call) can give it more to do;
- timed actions (`at`): one call at an emulated instant (a webhook delivery, its retry with backoff).

They run (1) at once, on the caller's thread, whenever a clock moves (`Clock.on_move`: a control-plane clock
advance, freeze or unfreeze, or a test's `clock.advance`): advancing a client's clock runs that world,
advancing the server's runs every world, so a test sees the effect as soon as the advance returns, with no
sleep; (2) every `interval` real seconds on a daemon thread (`start`/`stop`), for clocks that run with real
time; and (3) whenever a test calls `run_due()`. Over the memory store (whose every change this process
hears of: `Worlds.changed_since`) the daemon visits only the worlds changed since its last run in a way a ticker
reads (a call that only slid its session's expiry is not one) and those whose timer has come (a heap of each
world's next due instant, in real time): an idle server with 20 000 worlds visits none. Over a shared store it
walks every world, skipping one whose state has not changed and whose next due instant has not come. A request
thread never waits for it (request handlers do no background work).

Why the standard library's `sched` for timed actions: it takes any time function, so each world's queue runs
on that world's emulated clock, and `run(blocking=False)` runs exactly what is due and returns, which a
clock-move hook and a test can call. APScheduler (the usual choice) triggers on the wall clock and owns its
own threads; an emulated clock that jumps an hour in one call, and a test that must not sleep, fit neither.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import logging
import sched
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from mocknexus.control.leases import Lease
from mocknexus.control.worlds import World, Worlds
from mocknexus.domain.core import causes
from mocknexus.domain.core.clock import Clock
from mocknexus.store.base import StoreUnavailable

_log = logging.getLogger("mocknexus.background")

Ticker = Callable[[World], datetime | None]
Action = Callable[[], object]

# Over a shared store the sweep's holder hears of no change another process makes (no version moves here),
# so it runs every ticker this often: a job started on another replica moves by the clock within seconds.
SHARED_FULL_RUN_SECONDS = 2.0
_AT_LEAST = timedelta(seconds=1)  # the soonest the daemon looks again at a world with something due later
FULL_RUN_SECONDS = 30.0  # the daemon runs every ticker at least this often: another worker process's
# changes (a shared SQLite store) bump no version in this one


@dataclass
class _WorldWork:
    queue: sched.scheduler
    seen_version: int | None = None  # the world's version when its tickers last ran
    due: dict[str, datetime | None] = field(default_factory=dict)  # ticker name -> next emulated instant
    timer: float | None = None  # the real (monotonic) instant this world is next looked at by the daemon


class Background:
    def __init__(self, worlds: Worlds, interval: float = 1.0, lease: Lease | None = None) -> None:
        self.worlds = worlds
        self.interval = interval
        # Over a shared store (worker processes, replicas), the daemon's sweep runs in whichever process holds
        # this lease, so each world's clock-driven work runs once, not once per process; a clock move still runs
        # that world's work at once in the process that moved it (its changes are transactions: done once).
        self.lease = lease
        self._tickers: dict[str, Ticker] = {}
        self._work: weakref.WeakKeyDictionary[World, _WorldWork] = weakref.WeakKeyDictionary()
        self._work_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_full_run = time.monotonic()
        # Over a store whose every change is heard of here (memory), the daemon visits only the worlds changed
        # since its last run and those whose next due instant has come: a heap of (real instant, n, world).
        self._changes_seen = 0
        self._timers: list[tuple[float, int, World]] = []
        self._timer_ids = itertools.count()
        self._timers_lock = threading.Lock()
        worlds.clock.on_move(self._clock_moved)  # every client's clock runs over the server's

    # ---- registering work ------------------------------------------------------------------------------

    def add_ticker(self, name: str, ticker: Ticker) -> None:
        """Run `ticker(world)` for every client world when its clock moves and when it is due (see above)."""
        self._tickers[name] = ticker

    def at(self, world: World, when: datetime, action: Action) -> sched.Event:
        """Call `action()` once `world`'s clock reaches `when` (at the next run after it does)."""
        event = self._of(world).queue.enterabs(when.timestamp(), 0, action)
        self._schedule(world, when)
        return event

    def cancel(self, world: World, event: sched.Event) -> None:
        """Drop a timed action that has not run yet (one that has run, or is unknown, is ignored)."""
        with contextlib.suppress(ValueError):
            self._of(world).queue.cancel(event)

    def pending(self, world: World) -> list[sched.Event]:
        """The world's timed actions not yet run, soonest first."""
        return self._of(world).queue.queue

    # ---- running it ------------------------------------------------------------------------------------

    def run_due(self, world: World | None = None) -> None:
        """Run every ticker and every due timed action now: of one world, or of every client world."""
        for target in [world] if world is not None else self.worlds.all():
            self._run(target, force=True)

    def start(self) -> Background:
        """Run due work every `interval` real seconds on a daemon thread, until `stop` (or until this object
        is garbage: the thread holds it weakly, so a test's discarded app does not keep a thread busy)."""
        if self._thread is None and self.interval > 0:
            self._thread = threading.Thread(
                target=_loop, args=(weakref.ref(self), self._stop, self.interval), name="mocknexus-background"
            )
            self._thread.daemon = True
            self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _tick(self) -> None:
        """The daemon's run: every world, skipping tickers with nothing new and nothing due. A world with no
        change since its tickers last ran, no ticker due and no timed action is passed over at the cost of a
        few comparisons (with 20 000 idle worlds this loop is the idle server's work)."""
        if self.lease is not None and not self.lease.hold():
            return  # another process sweeps (for as long as it renews the lease)
        if self.worlds.tracks_changes:
            self._tick_due()
            return
        every = FULL_RUN_SECONDS if self.lease is None else SHARED_FULL_RUN_SECONDS
        force = time.monotonic() - self._last_full_run >= every
        if force:
            self._last_full_run = time.monotonic()
        for world in self.worlds.all():
            if not force and self._idle(world):
                continue
            self._run(world, force=force)

    def _tick_due(self) -> None:
        """The daemon's run over a store this process alone writes: the worlds changed since the last run
        (every ticker runs for them), and those whose timer has come (what is due runs). No other world is
        visited: an idle server with 20 000 worlds does nothing."""
        self._changes_seen, changed = self.worlds.changed_since(self._changes_seen)
        for world in changed:
            self._run(world, force=True)
        now = time.monotonic()
        due: list[World] = []
        with self._timers_lock:
            while self._timers and self._timers[0][0] <= now:
                at, _, world = heapq.heappop(self._timers)
                work = self._work.get(world)
                if work is not None and work.timer == at:  # not a timer since moved or already run
                    work.timer = None
                    due.append(world)
        for world in due:
            if self.worlds.is_registered(world):
                self._run(world, force=False)

    def _schedule(self, world: World, when: datetime | None) -> None:
        """Have the daemon look at `world` when its clock reaches `when` (in real time from now: a clock that
        is frozen then is looked at and put back; a clock move runs the world at once anyway)."""
        if when is None or world.client_id is None or not self.worlds.tracks_changes:
            return
        seconds = (when - world.clock.now()).total_seconds()
        at = time.monotonic() + max(seconds, 0.0)
        work = self._of(world)
        with self._timers_lock:
            if work.timer is not None and work.timer <= at:
                return  # an earlier look is already set: it sets the next one
            work.timer = at
            heapq.heappush(self._timers, (at, next(self._timer_ids), world))

    def _idle(self, world: World) -> bool:
        work = self._work.get(world)
        if work is None or world.version != work.seen_version or not work.queue.empty():
            return False
        dues = [due for due in work.due.values() if due is not None]
        return not dues or min(dues) > world.clock.now()

    def _clock_moved(self, clock: Clock) -> None:
        if clock is self.worlds.clock:
            self.run_due()
            return
        for world in self.worlds.all():
            if world.clock is clock:
                self._run(world, force=True)

    def _run(self, world: World, force: bool) -> None:
        """One world's due work. A change it makes names the request that moved the clock (a control-plane
        advance), or else `causes.CLOCK`: no request made it."""
        if causes.current() is None:
            binding = causes.bind(causes.CLOCK)
            try:
                self._run_world(world, force)
            finally:
                causes.unbind(binding)
        else:
            self._run_world(world, force)

    def _run_world(self, world: World, force: bool) -> None:
        work = self._of(world)
        now = world.clock.now()
        version = world.version
        changed = force or version != work.seen_version
        work.seen_version = version
        for name, ticker in list(self._tickers.items()):
            due = work.due.get(name)
            if changed or name not in work.due or (due is not None and due <= now):
                try:
                    work.due[name] = ticker(world)
                except Exception:  # one world's bad state must not fail a clock move or the thread
                    work.due[name] = None
                    _log.exception("background ticker %s failed for client %s", name, world.client_id)
        try:
            work.queue.run(blocking=False)
        except Exception:  # as above: the failed action is dropped, the rest run next time
            _log.exception("a background action failed for client %s", world.client_id)
        dues = [due for due in work.due.values() if due is not None]
        queue = work.queue.queue
        if queue:
            dues.append(datetime.fromtimestamp(queue[0].time, tz=now.tzinfo))
        if dues:
            # At least a second on: a clock that is frozen (or a due instant that does not move) is not
            # looked at on every run.
            self._schedule(world, max(min(dues), world.clock.now() + _AT_LEAST))

    def _of(self, world: World) -> _WorldWork:
        work = self._work.get(world)
        if work is None:
            with self._work_lock:
                work = self._work.get(world)
                if work is None:
                    clock = world.clock  # not the world: a queue holding its world would keep it alive
                    queue = sched.scheduler(lambda: clock.now().timestamp(), _no_delay)
                    work = self._work[world] = _WorldWork(queue)
        return work


class JobTicker:
    """The built-in ticker: every member's job moved to where the world's clock says (`advance_jobs`).

    `waive_polls(world)` says whether that world's client does without polling (a webhook subscriber):
    then steps that want reads end by time alone too. By default no world does, so a polling client still
    sees every status its scenario promises. A world that changed is told (`notify`), waking its waits.
    """

    def __init__(self, waive_polls: Callable[[World], bool] = lambda world: False) -> None:
        self.waive_polls = waive_polls

    def __call__(self, world: World) -> datetime | None:
        result = world.emulator.advance_jobs(waive_polls=self.waive_polls(world))
        if result.moved:
            world.notify()
        return result.next_due


class OAuthTicker:
    """OAuth members by the clock alone (`advance_oauth`): a bank's delayed answer lands, and a member left
    PENDING past MX's hour is removed, with no request; a world that changed is told, waking its waits."""

    def __call__(self, world: World) -> datetime | None:
        result = world.emulator.advance_oauth()
        if result.moved or result.removed:
            world.notify()
        return result.next_due


def _no_delay(seconds: float) -> None:
    """`sched`'s sleep: never called to wait (runs are non-blocking), only with 0 between actions."""


def _loop(ref: weakref.ref[Background], stop: threading.Event, interval: float) -> None:
    while not stop.wait(interval):
        background = ref()
        if background is None:
            return
        try:
            background._tick()
        except StoreUnavailable as exc:  # the database restarting: said once a run, in a line, then retried
            _log.warning("background work waits for the store: %s", exc)
        except Exception:  # the thread must outlive one bad run; the next run retries
            _log.exception("background work failed")
        del background
