"""A read-only view of a store, for state every client shares (MX's static test fixtures).

The domain runs over it unchanged: inside a transaction, writes land in a scratch layer the same transaction
reads back, so an operation answers as it would anywhere (a verify shows its job starting), and the layer
is thrown away when the outermost transaction ends. Records are copied on the way out, so nothing a caller
mutates in place reaches the shared ones.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from mocknexus.store.base import Store

_GONE = object()


class ReadOnlyView:
    def __init__(self, base: Store) -> None:
        self._base = base
        self._local = threading.local()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        local = self._local
        depth = getattr(local, "depth", 0)
        if depth == 0:
            local.scratch = {}
        local.depth = depth + 1
        try:
            with self._base.transaction():
                yield
        finally:
            local.depth -= 1
            if local.depth == 0:
                local.scratch = None

    def _scratch(self) -> dict[tuple[str, str], Any] | None:
        return getattr(self._local, "scratch", None)

    def get(self, table: str, key: str) -> Any | None:
        scratch = self._scratch()
        if scratch is not None and (table, key) in scratch:
            value = scratch[(table, key)]
            return None if value is _GONE else value
        value = copy.deepcopy(self._base.get(table, key))
        if scratch is not None and value is not None:
            scratch[(table, key)] = value  # the same object for the rest of the transaction
        return value

    def put(self, table: str, key: str, value: Any) -> None:
        scratch = self._scratch()
        if scratch is not None:
            scratch[(table, key)] = value

    def delete(self, table: str, key: str) -> None:
        scratch = self._scratch()
        if scratch is not None:
            scratch[(table, key)] = _GONE

    def values(self, table: str) -> Iterator[Any]:
        return (value for _, value in self.items(table))

    def shared_values(self, table: str) -> Iterator[Any]:
        return self.values(table)

    def items(self, table: str) -> Iterator[tuple[str, Any]]:
        scratch = self._scratch() or {}
        base = [(key, self.get(table, key)) for key, _ in self._base.items(table) if (table, key) not in scratch]
        added = [(key, v) for (t, key), v in scratch.items() if t == table and v is not _GONE]
        return iter([*base, *added])

    def count(self, table: str) -> int:
        return sum(1 for _ in self.values(table))

    def generation(self) -> None:
        return None  # a transaction's scratch writes are its own

    def clear(self) -> None:
        raise PermissionError("a read-only view cannot be cleared")

    def partition(self, name: str) -> Store:
        raise PermissionError("a read-only view has no partitions")
