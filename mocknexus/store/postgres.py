"""The shared store: one PostgreSQL database, for several mocknexus replicas (on several machines) at once.

It follows the SQLite store's seams (sqlite.py): one table of records by (table, key), values as text made by
the encoder the domain hands in, a partition as a prefix on the table name. Nothing is cached here: every read
asks the database, so a write on one replica is seen by the next read on any other.

A transaction is a database transaction that first takes one transaction-scoped advisory lock: read-modify-
writes serialize across replicas as SQLite's `BEGIN IMMEDIATE` serializes them across processes (and as the
memory store's lock does within one). One lock, not one per partition: a client's transaction also writes
the root's token index, and a single lock can never be taken in two orders (no deadlock to detect and retry).

Connections come from a psycopg_pool pool. When the database goes away (a restart, a network cut) an operation
raises `StoreUnavailable`, which the web layer answers as MX's 503; a connection found dead when a transaction
or a lone read starts is replaced and the operation tried once more, so replicas recover by themselves.

The schema is this module's (`MIGRATIONS`), versioned in `mocknexus_schema`: opening a store brings an older
database up to date under a lock (replicas starting together upgrade it once), and refuses a newer one.
"""

from __future__ import annotations

import contextlib
import copy
import threading
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
import psycopg_pool
from psycopg import conninfo

from mocknexus.store.base import SchemaTooNew, StoreUnavailable
from mocknexus.store.spec import redact

Encode = Callable[[str, Any], str]
Decode = Callable[[str, str], Any]

# The advisory lock keys (any two bigints nobody else in the database uses): every transaction's, and the
# schema upgrade's.
TRANSACTION_LOCK = 0x6D6F636B6E7801
SCHEMA_LOCK = 0x6D6F636B6E7802

# Each version's DDL, applied in order to bring a database from the version before it. Text columns collate as
# "C" (bytes): a partition's tables are a range of names (see `clear`), which a locale's collation would reorder.
MIGRATIONS: dict[int, str] = {
    1: """
        CREATE TABLE records (
            tbl TEXT COLLATE "C" NOT NULL,
            key TEXT COLLATE "C" NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (tbl, key)
        )
    """,
    # Leases for clock-driven work (control/leases.py), judged by the database's clock: replicas on several
    # machines need not agree on the time for one of them to run a world's work at a time.
    2: """
        CREATE TABLE leases (
            name TEXT COLLATE "C" PRIMARY KEY,
            owner TEXT NOT NULL,
            expires_at TIMESTAMPTZ NOT NULL
        )
    """,
}
SCHEMA_VERSION = max(MIGRATIONS)

POOL_SIZE = 24  # request threads (8 by default), the background thread, the webhook dispatcher and its senders
CONNECT_SECONDS = 10.0  # how long opening the store waits for the database
BUSY_SECONDS = 5.0  # how long an operation waits for a connection before it is a 503
PING_SECONDS = 1.5  # how long the health check waits for one


class PostgresStore:
    def __init__(self, url: str, encode: Encode, decode: Decode, *, pool_size: int = POOL_SIZE) -> None:
        self.display = redact(url)
        self._secret = conninfo.conninfo_to_dict(url).get("password") or None
        self._encode = encode
        self._decode = decode
        self._local = threading.local()
        self._prefix = ""  # a partition's: "<quoted name>/", as in sqlite.py
        self._pool = psycopg_pool.ConnectionPool(
            url,
            min_size=2,
            max_size=pool_size,
            kwargs={"autocommit": True, "connect_timeout": int(CONNECT_SECONDS)},
            open=False,
            timeout=BUSY_SECONDS,
            reconnect_timeout=24 * 3600.0,  # keep trying through a long outage, never give the pool up
            name="mocknexus",
        )
        try:
            self._pool.open(wait=True, timeout=CONNECT_SECONDS)
        except psycopg_pool.PoolTimeout:
            reason = self._probe()
            self._pool.close()
            raise StoreUnavailable(f"cannot reach PostgreSQL at {self.display}: {reason}") from None
        try:
            self._upgrade()
        except BaseException:
            self._pool.close()
            raise

    # ---- the schema ---------------------------------------------------------------------------------------

    def _probe(self) -> str:
        """Why the database does not answer, in libpq's words (which never hold the password)."""
        try:
            psycopg.connect(self._pool.conninfo, connect_timeout=int(CONNECT_SECONDS)).close()
        except psycopg.Error as exc:
            return self._scrub(str(exc).strip()) or type(exc).__name__
        return "it did not answer in time"

    def _upgrade(self) -> None:
        with self._pool.connection() as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
            conn.execute("CREATE TABLE IF NOT EXISTS mocknexus_schema (version INTEGER NOT NULL)")
            row = conn.execute("SELECT version FROM mocknexus_schema").fetchone()
            found = 0 if row is None else row[0]
            if found > SCHEMA_VERSION:
                raise SchemaTooNew(
                    f"the database at {self.display} holds mocknexus schema version {found}, newer than this "
                    f"mocknexus knows (version {SCHEMA_VERSION}): upgrade mocknexus, or point it at another database"
                )
            for version in range(found + 1, SCHEMA_VERSION + 1):
                conn.execute(MIGRATIONS[version])  # type: ignore[arg-type]  # our own constant DDL
            if row is None:
                conn.execute("INSERT INTO mocknexus_schema (version) VALUES (%s)", (SCHEMA_VERSION,))
            elif found < SCHEMA_VERSION:
                conn.execute("UPDATE mocknexus_schema SET version = %s", (SCHEMA_VERSION,))

    def schema_version(self) -> int:
        return self._read("SELECT version FROM mocknexus_schema", ())[0][0]

    # ---- connections and transactions ---------------------------------------------------------------------

    def _scrub(self, text: str) -> str:
        return text.replace(self._secret, "***") if self._secret else text

    def _unavailable(self, exc: Exception) -> StoreUnavailable:
        return StoreUnavailable(f"PostgreSQL at {self.display} is unavailable: {self._scrub(str(exc).strip())}")

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Re-entrant per thread. The database transaction begins (and takes the lock) at its first statement:
        an operation that turns out to need nothing from the store costs no round trip."""
        local = self._local
        depth = getattr(local, "depth", 0)
        local.depth = depth + 1
        if depth:
            try:
                yield
            finally:
                local.depth -= 1
            return
        local.conn, local.seen = None, {}
        try:
            try:
                yield
            except BaseException:
                conn = local.conn
                if conn is not None and not conn.broken:
                    with contextlib.suppress(psycopg.Error):  # died meanwhile: the server rolled it back
                        conn.execute("ROLLBACK")
                raise
            if local.conn is not None:
                try:
                    local.conn.execute("COMMIT")
                except psycopg.OperationalError as exc:
                    raise self._unavailable(exc) from None
        finally:
            conn, local.conn, local.seen, local.depth = local.conn, None, None, 0
            if conn is not None:
                self._pool.putconn(conn)  # a broken connection is discarded, not reused

    def _in_transaction(self) -> psycopg.Connection | None:
        """The thread's transaction's connection, begun now if this is its first statement; None outside one."""
        local = self._local
        if not getattr(local, "depth", 0):
            return None
        conn = local.conn
        if conn is None:
            conn = local.conn = self._begin()
        return conn

    def _begin(self) -> psycopg.Connection:
        """A connection in a new transaction holding the lock; a dead connection (the database restarted
        since it was pooled) is replaced once."""
        for attempt in (1, 2):
            try:
                conn = self._pool.getconn()
            except psycopg_pool.PoolTimeout as exc:
                raise self._unavailable(exc) from None
            try:
                # No parameters: one round trip (the simple protocol takes both statements at once).
                conn.execute(f"BEGIN; SELECT pg_advisory_xact_lock({TRANSACTION_LOCK})")  # type: ignore[arg-type]
                return conn
            except psycopg.OperationalError as exc:
                self._pool.putconn(conn)
                if attempt == 2 or not conn.broken:
                    raise self._unavailable(exc) from None
                self._drop_dead()
        raise AssertionError("unreachable")

    def _read(self, sql: str, params: tuple) -> list[tuple]:
        conn = self._in_transaction()
        if conn is not None:
            try:
                return conn.execute(sql, params).fetchall()  # type: ignore[arg-type]
            except psycopg.OperationalError as exc:
                raise self._unavailable(exc) from None
        return self._alone(lambda c: c.execute(sql, params).fetchall())  # type: ignore[arg-type]

    def _write(self, sql: str, params: tuple) -> None:
        conn = self._in_transaction()
        if conn is not None:
            try:
                conn.execute(sql, params)  # type: ignore[arg-type]
            except psycopg.OperationalError as exc:
                raise self._unavailable(exc) from None
            return
        self._alone(lambda c: c.execute(sql, params))  # type: ignore[arg-type]

    def _alone(self, run: Callable[[psycopg.Connection], Any]) -> Any:
        """One statement outside a transaction (autocommit): each is idempotent, so a dead pooled connection is
        replaced and the statement sent once more."""
        for attempt in (1, 2):
            try:
                with self._pool.connection() as conn:
                    return run(conn)
            except psycopg_pool.PoolTimeout as exc:
                raise self._unavailable(exc) from None
            except psycopg.OperationalError as exc:
                if attempt == 2:
                    raise self._unavailable(exc) from None
                self._drop_dead()
        raise AssertionError("unreachable")

    def _drop_dead(self) -> None:
        """After a pooled connection was found dead (the database restarted since): check the idle ones, so the
        retry gets a live connection or a new one."""
        self._pool.check()

    def ping(self, timeout: float = PING_SECONDS) -> None:
        """One round trip to the database, waiting at most `timeout` for a connection (a health check must
        answer before its prober gives up); StoreUnavailable if it does not answer."""
        for attempt in (1, 2):
            try:
                conn = self._pool.getconn(timeout=timeout)
            except psycopg_pool.PoolTimeout as exc:
                raise self._unavailable(exc) from None
            try:
                conn.execute("SELECT 1").fetchone()
                return
            except psycopg.OperationalError as exc:
                if attempt == 2 or not conn.broken:  # a pooled connection the database dropped: one more
                    raise self._unavailable(exc) from None
            finally:
                self._pool.putconn(conn)
            self._drop_dead()

    def close(self) -> None:
        self._pool.close()

    # ---- records ------------------------------------------------------------------------------------------

    # Inside a transaction, a record read once is not asked for again (`seen`: its text, or None if absent):
    # the transaction holds the lock every writer takes, so no other replica can change it meanwhile, and
    # this transaction's own writes update it. It lives as long as the transaction: nothing outlives a
    # transaction, so nothing can go stale (each domain operation reads a session's clock several times).

    def get(self, table: str, key: str) -> Any | None:
        name = self._prefix + table
        seen = getattr(self._local, "seen", None)
        if seen is not None and (name, key) in seen:
            text = seen[(name, key)]
        else:
            rows = self._read("SELECT value FROM records WHERE tbl = %s AND key = %s", (name, key))
            text = rows[0][0] if rows else None
            if seen is not None:
                seen[(name, key)] = text
        return None if text is None else self._decode(table, text)

    def put(self, table: str, key: str, value: Any) -> None:
        name, text = self._prefix + table, self._encode(table, value)
        self._write(
            "INSERT INTO records (tbl, key, value) VALUES (%s, %s, %s) "
            "ON CONFLICT (tbl, key) DO UPDATE SET value = EXCLUDED.value",
            (name, key, text),
        )
        seen = getattr(self._local, "seen", None)
        if seen is not None:
            seen[(name, key)] = text

    def delete(self, table: str, key: str) -> None:
        name = self._prefix + table
        self._write("DELETE FROM records WHERE tbl = %s AND key = %s", (name, key))
        seen = getattr(self._local, "seen", None)
        if seen is not None:
            seen[(name, key)] = None

    def values(self, table: str) -> Iterator[Any]:
        rows = self._read("SELECT value FROM records WHERE tbl = %s", (self._prefix + table,))
        return iter([self._decode(table, text) for (text,) in rows])

    def items(self, table: str) -> Iterator[tuple[str, Any]]:
        rows = self._read("SELECT key, value FROM records WHERE tbl = %s", (self._prefix + table,))
        return iter([(key, self._decode(table, text)) for key, text in rows])

    def count(self, table: str) -> int:
        return self._read("SELECT COUNT(*) FROM records WHERE tbl = %s", (self._prefix + table,))[0][0]

    def generation(self) -> None:
        return None  # other replicas write to the same database unseen

    def clear(self) -> None:
        seen = getattr(self._local, "seen", None)
        if seen is not None:
            seen.clear()
        if not self._prefix:
            self._write("DELETE FROM records", ())
            return
        # Every table of this partition: names from "<name>/" up to (not including) "<name>0" ("0" follows "/").
        self._write("DELETE FROM records WHERE tbl >= %s AND tbl < %s", (self._prefix, self._prefix[:-1] + "0"))

    def drop_partition(self, name: str) -> None:
        """Forget partition `name` and its records (a client id's world dropped from the registry)."""
        self.partition(name).clear()

    def partition(self, name: str) -> PostgresStore:
        if self._prefix:
            raise ValueError("partitions do not nest")
        view = copy.copy(self)  # shares the pool, the thread's transaction and the codec
        view._prefix = urllib.parse.quote(name, safe="") + "/"
        return view

    # ---- leases (control/leases.py) -----------------------------------------------------------------------

    def lease(self, name: str, owner: str, seconds: float) -> bool:
        """Take or renew the lease `name` for `seconds` by the database's clock: True if `owner` holds it now
        (it was free, had run out, or was its own already)."""
        rows = self._read(
            "INSERT INTO leases (name, owner, expires_at) VALUES (%s, %s, now() + make_interval(secs => %s)) "
            "ON CONFLICT (name) DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at "
            "WHERE leases.owner = EXCLUDED.owner OR leases.expires_at < now() RETURNING owner",
            (name, owner, seconds),
        )
        return bool(rows)

    def release(self, name: str, owner: str) -> None:
        self._write("DELETE FROM leases WHERE name = %s AND owner = %s", (name, owner))
