"""Each commit's writes pushed to the other replicas, so their copies are current before the next call reaches them.

A commit that moves partitions' versions (postgres.py `_commit` and `_store`, postgres_checks.py
`_commit_optimistic`; not a `clear`, which drops copies) carries, in its own round trip, a `pg_notify` to each
other replica's channel (`notice`, a prepared statement; a plain NOTIFY where the commit knows the versions it
makes). Its payload names the replica that wrote (its name,
`Listener.origin`), each partition written with its version after the commit and the epoch (the version before
is one less: the writer's BUMP moved it by one under the row's lock), and the writes per partition (table, key,
text or null: deleted) when they fit PostgreSQL's payload limit, else null. PostgreSQL delivers a notification
only once its transaction commits, in commit order.

Each replica listens on a connection of its own (not the pool's; autocommit), waited on by a daemon thread that
reconnects with a backoff when the database goes away (`Listener`). It listens on a channel of its own
(`channel_of` its name), so its own commits never wake it, and on CHANNEL, where each replica says it has
started: the others tell it of their commits from then on (`Listener.peers`). Every PEERS_SECONDS each looks at
which replicas are connected (`pg_stat_activity`, by their connections' application_name), so one that has gone
is told nothing more. A replica not yet known misses notices, which costs it a round trip, never an answer (below).
A notification's records are decoded on the listener's thread as they arrive (`Decoded.warm`), while the next
call is on its way. A notification from another replica brings
this replica's copy of each partition from the version before to the version after with the writes
(`Copies.follow`: only a copy kept at exactly the version before; any other is left as it is, and a partition
without a copy here gets none). A request's scope first takes in the notifications already arrived, without
waiting (`Listener.drain`), so a call that reaches this replica just after the other's commit finds its copy
current: its first reads confirm it as current, and after a few such requests the copy is trusted again
(postgres_cache.TRUST_AFTER), so a request that writes costs its commit alone.

Correctness never rests on a notification. A copy is answered from only once the database confirmed its version
in the request, or, read unconfirmed from a trusted copy, checked before the answer or at the commit
(postgres_cache.py): a notification only ever moves a copy to a version the database held, with exactly the
records that commit made there. A lost notification (the listener reconnecting, a payload too big) leaves the
copy behind: the next read brings what changed, as without notifications. A late one finds the copy moved on
and is ignored, or moves it on under a request that read it unconfirmed, which then runs again (StaleCopy). So a
notification lost, late or out of order costs a round trip or a re-run, never a stale answer.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import select
import threading
import time
from collections.abc import Callable
from typing import Any

import psycopg
from psycopg import pq

from mocknexus.store.postgres_cache import Copies, Key
from mocknexus.store.postgres_sole import REPLICA_PREFIX
from mocknexus.store.postgres_sql import Statement, literal, partition_of

CHANNEL = "mocknexus_copies"  # where replicas say they have started (and where an older mocknexus sends notices)
PAYLOAD_LIMIT = 7000  # bytes: PostgreSQL refuses a payload of 8000 or more; the versions' digits are added after
CONNECT_SECONDS = 10
BACKOFF_SECONDS = (0.05, 2.0)  # the first wait before reconnecting, and the longest
LOOK_SECONDS = 5.0  # a wait on the socket looks at the connection this often (a scope's `drain` may find it lost)
PEERS_SECONDS = 1.0  # how often a replica looks at which other replicas are connected (`Listener.peers`)
# A cut without a word from the peer (a network gone) is found by TCP keepalives, not by waiting forever.
KEEPALIVES = {"keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 5, "keepalives_count": 3}

# The notice, prepared on each connection (postgres_prepared.py; as text it was planned anew at every commit):
# to each channel of $1 (a JSON array), its payload's head, the epoch and each partition's version after the
# commit's BUMP ($3: the names as a JSON array), and its tail.
NOTICE = "EXECUTE mocknexus_notice(%s, %s, %s, %s)"
PREPARE_NOTICE = (
    "PREPARE mocknexus_notice(text, text, text, text) AS "
    "SELECT pg_notify(c, m.payload) FROM json_array_elements_text($1::json) AS c, (SELECT $2 || "
    "(SELECT version FROM partitions WHERE name = '*') || coalesce((SELECT string_agg(',' || p.version, '' "
    "ORDER BY n.i) FROM json_array_elements_text($3::json) WITH ORDINALITY AS n(name, i) "
    "JOIN partitions p ON p.name = n.name), '') || $4 AS payload) AS m"
)
# The other replicas connected to this database: their connections' application_name (postgres_sole.replica_name).
PEERS = (
    "SELECT DISTINCT application_name FROM pg_stat_activity WHERE datname = current_database() "
    "AND application_name LIKE '" + REPLICA_PREFIX + "%' AND application_name <> {me}"
)

log = logging.getLogger(__name__)

Warm = Callable[[str, str], None]  # a record's text, by its table (without its partition), decoded ahead of a read
Ask = Callable[[str], list[list[tuple]]]  # statements' text in one round trip on a pooled connection: their rows


def channel_of(replica: str) -> str:
    """The channel a replica listens on for the others' notices (an identifier: under PostgreSQL's 63 bytes)."""
    return CHANNEL + ":" + hashlib.sha256(replica.encode()).hexdigest()[:24]


def notice(
    origin: str,
    names: list[str],
    writes: dict[Key, str | None],
    peers: tuple[str, ...],
    after: tuple[list[int], int] | None = None,
) -> list[Statement]:
    """The statements telling the other replicas (`peers`: their channels) a commit moved `names` with `writes`
    (none if it moved nothing, or there is no other), sent after its BUMPs and writes, before its COMMIT. Its
    payload, as JSON: [origin, names, [epoch, each partition's version after], each partition's writes as
    [table, key, text or null], or null if too big]. The versions after are the database's to fill in
    (NOTICE), unless the commit knows them already (`after`: each partition's, and the epoch; its locks
    checked the versions it read, postgres_checks.py): then each peer's is a plain NOTIFY, which costs the
    database less than reading them."""
    if not names or not peers:
        return []
    per = [[[tbl, key, text] for (tbl, key), text in writes.items() if partition_of(tbl) == name] for name in names]
    head = "[" + json.dumps(origin) + "," + json.dumps(names) + ",["
    tail = "]," + json.dumps(per, ensure_ascii=False, separators=(",", ":")) + "]"
    if len(head) + len(tail.encode()) + 20 * (len(names) + 1) > PAYLOAD_LIMIT:
        tail = "],null]"
    if after is None:
        return [(NOTICE, (json.dumps(peers), head, json.dumps(names), tail))]
    versions, epoch = after
    payload = literal(head + ",".join(map(str, [epoch, *versions])) + tail)
    return [(f'NOTIFY "{peer}", {payload}', ()) for peer in peers]


class Listener:
    """A replica's LISTEN on its channel and CHANNEL: a connection of its own, a daemon thread waiting on its
    socket, and `drain` for a request's scope to take in what has arrived. `origin` names this replica in its
    notices; `peers` are the channels its commits' notices go to."""

    def __init__(self, url: str, copies: Copies, origin: str, ask: Ask | None = None, warm: Warm | None = None) -> None:
        self.origin = origin  # the replica's name (postgres_sole.replica_name), its connections' application_name
        self.channel = channel_of(origin)  # where it hears the others' notices
        self.peers: tuple[str, ...] = ()  # the other replicas' channels: where its commits' notices go
        self._ask, self._peers_due = ask, 0.0  # `ask`: a round trip on a pooled connection (`_look_at_peers`)
        self._own = ("[" + json.dumps(origin) + ",").encode()  # how this replica's own notices begin
        self.applied = 0  # notifications from other replicas taken in (tests and measurements read it)
        self.connected = 0  # connections made (listening): more than one, it reconnected
        self._url, self._copies, self._warm = url, copies, warm
        self._lock = threading.Lock()  # the connection's input: the thread's wait and a scope's `drain`
        self._conn: psycopg.Connection | None = None
        self._stopped = threading.Event()
        self._wake_read, self._wake_write = os.pipe()  # `close` wakes the thread's wait at once
        with contextlib.suppress(psycopg.Error):
            self._conn = self._connect()  # listening before the store is handed out; else the thread retries
        self._thread = threading.Thread(target=self._run, name="mocknexus-notify", daemon=True)
        self._thread.start()

    def _connect(self) -> psycopg.Connection:
        conn = psycopg.connect(
            self._url, autocommit=True, connect_timeout=CONNECT_SECONDS, application_name=self.origin, **KEEPALIVES
        )
        # Its own channel, and the shared one, where it says it is here: the others send it notices from then on.
        conn.execute(f"LISTEN {CHANNEL}")
        conn.execute(f'LISTEN "{self.channel}"')
        conn.execute("SELECT pg_notify(%s, %s)", (CHANNEL, self.origin))
        self.connected += 1
        return conn

    def drain(self) -> None:
        """Take in the notifications arrived so far, without waiting for more (a request's scope, as it opens).
        A connection found lost is left to the thread, which reconnects."""
        if self._conn is None:
            return
        with self._lock, contextlib.suppress(psycopg.Error):
            self._take()

    def _take(self) -> list[dict[Key, str | None]]:
        """Under the lock: what the connection has received, applied (psycopg.Error if it is lost); the writes
        applied, per partition."""
        conn = self._conn
        if conn is None:
            return []
        pgconn = conn.pgconn
        pgconn.consume_input()
        applied: list[dict[Key, str | None]] = []
        while (note := pgconn.notifies()) is not None:
            self._apply(note.extra, applied)
        return applied

    def _apply(self, payload: bytes, applied: list[dict[Key, str | None]] | None = None) -> None:
        if not payload.startswith(b"["):  # a replica that has started: its name
            self._met(payload.decode(errors="replace"))
            return
        if payload.startswith(self._own):
            return  # this replica's own commit (an older mocknexus sent them to all): its copies followed it
        try:
            origin, names, versions, writes = json.loads(payload)
            if origin == self.origin or writes is None:
                return  # this replica's own, or too big to carry its writes
            epoch, moved = int(versions[0]), []
            for name, version, written in zip(names, versions[1:], writes, strict=True):
                changes: dict[Key, str | None] = {(tbl, key): text for tbl, key, text in written}
                moved.append((name, (int(version) - 1, epoch), (int(version), epoch), changes))
        except (ValueError, TypeError):
            return  # not a notice of this mocknexus's
        for name, before, after, changes in moved:
            self._copies.follow(name, before, after, changes)
            if applied is not None:
                applied.append(changes)
        self.applied += 1

    def _met(self, replica: str) -> None:
        """Another replica said it has started: this one's commits tell it from now on."""
        if replica != self.origin and replica.startswith(REPLICA_PREFIX) and channel_of(replica) not in self.peers:
            self.peers = (*self.peers, channel_of(replica))

    def _look_at_peers(self) -> None:
        """Which other replicas are connected now (one that went away is told nothing more), every PEERS_SECONDS;
        if the database cannot say, those known stay."""
        self._peers_due = time.monotonic() + PEERS_SECONDS
        if self._ask is None:
            return
        try:
            rows = self._ask(PEERS.format(me=literal(self.origin)))[0]
        except Exception:  # the database away: the listener's own connection finds it too
            return
        self.peers = tuple(sorted(channel_of(name) for (name,) in rows))

    def _warmed(self, applied: list[dict[Key, str | None]]) -> None:
        """The records another replica wrote, decoded now on this thread, while the next call is on its way: a
        request that reads them finds them decoded (postgres_decoded.Decoded.warm)."""
        warm = self._warm
        if warm is None:
            return
        for changes in applied:
            for (name, _), text in changes.items():
                if text is not None:
                    warm(name[len(partition_of(name)) :], text)

    def _run(self) -> None:
        backoff = BACKOFF_SECONDS[0]
        while not self._stopped.is_set():
            if self._conn is None:
                try:
                    conn = self._connect()
                except psycopg.Error:
                    self._stopped.wait(backoff)
                    backoff = min(backoff * 2, BACKOFF_SECONDS[1])
                    continue
                with self._lock:
                    self._conn = conn
            backoff = BACKOFF_SECONDS[0]
            try:
                self._listen(self._conn)
            except (psycopg.Error, OSError, ValueError) as exc:
                log.debug("the notification listener lost its connection: %s", type(exc).__name__)
            self._drop()

    def _listen(self, conn: Any) -> None:
        """Wait on the connection's socket and take in what arrives, until it is lost or `close`."""
        while not self._stopped.is_set():
            wait = min(LOOK_SECONDS, max(0.0, self._peers_due - time.monotonic()))
            ready, _, _ = select.select([conn.pgconn.socket, self._wake_read], [], [], wait)
            if self._stopped.is_set():
                return
            if ready:
                with self._lock:
                    applied = self._take()
                self._warmed(applied)
            if time.monotonic() >= self._peers_due:
                self._look_at_peers()
            if conn.pgconn.status != pq.ConnStatus.OK:
                raise psycopg.OperationalError("connection lost")

    def _drop(self) -> None:
        with self._lock:
            conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(psycopg.Error, OSError):
                conn.close()

    def close(self) -> None:
        """Stop listening (a store's `close`; a test's lost notifications)."""
        if self._stopped.is_set():
            return
        self._stopped.set()
        os.write(self._wake_write, b"x")
        self._thread.join(timeout=CONNECT_SECONDS + 1)
        self._drop()
        os.close(self._wake_read)
        os.close(self._wake_write)


class Notified:
    """PostgresStore's part in it: a mixin giving its commits their notice and its scopes their `drain`."""

    _listener: Listener
    _sole: Any

    def _notices(
        self, names: list[str], writes: dict[Key, str | None], after: tuple[list[int], int] | None = None
    ) -> list[Statement]:
        """None while this replica is alone (postgres_sole.py): no other replica to tell, and one that joins
        starts with no copy, or finds its copies behind and brings them forward, as without notices."""
        if self._sole.held() is not None:
            return []
        return notice(self._listener.origin, names, writes, self._listener.peers, after)

    def close(self) -> None:
        self._listener.close()
        super().close()  # type: ignore[misc]
