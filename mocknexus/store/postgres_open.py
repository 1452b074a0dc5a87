"""Opening the PostgreSQL store: its connection pool, why a database does not answer, and its schema.

The schema is postgres_sql.py's (`MIGRATIONS`), versioned in `mocknexus_schema`: opening a store brings an older
database up to date under a lock (replicas starting together upgrade it once), and refuses a newer one.
"""

from __future__ import annotations

from collections.abc import Callable

import psycopg
import psycopg_pool

from mocknexus.store.base import SchemaTooNew, StoreUnavailable
from mocknexus.store.postgres_sql import MIGRATIONS, SCHEMA_LOCK, SCHEMA_VERSION, configure

CONNECT_SECONDS = 10.0  # how long opening the store waits for the database
BUSY_SECONDS = 5.0  # how long an operation waits for a connection before it is a 503


def open_pool(
    url: str, pool_size: int, display: str, scrub: Callable[[str], str], replica: str
) -> psycopg_pool.ConnectionPool:
    """A pool of connections to the database at `url` (named `display`: no password), its schema current; a
    clear StoreUnavailable or SchemaTooNew naming the database otherwise. Each connection carries the replica's
    name as its application_name (postgres_sole.py: how a replica sees it is not alone)."""
    pool = psycopg_pool.ConnectionPool(
        url,
        min_size=2,
        max_size=pool_size,
        # prepare_threshold None: statements carry their values as literals, so few repeat; psycopg preparing
        # them cost more CPU in bookkeeping than it saved (the store prepares its own: postgres_prepared.py).
        kwargs={
            "autocommit": True,
            "connect_timeout": int(CONNECT_SECONDS),
            "prepare_threshold": None,
            "application_name": replica,
        },
        configure=configure,
        open=False,
        timeout=BUSY_SECONDS,
        reconnect_timeout=24 * 3600.0,  # keep trying through a long outage, never give the pool up
        name="mocknexus",
    )
    try:
        pool.open(wait=True, timeout=CONNECT_SECONDS)
    except psycopg_pool.PoolTimeout:
        reason = _probe(pool, scrub)
        pool.close()
        raise StoreUnavailable(f"cannot reach PostgreSQL at {display}: {reason}") from None
    try:
        upgrade(pool, display)
    except BaseException:
        pool.close()
        raise
    return pool


def _probe(pool: psycopg_pool.ConnectionPool, scrub: Callable[[str], str]) -> str:
    """Why the database does not answer, in libpq's words (which never hold the password)."""
    try:
        psycopg.connect(pool.conninfo, connect_timeout=int(CONNECT_SECONDS)).close()
    except psycopg.Error as exc:
        return scrub(str(exc).strip()) or type(exc).__name__
    return "it did not answer in time"


def upgrade(pool: psycopg_pool.ConnectionPool, display: str) -> None:
    """The database's schema brought up to this mocknexus's version; SchemaTooNew if it is newer."""
    with pool.connection() as conn, conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
        conn.execute("CREATE TABLE IF NOT EXISTS mocknexus_schema (version INTEGER NOT NULL)")
        row = conn.execute("SELECT version FROM mocknexus_schema").fetchone()
        found = 0 if row is None else row[0]
        if found > SCHEMA_VERSION:
            raise SchemaTooNew(
                f"the database at {display} holds mocknexus schema version {found}, newer than this "
                f"mocknexus knows (version {SCHEMA_VERSION}): upgrade mocknexus, or point it at another database"
            )
        for version in range(found + 1, SCHEMA_VERSION + 1):
            conn.execute(MIGRATIONS[version])  # type: ignore[arg-type]  # our own constant DDL
        if row is None:
            conn.execute("INSERT INTO mocknexus_schema (version) VALUES (%s)", (SCHEMA_VERSION,))
        elif found < SCHEMA_VERSION:
            conn.execute("UPDATE mocknexus_schema SET version = %s", (SCHEMA_VERSION,))
