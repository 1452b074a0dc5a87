"""The PostgreSQL store's connections (store/postgres.py): statements sent as one text on a pooled connection's
libpq handle, a connection the database dropped replaced and the statements sent once more, the health check's
ping, and what may be said of an error (never the password)."""

from __future__ import annotations

import contextlib
import functools
import weakref

import psycopg
import psycopg_pool
from psycopg import generators, pq, waiting
from psycopg.adapt import Transformer

from mocknexus.store.base import StoreUnavailable, WorldMoved
from mocknexus.store.postgres_changes import PREPARED_GET
from mocknexus.store.postgres_prepared import PREPARE_ALL, PREPARED, WRITTEN_AS_SQL
from mocknexus.store.postgres_sole import SoleLease, wait_out
from mocknexus.store.postgres_sql import REFUSED, Statement, literal

PING_SECONDS = 1.5  # how long the health check waits for one
LEFT_IN_TRANSACTION = (pq.TransactionStatus.INTRANS, pq.TransactionStatus.INERROR)
WAIT_SECONDS = 0.1  # a wait for the database's answer wakes this often (as psycopg's own), e.g. for Ctrl-C
TUPLES_OK, COMMAND_OK, EMPTY_QUERY, FATAL_ERROR = (
    pq.ExecStatus.TUPLES_OK,
    pq.ExecStatus.COMMAND_OK,
    pq.ExecStatus.EMPTY_QUERY,
    pq.ExecStatus.FATAL_ERROR,
)


def exchange(conn: psycopg.Connection, text: str) -> list[list[tuple]]:
    """One text of statements sent on the connection's libpq handle and every result's rows, as a cursor's
    `execute` and `nextset` would give them: measured in process, a member read's round trip cost 30 us of
    this process's CPU this way against 50-70 us through a cursor (its query conversion, its generators, the
    connection's lock: a pooled connection serves one thread at a time). An error result raises the psycopg
    error a cursor would (psycopg.errors), a lost connection OperationalError."""
    pgconn = conn.pgconn
    pgconn.send_query(text.encode(conn.info.encoding))
    results = waiting.wait(generators.execute(pgconn), pgconn.socket, interval=WAIT_SECONDS)
    found: list[list[tuple]] = []
    transformer = None
    for result in results:
        status = result.status
        if status == TUPLES_OK:
            if transformer is None:
                transformer = Transformer(conn)
            transformer.set_pgresult(result)
            found.append(transformer.load_rows(0, result.ntuples, tuple) if result.nfields else [])
        elif status in (COMMAND_OK, EMPTY_QUERY):
            found.append([])
        elif status == FATAL_ERROR:
            raise psycopg.errors.error_from_result(result, encoding=conn.info.encoding)
        else:
            raise psycopg.InternalError(f"unexpected result status: {pq.ExecStatus(status).name}")
    return found


@functools.lru_cache(maxsize=4096)
def _prepared_get(params: tuple) -> str:
    """The prepared lone read's text for its values: the same few (a token's owner, its session) every request
    of a client, kept written."""
    return PREPARED_GET % tuple(map(literal, params))


class Connections:
    """PostgresStore's connections: a mixin, using the store's pool (`_pool`), the password to scrub
    (`_secret`), its displayed URL and the connections that have the prepared statements (`_prepared`)."""

    _pool: psycopg_pool.ConnectionPool
    _secret: str | None
    _prepared: weakref.WeakSet[psycopg.Connection]
    _sole: SoleLease
    replica: str
    display: str

    def _scrub(self, text: str) -> str:
        return text.replace(self._secret, "***") if self._secret else text

    def _unavailable(self, exc: Exception) -> StoreUnavailable:
        return StoreUnavailable(f"PostgreSQL at {self.display} is unavailable: {self._scrub(str(exc).strip())}")

    def _send(
        self, conn: psycopg.Connection, statements: list[Statement], moved: bool = False, retry: bool = True
    ) -> list[list[tuple]]:
        """Statements in one round trip, each one's rows. They go as one text in the simple query protocol, their
        values written in as SQL literals (`literal`): measured, that costs this process a third of the CPU of
        psycopg's pipeline of prepared statements, and the round trip half its time. Those the store prepared
        (postgres_prepared.py) go as `EXECUTE`, prepared on the connection first if it has not been yet. They are
        sent on the connection's libpq handle, without a cursor (`exchange`). `moved`: they are an optimistic
        commit, whose check (or a deadlock) failing is WorldMoved, the transaction rolled back."""
        text = ";".join(
            [
                (
                    _prepared_get(params)
                    if sql is PREPARED_GET
                    else sql % params
                    if sql in WRITTEN_AS_SQL
                    else sql % tuple(map(literal, params))
                )
                if params
                else sql
                for sql, params in statements
            ]
        )
        self._local.trips += 1
        try:
            if conn not in self._prepared and any(sql in PREPARED for sql, _ in statements):
                exchange(conn, PREPARE_ALL)  # once per connection, in a round trip of its own (postgres_prepared.py)
                self._prepared.add(conn)
            return exchange(conn, text)
        except psycopg.errors.SerializationFailure as exc:
            if str(exc).startswith(REFUSED) and statements[0][0] == "BEGIN" and retry:
                # Another replica held the sole lease (postgres_sole.py): when it has ended, once more (the
                # statements are a whole transaction, and nothing of it was written).
                with contextlib.suppress(psycopg.Error):
                    conn.execute("ROLLBACK")
                wait_out(self.replica, lambda text: exchange(conn, text))
                return self._send(conn, statements, moved, retry=False)
            if not moved:
                raise self._unavailable(exc) from None
            with contextlib.suppress(psycopg.Error):
                conn.execute("ROLLBACK")
            raise WorldMoved("the world moved under an optimistic transaction") from None
        except (psycopg.errors.DivisionByZero, psycopg.errors.DeadlockDetected) as exc:
            if not moved:
                raise self._unavailable(exc) from None
            with contextlib.suppress(psycopg.Error):
                conn.execute("ROLLBACK")
            raise WorldMoved("the world moved under an optimistic transaction") from None
        except psycopg.OperationalError as exc:
            raise self._unavailable(exc) from None

    def _alone(self, statements: list[Statement], moved: bool = False) -> list[list[tuple]]:
        """Statements outside a transaction (each is idempotent, or a whole BEGIN ... COMMIT), on a pooled
        connection: one found dead (the database restarted since it was pooled) is replaced and they are sent
        once more."""
        for attempt in (1, 2):
            try:
                conn = self._pool.getconn()
            except psycopg_pool.PoolTimeout as exc:
                raise self._unavailable(exc) from None
            try:
                # Not `pool.connection()`: its `with conn` costs a generator and a lock per use, to find in
                # autocommit that there is nothing to commit (a failed BEGIN ... COMMIT is rolled back below).
                return self._send(conn, statements, moved)
            except StoreUnavailable:
                if attempt == 2:
                    raise
            finally:
                self._give_back(conn)
            self._drop_dead()
        raise AssertionError("unreachable")

    def _give_back(self, conn: psycopg.Connection) -> None:
        """A connection back to the pool, rolled back first if a statement list failed between BEGIN and COMMIT
        (as `pool.connection()` did, rather than the pool's warning that it rolls back)."""
        if conn.pgconn.transaction_status in LEFT_IN_TRANSACTION:
            with contextlib.suppress(psycopg.Error):
                conn.rollback()
        self._pool.putconn(conn)

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
                self._give_back(conn)
            self._drop_dead()

    def _send_aside(self, text: str) -> list[list[tuple]]:
        """Statements of a replica's own (the sole lease's, postgres_sole.py; the listener's look at its peers,
        postgres_notify.py), on a pooled connection of their own."""
        with self._pool.connection() as conn:
            return exchange(conn, text)

    def close(self) -> None:
        self._sole.close()
        self._pool.close()
