"""Requests that wait without holding a worker thread: control-plane waits and latency faults.

A worker thread that sleeps through a 60 s wait or a 2 s injected latency is one the server cannot use:
eight of them (the default thread count) froze it, health check included. Instead, the app *parks* such a
request: it raises `Park`, saying until when and on which `Signal` it would like to be woken, and returns
the thread. The server (serving.py, under waitress) keeps the unanswered request on its connection, and a
single `ParkingLot` thread puts it back on the worker queue when its time comes or its signal fires;
a parked wait's own `check` (cheap, no HTTP) runs there first, so a wait goes back to a worker only once it
is satisfied or out of time. The request then runs again from the start, and finds in `Parking.state`
what its first run left there (the fault it took, its wait's deadline).

Under a server that cannot park (the Flask test client, werkzeug, gunicorn), nothing is in the environ
and the same calls block the thread as before.
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

PARKING_KEY = "mocknexus.parking"  # environ: this request's Parking, when the server can park it


class Signal:
    """Something parked requests can be woken by (a world's changes). `version` moves on every `fire`, so a
    request that saw version N and parks is woken at once if N is already past."""

    def __init__(self) -> None:
        self.version = 0
        self._lock = threading.Lock()
        self._callbacks: dict[int, Callable[[], None]] = {}

    def fire(self) -> None:
        self.version += 1
        if not self._callbacks:  # the common case: nobody parked; a racing subscribe sees the new version
            return
        with self._lock:
            callbacks, self._callbacks = self._callbacks, {}
        for callback in callbacks.values():
            callback()

    def subscribe(self, key: int, seen: int, callback: Callable[[], None]) -> None:
        """Call `callback` once on the next fire (or now, if the version is past `seen`); one per `key`."""
        with self._lock:
            if self.version == seen:
                self._callbacks[key] = callback
                return
        callback()


class Park(BaseException):
    """Raised by the app to hand its request back to the server until `until` (time.monotonic()), or until
    `signal` fires after `seen`; then `check` (if any) decides whether to run the request again or park on.

    A BaseException, so that no `except Exception` on the way (Flask's error handlers among them) answers it.
    """

    def __init__(
        self,
        until: float,
        signal: Signal | None = None,
        seen: int = 0,
        check: Callable[[], bool] | None = None,
        recheck: float = 1.0,
        deadline: float | None = None,
        min_interval: float = 0.0,
    ) -> None:
        super().__init__(until)
        self.until = until
        self.signal = signal
        self.seen = seen
        self.check = check
        self.recheck = recheck
        self.deadline = until if deadline is None else deadline  # past it, the request runs again regardless
        self.min_interval = min_interval  # between two checks woken by the signal (coalesces bursts of calls)
        self.checked_at = time.monotonic()  # the app checked just before parking


class Parking:
    """One request's state across its runs."""

    def __init__(self) -> None:
        self.state: dict[str, Any] = {}
        self.runs = 0


def pause(environ: dict, seconds: float, key: str = "paused_until") -> None:
    """Let `seconds` pass before the request goes on: parked if the server can park it, else asleep."""
    parking: Parking | None = environ.get(PARKING_KEY)
    if parking is None:
        time.sleep(seconds)
        return
    until = parking.state.setdefault(key, time.monotonic() + seconds)
    if time.monotonic() < until:
        raise Park(until)


def wait_until(
    environ: dict,
    signal: Signal,
    check: Callable[[], tuple[bool, T]],
    timeout: float,
    recheck: float,
    blocking: Callable[[Callable[[], tuple[bool, T]], float, float], tuple[bool, T]],
    min_interval: float = 0.0,
) -> tuple[bool, T]:
    """(done, value) once `check` says done or `timeout` passes; parked in between if the server can,
    else `blocking(check, timeout, recheck)`. `check` runs again when `signal` fires, and at least every
    `recheck` seconds (time moves jobs on without a call)."""
    parking: Parking | None = environ.get(PARKING_KEY)
    if parking is None:
        return blocking(check, timeout, recheck)
    deadline = parking.state.setdefault("deadline", time.monotonic() + timeout)
    seen = signal.version
    done, value = check()
    now = time.monotonic()
    if done or now >= deadline:
        return done, value
    raise Park(
        min(deadline, now + recheck),
        signal,
        seen,
        check=lambda: check()[0],
        recheck=recheck,
        deadline=deadline,
        min_interval=min_interval,
    )


class ParkingLot:
    """Parked requests and the one thread that wakes them. `resume(handle)` puts a request back on the
    server's worker queue; a handle is parked at most once at a time (a later park replaces the earlier)."""

    def __init__(self, resume: Callable[[Any], None]) -> None:
        self._resume = resume
        self._cv = threading.Condition()
        self._timers: list[tuple[float, int, Any, object]] = []
        self._parked: dict[int, tuple[object, Park]] = {}  # id(handle) -> (ticket, park)
        self._tickets = itertools.count()
        self._thread: threading.Thread | None = None

    def __len__(self) -> int:
        return len(self._parked)

    def park(self, handle: Any, park: Park) -> None:
        ticket = object()
        with self._cv:
            self._parked[id(handle)] = (ticket, park)
            heapq.heappush(self._timers, (park.until, next(self._tickets), handle, ticket))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="mocknexus-parking", daemon=True)
                self._thread.start()
            self._cv.notify()
        if park.signal is not None:
            park.signal.subscribe(id(handle), park.seen, lambda: self._due(handle, ticket, woken=True))

    def _due(self, handle: Any, ticket: object, woken: bool) -> None:
        with self._cv:
            parked = self._parked.get(id(handle))
            if parked is None or parked[0] is not ticket:
                return  # already resumed, or parked again since
            park = parked[1]
            now = time.monotonic()
            if woken and park.min_interval and now < park.checked_at + park.min_interval < park.deadline:
                # Woken too soon after the last check: check once the interval is over (the timer below).
                heapq.heappush(self._timers, (park.checked_at + park.min_interval, next(self._tickets), handle, ticket))
                self._cv.notify()
                return
            del self._parked[id(handle)]
        if park.check is not None and now < park.deadline:
            seen = park.signal.version if park.signal is not None else 0
            try:
                done = park.check()
            except Exception:
                done = True  # the request's own run reports it
            if not done:
                again = Park(
                    min(park.deadline, time.monotonic() + park.recheck),
                    park.signal,
                    seen,
                    park.check,
                    park.recheck,
                    park.deadline,
                    park.min_interval,
                )
                again.checked_at = now
                self.park(handle, again)
                return
        self._resume(handle)

    def _run(self) -> None:
        while True:
            with self._cv:
                while not self._timers or self._timers[0][0] > time.monotonic():
                    self._cv.wait(None if not self._timers else self._timers[0][0] - time.monotonic())
                _, _, handle, ticket = heapq.heappop(self._timers)
            self._due(handle, ticket, woken=False)
