"""The default store: dicts in this process, guarded by one re-entrant lock per partition."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any


class MemoryStore:
    def __init__(self, name: str | None = None) -> None:
        self.name = name  # a partition's name (None: a root store)
        self._lock = threading.RLock()
        self._tables: dict[str, dict[str, Any]] = {}
        self._partitions: dict[str, MemoryStore] = {}
        self._generation = 0  # moves on every write: see `generation`
        # Told after every write to this store's records, with its name and the table (None: every table), so
        # that the registry keeps which worlds hold what (one callable for every partition: nothing per world).
        self.on_write: Callable[[str | None, str | None], None] | None = None

    def transaction(self) -> AbstractContextManager[None]:
        # One lock for a partition's whole state: every domain operation is a few dict operations, so finer
        # locks would buy little and risk the cross-record races (session -> user -> member) they exist to
        # stop. Partitions (client ids) have a lock each: parallel test runs do not queue behind each other.
        return self._lock  # type: ignore[return-value]

    def get(self, table: str, key: str) -> Any | None:
        return self._tables.get(table, {}).get(key)

    def put(self, table: str, key: str, value: Any) -> None:
        with self._lock:
            self._tables.setdefault(table, {})[key] = value
            self._generation += 1
        if self.on_write is not None:
            self.on_write(self.name, table)

    def delete(self, table: str, key: str) -> None:
        with self._lock:
            self._tables.get(table, {}).pop(key, None)
            self._generation += 1
        if self.on_write is not None:
            self.on_write(self.name, table)

    def values(self, table: str) -> Iterator[Any]:
        with self._lock:
            snapshot = list(self._tables.get(table, {}).values())
        return iter(snapshot)

    def shared_values(self, table: str) -> Iterator[Any]:
        return self.values(table)

    def items(self, table: str) -> Iterator[tuple[str, Any]]:
        with self._lock:
            snapshot = list(self._tables.get(table, {}).items())
        return iter(snapshot)

    def count(self, table: str) -> int:
        return len(self._tables.get(table, {}))

    def generation(self) -> int:
        """Moves on every write to this partition's records (its own, not its partitions')."""
        return self._generation

    def clear(self) -> None:
        with self._lock:
            self._tables.clear()
            self._generation += 1
            # Partitions are dropped, not cleared: clearing one would take its lock under this one, while a
            # partition's transaction may be waiting for this lock (to index a token): a deadlock.
            self._partitions = {}
        if self.on_write is not None:
            self.on_write(self.name, None)

    def partition(self, name: str) -> MemoryStore:
        part = self._partitions.get(name)
        if part is None:
            with self._lock:
                part = self._partitions.setdefault(name, MemoryStore(name))
        return part

    def drop_partition(self, name: str) -> None:
        """Forget partition `name` and its records (a client id's world dropped from the registry)."""
        with self._lock:
            self._partitions.pop(name, None)
