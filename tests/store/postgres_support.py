"""What the PostgreSQL store's own tests share: two stores on one database as two replicas, and a count of the
round trips a store sends, replicas that hear no other's commits, and bounded waits for what they hear (each other
starting, a commit)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from mocknexus.store.postgres import PostgresStore


def two_replicas(url: str, encode: Callable, decode: Callable) -> Iterator[tuple[Any, Any]]:
    """Two stores on the database at `url` (two replicas, in this process), each as client:a's partition; closed
    after the test (a fixture's body: `yield from two_replicas(...)`)."""
    one, two = PostgresStore(url, encode, decode), PostgresStore(url, encode, decode)
    try:
        met(one, two)
        yield one.partition("client:a"), two.partition("client:a")
    finally:
        one.close()
        two.close()


def counted_sends(monkeypatch) -> list[str]:
    """The round trips every PostgreSQL store sends from the calling thread from now on (a replica's background
    work, on threads of its own, is not counted), each as its statements joined by ";"."""
    sent: list[str] = []
    send, here = PostgresStore._send, threading.get_ident()

    def counted(self, conn, statements, *args, **kwargs):  # type: ignore[no-untyped-def]
        if threading.get_ident() == here:
            sent.append(";".join(sql for sql, _ in statements))
        return send(self, conn, statements, *args, **kwargs)

    monkeypatch.setattr(PostgresStore, "_send", counted)
    return sent


def deaf(*stores: Any) -> None:
    """Replicas that hear no other replica's commits from now on (store/postgres_notify.py): as if every
    notification to them were lost, so their copies fall behind and only the database's checks keep them right."""
    for store in stores:
        store._listener.close()


def met(*stores: Any) -> None:
    """Until each replica knows every other (store/postgres_notify.py: its commits are told to those it knows), as
    a replica learns of one that starts a moment after it has."""
    for store in stores:
        others = {other._listener.channel for other in stores if other is not store}
        heard(store, lambda store=store, others=others: others <= set(store._listener.peers))


def heard(store: Any, until: Callable[[], bool], seconds: float = 10.0) -> None:
    """Take in the store's notifications (as a request's scope does) until `until()` holds, for at most `seconds`:
    a notification arrives a moment after the commit that sent it."""
    deadline = time.monotonic() + seconds
    while True:
        store._listener.drain()
        if until():
            return
        assert time.monotonic() < deadline, "the notification did not arrive"
        time.sleep(0.002)
