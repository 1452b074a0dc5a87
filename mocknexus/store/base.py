"""The storage interface: named tables of records by key, and a transaction that makes a read-modify-write atomic.

It knows nothing of the domain (imports flow domain -> store): records are opaque values. A store that
persists them (SQLite) is handed an encoder/decoder by the domain instead.

A store can be partitioned: `partition(name)` is a store of its own tables (one per MX client id), so two
partitions never see each other's records, and `clear()` on a partition empties that partition alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import Any, Protocol


class StoreUnavailable(Exception):
    """The store cannot be reached now (a database restarting, a network cut): the call is answered with MX's
    503 and may be tried again. Its message names where the store is, never a password."""


class WorldMoved(BaseException):
    """An optimistic transaction (store/postgres.py: one that took no lock to read) found that another writer
    changed what it had read: nothing of it was written. Raised only in a request scope that allows it, whose
    request has written nothing yet: the web layer runs the request again, locking as it reads (app.py). A
    BaseException, so that no `except Exception` on the way (Flask's error handlers) turns it into an answer."""


class StaleCopy(WorldMoved):
    """WorldMoved where what a request's first run read from a replica's copy of a world before the database
    confirmed it (store/postgres_cache.Unsure) is stale, or may be: the web layer runs it again confirming its
    reads as it makes them, without locks (a run that then finds its world moved is run once more, with them)."""


class SchemaTooNew(RuntimeError):
    """The store's schema was written by a newer mocknexus: this one cannot know what it means, and refuses it."""


class Store(Protocol):
    def transaction(self) -> AbstractContextManager[None]:
        """Everything done inside is atomic with respect to every other transaction (re-entrant)."""

    def get(self, table: str, key: str) -> Any | None: ...

    def put(self, table: str, key: str, value: Any) -> None: ...

    def delete(self, table: str, key: str) -> None: ...

    def values(self, table: str) -> Iterator[Any]: ...

    def shared_values(self, table: str) -> Iterator[Any]:
        """`values`, for a caller that changes none of them (a sweep looking for what the clock moves): a store
        that hands out a copy per read may hand out what it keeps instead."""
        ...

    def items(self, table: str) -> Iterator[tuple[str, Any]]: ...

    def count(self, table: str) -> int: ...

    def generation(self) -> int | None:
        """A number that moves on every write to this store's own records (not its partitions'), so that what
        was derived from them can be kept until it moves; None if this store cannot tell (another process
        may write to it)."""

    def clear(self) -> None:
        """Empty this store: a root store with every partition, a partition alone."""

    def partition(self, name: str) -> Store:
        """The store of partition `name` (the same one each time it is asked for)."""

    def drop_partition(self, name: str) -> None:
        """Forget partition `name` and its records (of a root store)."""
