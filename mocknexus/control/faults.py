"""Injected faults: per method and path pattern, a latency, an error status, or a dropped connection,
always or with a probability, forever or for the next N matching calls.

Each MX client id has its own faults; the server's own (added at /__admin/faults) apply to every call.
"""

from __future__ import annotations

import fnmatch
import itertools
import random
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass


@dataclass
class Fault:
    id: str
    path: str  # glob: "/members/*/verify"; "*" matches across slashes too
    method: str = "*"
    status: int | None = None  # answer with this status and MX's error body
    message: str | None = None
    latency_ms: int = 0  # wait this long first (alone: the call then proceeds normally)
    drop: bool = False  # close the connection without an answer
    probability: float = 1.0
    count: int | None = None  # how many more calls it applies to; None: unlimited
    hits: int = 0
    client_id: str | None = None  # the client id whose calls it applies to; None: every call

    def matches(self, method: str, path: str) -> bool:
        return (self.method == "*" or self.method == method) and fnmatch.fnmatchcase(path, self.path)

    @property
    def exhausted(self) -> bool:
        return self.count is not None and self.count <= 0


class Faults:
    def __init__(
        self,
        seed: int = 0,
        *,
        client_id: str | None = None,
        server: Faults | None = None,
        ids: Iterator[int] | None = None,
    ) -> None:
        self._lock = threading.Lock()
        self._rules: list[Fault] = []
        self._ids = ids or itertools.count(1)  # shared by every client's faults: a fault id names one fault
        self._seed = seed
        self._rng = random.Random(seed)  # seeded: "fail 30% of calls" fails the same calls every run
        self.client_id = client_id
        self._server = server  # the server's faults, tried before this client's own
        # Told (with these faults) after faults are added or removed: the registry's, one for every world.
        self.on_change: Callable[[Faults], None] | None = None

    def add(self, **spec: object) -> Fault:
        with self._lock:
            fault = Fault(id=f"FLT-{next(self._ids)}", client_id=self.client_id, **spec)  # type: ignore[arg-type]
            self._rules.append(fault)
        if self.on_change is not None:
            self.on_change(self)
        return fault

    def list(self) -> list[Fault]:
        with self._lock:
            return list(self._rules)

    def remove(self, fault_id: str) -> bool:
        with self._lock:
            before = len(self._rules)
            self._rules = [f for f in self._rules if f.id != fault_id]
            removed = len(self._rules) != before
        if removed and self.on_change is not None:
            self.on_change(self)
        return removed

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()
            self._rng = random.Random(self._seed)
        if self.on_change is not None:
            self.on_change(self)

    def take(self, method: str, path: str) -> Fault | None:
        """The first live fault for this call (the server's, then this client's), counted as used; None if no
        fault fires."""
        server = self._server
        if server is not None and server._rules:
            fault = server.take(method, path)
            if fault is not None:
                return fault
        if not self._rules:  # the usual case, on every request: no lock needed to see an empty list
            return None
        with self._lock:
            for fault in self._rules:
                if fault.exhausted or not fault.matches(method, path):
                    continue
                if fault.probability < 1.0 and self._rng.random() >= fault.probability:
                    continue
                fault.hits += 1
                if fault.count is not None:
                    fault.count -= 1
                return fault
            return None
