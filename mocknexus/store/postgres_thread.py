"""A thread's state in the PostgreSQL store (store/postgres.py) and the context managers that enter it.

The state lives in a `threading.local` whose defaults are class attributes, so the reads ask for it without
getattr's default. A store view's `transaction()` is one object made with the view, not a generator per call:
its state is the thread's (re-entrant per thread), so every thread can enter the same object. A request enters
three to four transactions and one scope; contextlib's generator context manager cost a few microseconds each.
"""

from __future__ import annotations

import threading
from typing import Any

from mocknexus.store.postgres_cache import Key, Pending, Unsure, Version


class ThreadState(threading.local):
    """A thread's transaction and request scope in a store (`PostgresStore._local`)."""

    tx: Pending | None = None  # the thread's transaction
    depth = 0  # how deep in `transaction` it is
    scope: dict[str, Version] | None = None  # the request's confirmed partitions (`PostgresStore.scope`)
    optimistic = False  # whether the request's transactions lock nothing to read (its first run)
    first: tuple[str, Key] | None = None  # its first read (`_first_read`)
    ahead: tuple[str, Key] | None = None  # its first read in another partition
    used: Any = None  # whether that was the one read (`_followed`)
    unsure: Unsure | None = None  # what it read unconfirmed; None: it may not (postgres_cache.Unsure)
    judged: set[str] | None = None  # partitions it confirmed once already (`Copies.advance`'s `judge`)
    wrote = False  # whether it committed a write (`Scope.wrote`)
    sole: int | None = None  # the sole lease's generation when the request began, if held (postgres_sole.py)
    trips = 0  # round trips to the database since its request's scope opened (`Scope.trips`)


class Transaction:
    """`PostgresStore.transaction()`: entering and leaving it calls the store view's `_enter` and `_leave`."""

    __slots__ = ("_store",)

    def __init__(self, store: Any) -> None:
        self._store = store

    def __enter__(self) -> None:
        self._store._enter()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: Any) -> None:
        self._store._leave(failed=kind is not None)


class Scope:
    """`PostgresStore.scope()`: one request; a scope entered inside another is the outer one."""

    __slots__ = ("_opened", "_optimistic", "_store", "_trusting", "trips", "wrote")

    def __init__(self, store: Any, optimistic: bool, trusting: bool = False) -> None:
        self._store, self._optimistic, self._trusting, self._opened = store, optimistic, trusting, False
        self.wrote = True  # once it has ended: whether its request committed a write (True if not known)
        self.trips = 0  # once it has ended: the round trips its request made to the database

    def __enter__(self) -> None:
        self._opened = self._store._open_scope(self._optimistic, self._trusting)

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: Any) -> None:
        if self._opened:
            self.wrote, self.trips = self._store._local.wrote, self._store._local.trips
            self._store._close_scope(failed=kind is not None)
