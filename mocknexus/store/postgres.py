"""The shared store: one PostgreSQL database, for several mocknexus replicas (on several machines) at once.

It follows the SQLite store's seams (sqlite.py): one table of records by (table, key), values as text made by
the encoder the domain hands in, a partition as a prefix on the table name. Each partition (a client's world,
the shared world, the root's indexes) has a row in `partitions` whose version moves with every write to it.

In a request's first run (`scope(optimistic=True)`, web/request_scope.py) a transaction locks nothing to read:
one that wrote nothing sends nothing to end; one that wrote locks the partitions it touched in its COMMIT's round
trip and checks there that what it read is still so, else WorldMoved (nothing written) and the request is run
again. Otherwise (that second run, a request that has written, work outside requests) a transaction locks its
partition's row as it reads (`SELECT ... FOR UPDATE`, postgres_locked.py): read-modify-writes of one world
serialize across replicas as the memory store's lock per partition serializes them within one process, and two
worlds never wait for each other. A transaction entering another partition's transaction locks that one too (a
client's world, then the root's). Its writes are sent with its COMMIT, in one round trip.

A replica keeps the records it has read, per partition, with the version they were read at, and answers from
them only when the database has confirmed that version in the request (postgres_cache.py says how, and why that
cannot go stale): a member read is a few round trips, not one per record. A request's first run may read a
trusted copy before the database confirms it (`scope(trusting=True)`, postgres_cache.Unsure): its first commit,
or one check before its answer is passed on (`confirm_reads`), confirms what it read, else StaleCopy. A read
of a partition another replica wrote since the copy brings every record changed since, in its round trip
(postgres_changes.py). Each commit also tells the other replicas what it wrote, so their copies are current
before the next call reaches them (postgres_notify.py); nothing rests on that but round trips saved.

Connections come from a psycopg_pool pool (postgres_wire.py sends on them). When the database goes away (a restart,
a network cut) an operation raises `StoreUnavailable`, which the web layer answers as MX's 503; a connection found
dead when a transaction or a lone read starts is replaced and the operation tried once more, so replicas recover by
themselves.

Opening the store (postgres_open.py) brings an older schema up to date and refuses a newer one.
A replica alone on its database answers reads from its copies with no round trip (postgres_sole.py).
"""

from __future__ import annotations

import contextlib
import copy
import urllib.parse
import weakref
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any

import psycopg
from psycopg import conninfo

from mocknexus.store.base import WorldMoved
from mocknexus.store.postgres_cache import Copies, Pending, Unsure, Version
from mocknexus.store.postgres_changes import BUMP, CLEAR_TOMBSTONES, CLEARED
from mocknexus.store.postgres_checks import Checks
from mocknexus.store.postgres_decoded import Decoded
from mocknexus.store.postgres_locked import LockingReads
from mocknexus.store.postgres_notify import Listener, Notified
from mocknexus.store.postgres_open import open_pool
from mocknexus.store.postgres_reads import MISS, LockFreeReads
from mocknexus.store.postgres_sole import SoleLease, replica_name, wait_out
from mocknexus.store.postgres_sql import (
    EPOCH,
    GET,
    RELEASE_LEASE,
    TABLE,
    TAKE_LEASE,
    first,
    partition_of,
    write_statement,
    write_statements,
)
from mocknexus.store.postgres_thread import Scope, ThreadState, Transaction
from mocknexus.store.postgres_wire import Connections, exchange
from mocknexus.store.redaction import redact

Encode = Callable[[str, Any], str]
Decode = Callable[[str, str], Any]

POOL_SIZE = 24  # request threads (8 by default), the background thread, the webhook dispatcher and its senders


class PostgresStore(Notified, Connections, Checks, LockFreeReads, LockingReads):
    def __init__(
        self, url: str, encode: Encode, decode: Decode, *, pool_size: int = POOL_SIZE, sole: bool = True
    ) -> None:
        self.display = redact(url)
        self._secret = conninfo.conninfo_to_dict(url).get("password") or None
        self._encode = encode
        self._decode = decode
        self._local = ThreadState()  # the thread's transaction (`tx`, `depth`) and request scope (`scope`)
        self._copies = Copies()  # what this replica read, per partition (postgres_cache.py)
        self._decoded = Decoded(decode)  # records decoded, by their text, handed out as copies
        self._prepared: weakref.WeakSet[psycopg.Connection] = weakref.WeakSet()  # those with PREPARE_ALL done
        self._prefix = ""  # a partition's: "<quoted name>/", as in sqlite.py
        self.replica = replica_name()
        self._pool = open_pool(url, pool_size, self.display, self._scrub, self.replica)
        # Other replicas' commits (postgres_notify.py), their records decoded as they arrive.
        self._listener = Listener(url, self._copies, self.replica, self._send_aside, self._decoded.warm)
        self._transaction = Transaction(self)  # `transaction()`, for every thread (its state is the thread's)
        with self._pool.connection() as conn:  # a replica joining waits for one alone before to see it and go
            wait_out(self.replica, lambda text: exchange(conn, text))
        self._sole = SoleLease(self.replica, self._send_aside, self._copies, enabled=sole)  # postgres_sole.py

    # ---- transactions and request scopes -----------------------------------------------------------------

    def scope(self, optimistic: bool = False, trusting: bool = False) -> AbstractContextManager[None]:
        """One HTTP request (app.py wraps each in one): a partition whose version a read in it has confirmed is
        not asked about again by a read outside a transaction in it (postgres_cache.py says why that is safe).
        `optimistic`: its transactions lock nothing to read, until it has written (`_commit_optimistic`).
        `trusting` (optimistic too): until then its reads may answer from a trusted copy before the database
        confirms it, checked at its first commit or before its answer (`confirm_reads`; StaleCopy if stale)."""
        return Scope(self, optimistic or trusting, trusting)

    def _open_scope(self, optimistic: bool, trusting: bool = False) -> bool:
        local = self._local
        if local.scope is not None:
            return False
        self._listener.drain()  # other replicas' commits arrived so far: the copies current before it reads
        local.scope, local.optimistic = {}, optimistic
        local.sole = self._sole.held() if optimistic else None  # alone: its copies answer, unchecked
        trusting = trusting or local.sole is not None
        # Its first read, the first in another partition, and whether that was the one read (`_first_read`).
        local.first = local.ahead = local.used = None
        local.unsure = Unsure() if trusting else None  # what it reads unconfirmed (postgres_cache.Unsure)
        local.judged, local.wrote, local.trips = set(), False, 0
        return True

    def _close_scope(self, failed: bool = False) -> None:
        local = self._local
        try:
            if not failed:
                self.confirm_reads()  # done already before the answer (web/request_scope.py); WorldMoved if stale
        finally:
            local.scope, local.optimistic, local.unsure, local.judged, local.sole = None, False, None, None, None
        if isinstance(local.used, tuple):
            self._copies.learn(local.first, local.used)

    def _wrote(self) -> None:
        """Something was committed in this request: from now on its transactions lock as they read (WorldMoved,
        which runs the request again, would repeat what is written), and its reads are confirmed."""
        local = self._local
        local.optimistic, local.unsure, local.wrote = False, None, True

    def transaction(self) -> AbstractContextManager[None]:
        """Re-entrant per thread, across partitions: one database transaction, begun at its first read (with
        the lock of every partition whose transaction was entered) or at its commit; an operation that needs
        nothing from the store costs no round trip."""
        return self._transaction

    def _enter(self) -> None:
        local = self._local
        depth = local.depth
        if depth:
            pending: Pending = local.tx  # type: ignore[assignment]
            if pending.optimistic:
                pass  # locks only at its commit
            elif self._prefix not in pending.locked and self._prefix not in pending.wanted:
                pending.wanted.append(self._prefix)  # locked by the next statement sent
            local.depth = depth + 1
            return
        pending = local.tx = Pending()
        pending.optimistic = local.optimistic
        if not pending.optimistic:
            pending.wanted.append(self._prefix)
        local.depth = 1

    def _leave(self, failed: bool) -> None:
        local = self._local
        if local.depth > 1:
            local.depth -= 1
            return
        pending: Pending = local.tx  # type: ignore[assignment]
        try:
            if not failed:
                self._commit(pending)
            elif pending.conn is not None and not pending.conn.broken:
                with contextlib.suppress(psycopg.Error):  # died meanwhile: the server rolled it back
                    pending.conn.execute("ROLLBACK")
        finally:
            local.tx, local.depth = None, 0
            if pending.conn is not None:
                self._pool.putconn(pending.conn)  # a broken connection is discarded, not reused

    def _pending(self) -> Pending | None:
        return self._local.tx

    def _commit(self, pending: Pending) -> None:
        """Send the transaction's writes and every written partition's new version with its COMMIT (one round
        trip); then this replica's copies follow."""
        if pending.optimistic:
            self._commit_optimistic(pending)
            return
        if not pending.written:
            if pending.conn is not None:
                self._send(pending.conn, [("COMMIT", ())])
            return
        names = sorted(pending.written)  # rows always locked in one order
        began = pending.conn is None
        statements = [("BEGIN", ())] if began else []
        statements += [(BUMP, (name,)) for name in names]
        statements += write_statements(pending.writes)
        statements += [] if pending.cleared else self._notices(names, pending.writes)
        rows = self._send_in(pending, [*statements, ("COMMIT", ())], began)
        versions = rows[int(began) : int(began) + len(names)]
        scope = getattr(self._local, "scope", None)
        for name, found in zip(names, versions, strict=True):
            after: Version = (found[0][0], found[0][1])
            if pending.cleared:
                self._copies.forget(name)
            else:
                writes = {key: text for key, text in pending.writes.items() if partition_of(key[0]) == name}
                self._copies.committed(name, (after[0] - 1, after[1]), after, writes)
            if scope is not None:
                scope[name] = after
        if EPOCH in pending.written:
            self._copies.forget()
        self._wrote()

    def _text(self, name: str, key: str) -> str | None:
        """A record's stored text (None: absent), from the transaction's writes, this replica's copy of the
        partition when the database has confirmed it, or the database."""
        pending, part, wanted = self._local.tx, self._prefix, (name, key)
        if pending is None:
            return (self._kept_text(part, wanted) or self._unlocked_text(part, wanted, None))[0]
        if wanted in pending.writes:
            return pending.writes[wanted]
        if pending.optimistic:  # no lock: the record with its partition's version, checked at commit if it writes
            text, version = self._kept_text(part, wanted) or self._unlocked_text(part, wanted, None)
            if pending.seen.setdefault(part, version) != version:
                self._saw(pending, part, version)  # raises WorldMoved
            pending.read.setdefault(wanted, text)
            return text
        if pending.cleared:
            return first(self._in_transaction(pending, [(GET, wanted)])[0])
        if part in pending.locked:
            copy = self._copies.at(part, pending.locked[part])
            if wanted in copy.records:
                return copy.records[wanted]
            text = first(self._in_transaction(pending, [(GET, wanted)])[0])
            copy.records[wanted] = text
            return text
        if part in pending.wanted:  # its lock and the read in one round trip
            text = first(self._in_transaction(pending, [(GET, wanted)])[0])
            self._copies.at(part, pending.locked[part]).records[wanted] = text
            return text
        return self._unlocked_text(part, wanted, pending)[0]

    def _table_texts(self, table: str) -> dict[str, str]:
        """Every record of a table as key -> text (a fresh dict), as `_text` finds one."""
        pending, part, name = self._pending(), self._prefix, self._prefix + table
        if pending is None:
            found = self._unlocked_table(part, name, None)[0]
        elif pending.optimistic:  # no lock: the table with its partition's version, which its commit checks
            found, version = self._unlocked_table(part, name, None)
            self._saw(pending, part, version)
            pending.whole.add(part)
        elif pending.cleared:
            found = dict(self._in_transaction(pending, [(TABLE, (name,))])[0])  # type: ignore[arg-type]
        elif part in pending.locked or part in pending.wanted:
            copy = self._copies.at(part, pending.locked[part]) if part in pending.locked else None
            kept = copy.tables.get(name) if copy is not None else None
            if kept is None:
                kept = dict(self._in_transaction(pending, [(TABLE, (name,))])[0])  # type: ignore[arg-type]
                self._copies.at(part, pending.locked[part]).tables[name] = kept
            found = dict(kept)
        else:
            found = self._unlocked_table(part, name, pending)[0]
        if pending is not None:
            for (table_name, key), text in pending.writes.items():
                if table_name == name:
                    if text is None:
                        found.pop(key, None)
                    else:
                        found[key] = text
        return found

    def _store(self, name: str, key: str, text: str | None) -> None:
        """Write (None: delete) a record: kept for the transaction's commit, or at once in a transaction of its
        own that moves the partition's version."""
        pending, part = self._pending(), self._prefix
        if pending is None and self._local.unsure is not None and self._local.unsure.versions:
            pending = Pending()  # what the request read unconfirmed is checked with this write (`_commit_optimistic`)
            pending.optimistic = True
            pending.written.add(part)
            pending.writes[(name, key)] = text
            self._commit_optimistic(pending)
            return
        if pending is None:
            writes = {(name, key): text}
            notices = self._notices([part], writes)
            rows = self._alone([("BEGIN", ()), (BUMP, (part,)), *write_statements(writes), *notices, ("COMMIT", ())])
            after: Version = (rows[1][0][0], rows[1][0][1])
            self._copies.committed(part, (after[0] - 1, after[1]), after, writes)
            self._wrote()
            return
        pending.written.add(part)
        if pending.cleared:  # after a clear in this transaction every statement goes to the database
            self._in_transaction(pending, [write_statement((name, key), text)])
        else:
            pending.writes[(name, key)] = text

    def get(self, table: str, key: str) -> Any | None:
        text = self._fast_text(self._prefix + table, key)
        if text is MISS:
            text = self._text(self._prefix + table, key)
        return None if text is None else self._decoded.value(table, text)

    def put(self, table: str, key: str, value: Any) -> None:
        text = self._encode(table, value)
        self._store(self._prefix + table, key, text)
        self._decoded.keep(table, text, value)

    def delete(self, table: str, key: str) -> None:
        self._store(self._prefix + table, key, None)

    def values(self, table: str) -> Iterator[Any]:
        return iter([self._decoded.value(table, text) for text in self._table_texts(table).values()])

    def shared_values(self, table: str) -> Iterator[Any]:
        return iter([self._decoded.shared(table, text) for text in self._table_texts(table).values()])

    def items(self, table: str) -> Iterator[tuple[str, Any]]:
        return iter([(key, self._decoded.value(table, text)) for key, text in self._table_texts(table).items()])

    def count(self, table: str) -> int:
        return len(self._table_texts(table))

    def generation(self) -> None:
        return None  # other replicas write to the same database unseen

    def clear(self) -> None:
        """Empty this partition (the root: every partition, and the epoch moves, so every copy is dropped)."""
        part = self._prefix
        if part:  # "0" follows "/": a partition's tables are the names from "<name>/" up to "<name>0"
            moved, bounds = [part], (part, part[:-1] + "0")
            delete = [("DELETE FROM records WHERE tbl >= %s AND tbl < %s", bounds), (CLEAR_TOMBSTONES, bounds)]
        else:
            moved, delete = ["", EPOCH], [("DELETE FROM records", ()), ("DELETE FROM tombstones", ())]
        cleared = [(CLEARED, (name,)) for name in moved]  # no copy from before it is brought forward
        pending = self._pending()
        if pending is None:
            self.confirm_reads()  # what the request read unconfirmed, first
            self._alone([("BEGIN", ()), *cleared, *[(BUMP, (name,)) for name in moved], *delete, ("COMMIT", ())])
            self._copies.forget(part or None)
            self._wrote()
            return
        if pending.optimistic:  # it reads the database alone from here, under the locks: run again with them
            raise WorldMoved("a clear takes its locks as it reads")
        # The writes kept so far go first; from here to the commit, this transaction reads the database alone.
        flushed = [write_statement(key, text) for key, text in pending.writes.items()]
        pending.writes.clear()
        pending.cleared = True
        pending.written.update(moved)
        self._in_transaction(pending, [*flushed, *cleared, *delete])

    def drop_partition(self, name: str) -> None:
        """Forget partition `name` and its records (a client id's world dropped from the registry)."""
        self.partition(name).clear()

    def partition(self, name: str) -> PostgresStore:
        if self._prefix:
            raise ValueError("partitions do not nest")
        view = copy.copy(self)  # shares the pool, the thread's transaction, the copies and the codec
        view._prefix = urllib.parse.quote(name, safe="") + "/"
        view._transaction = Transaction(view)
        return view

    def alone(self) -> bool:
        """Whether this replica holds the sole lease now (postgres_sole.py)."""
        return self._sole.held() is not None

    def schema_version(self) -> int:
        return self._alone([("SELECT version FROM mocknexus_schema", ())])[0][0][0]

    # ---- leases (control/leases.py) -----------------------------------------------------------------------

    def lease(self, name: str, owner: str, seconds: float) -> bool:
        """Take or renew the lease `name` for `seconds` by the database's clock: True if `owner` holds it now
        (it was free, had run out, or was its own already)."""
        return bool(self._alone([(TAKE_LEASE, (name, owner, seconds))])[0])

    def release(self, name: str, owner: str) -> None:
        self._alone([(RELEASE_LEASE, (name, owner))])
