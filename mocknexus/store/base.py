"""The storage interface: named tables of records by key, and a transaction that makes a read-modify-write atomic.

It knows nothing of the domain (imports flow domain -> store): records are opaque values. A store that
persists them (a later SQLite one) is handed an encoder/decoder by the domain instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import Any, Protocol


class Store(Protocol):
    def transaction(self) -> AbstractContextManager[None]:
        """Everything done inside is atomic with respect to every other transaction (re-entrant)."""

    def get(self, table: str, key: str) -> Any | None: ...

    def put(self, table: str, key: str, value: Any) -> None: ...

    def delete(self, table: str, key: str) -> None: ...

    def values(self, table: str) -> Iterator[Any]: ...

    def count(self, table: str) -> int: ...

    def clear(self) -> None: ...
