"""The PostgreSQL store's transactions that lock as they read (store/postgres.py): their round trips.

A transaction outside a request's first run (its second run, a request that has written, the background's clock
work, webhooks) takes each partition's row `FOR UPDATE` with its first read there, in the same round trip as that
read and as BEGIN if it is its first; with each lock goes a read of the records changed since this replica's copy
of that partition (postgres_changes.py), so the copy is the database's under the lock.
"""

from __future__ import annotations

from typing import Any

import psycopg_pool

from mocknexus.store.base import StoreUnavailable
from mocknexus.store.postgres_cache import Copies, Pending, Version
from mocknexus.store.postgres_changes import brought, changes_statement
from mocknexus.store.postgres_sql import CREATE, LOCK, Statement


class LockingReads:
    """PostgresStore's locking transactions' round trips: a mixin, using the store's copies, pool, `_send`,
    `_unavailable`, `_drop_dead` and `_judge`."""

    _copies: Copies
    _pool: psycopg_pool.ConnectionPool
    _send: Any
    _unavailable: Any
    _drop_dead: Any
    _judge: Any

    def _in_transaction(self, pending: Pending, statements: list[Statement]) -> list[list[tuple]]:
        """Statements (reads) in the thread's transaction, after BEGIN if it is its first and the locks it still
        needs, all in one round trip. With each lock goes a read of the records changed since this replica's
        copy of that world, answered only if it moved since (another replica wrote): the copy is brought up to
        date at once instead of a round trip per record (postgres_changes.py)."""
        began = pending.conn is None
        wanted = [name for name in pending.wanted if name not in pending.locked]
        prologue: list[Statement] = [("BEGIN", ())] if began else []
        knowns: list[Version | None] = []
        for name in wanted:
            kept = self._copies.current(name)
            knowns.append(kept.version if kept is not None else None)
            prologue.append((LOCK, (name,)))
            if knowns[-1] is not None:
                prologue.append(changes_statement(name, knowns[-1]))
        rows = self._send_in(pending, prologue + statements, began)
        answers = rows[len(prologue) :]
        found_rows = iter(rows[int(began) : len(prologue)])
        pending.wanted.clear()
        again = False
        for name, known in zip(wanted, knowns, strict=True):
            found = next(found_rows)
            changed = next(found_rows)[0] if known is not None else (0, 0, False, None, None)
            if not found:  # a partition never written: its row made now, then locked; the reads sent again
                self._send(pending.conn, [(CREATE, (name,))])  # type: ignore[arg-type]
                found = self._send(pending.conn, [(LOCK, (name,))])[0]  # type: ignore[arg-type]
                again, known = True, None
            version: Version = (found[0][0], found[0][1])
            pending.locked[name] = version
            # The changes were read under the lock: the world as it is now.
            self._copies.advance(name, known, version, brought(changed[2], changed[4]), self._judge(name))
        if again and statements:
            answers = self._send(pending.conn, statements)  # type: ignore[arg-type]
        return answers

    def _send_in(self, pending: Pending, statements: list[Statement], began: bool) -> list[list[tuple]]:
        """Statements on the transaction's connection; when they begin it (`began`), on a pooled connection, and
        once more on another if that one was dead (the database restarted since it was pooled): nothing of the
        transaction had reached the database."""
        for attempt in (1, 2):
            if began:
                try:
                    pending.conn = self._pool.getconn()
                except psycopg_pool.PoolTimeout as exc:
                    raise self._unavailable(exc) from None
            try:
                return self._send(pending.conn, statements)  # type: ignore[arg-type]
            except StoreUnavailable:
                conn = pending.conn
                if not began or attempt == 2 or conn is None or not conn.broken:
                    raise
                pending.conn = None
                self._pool.putconn(conn)
                self._drop_dead()
        raise AssertionError("unreachable")
