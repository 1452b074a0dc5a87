"""Counting the PostgreSQL store's round trips in a test: each statement list a store sends, as one string."""

from __future__ import annotations

import threading

from mocknexus.store.postgres import PostgresStore


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
