"""The sole replica's lease: a replica alone on its database answers reads from its copies with no round trip.

A copy can go stale only by another writer (postgres_cache.py). So while a replica knows that nothing else can
write, what it read and what it wrote since are the database's, and a request that writes nothing need not ask
the database at all. This is a leader lease, held in the database (`sole_lease`, one row) and judged by the
database's clock:

- A replica takes or renews it every RENEW_SECONDS for LEASE_SECONDS, in one statement, only while no other
  client is connected to the database (`pg_stat_activity`; each replica's connections carry its own
  `application_name`, postgres_open.py): a second replica, an older mocknexus, or anyone with psql ends it.
- It counts as held, in the replica, until LEASE_SECONDS - MARGIN_SECONDS after the statement that took or
  renewed it was sent: before the database's own expiry, which was set after that.
- A trigger on `partitions` (schema version 5, postgres_sql.py; every write moves a partition's row) refuses,
  with serialization_failure, a write from any connection but the holder's while the lease runs, and takes the
  lease row FOR SHARE, so taking the lease waits for writes already under way. So no write lands under a held
  lease but the holder's; a refused writer waits for the lease to end (`wait_out`) and its request runs again.
- When the holder sees another client, it stops counting the lease as held first, then ends it in the database.
  A replica that joins waits for that before it serves (`PostgresStore.__init__`).
- Copies from before the lease may be stale: taking it reads every partition's version (the `floor`), and a
  copy is trusted under the lease only at that version or later, and only at the latest version this replica
  has seen of its partition (`Copies.latest`: its own commits move it).
- A request uses the lease only if it held when the request began, and skips its check only if it still holds,
  unbroken, when its answer is about to go (`PostgresStore.confirm_reads`): what it answered was the database's
  state at a moment during the request.

A replica killed holds the lease until it runs out (LEASE_SECONDS); a replica that cannot reach the database
stops counting it as held as it runs out, and takes it again once it can.
"""

from __future__ import annotations

import contextlib
import threading
import time
import uuid
from collections.abc import Callable

from mocknexus.store.postgres_cache import Copies, Version, newer
from mocknexus.store.postgres_sql import literal

LEASE_SECONDS = 2.0
RENEW_SECONDS = 0.2
TRY_SECONDS = 1.0  # how often a replica not holding it tries to take it
MARGIN_SECONDS = 0.5  # a replica's clock may run that much (a quarter) faster than the database's
WAIT_OUT_SECONDS = LEASE_SECONDS + 1.0  # how long a refused writer or a joining replica waits for the lease to end

# Another client on this database: a session of another role shows its database and application_name but not its
# backend_type (NULL: PostgreSQL keeps it from roles without pg_read_all_stats), so NULL counts as a client.
_OTHERS = (
    "EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = current_database() "
    "AND (backend_type = 'client backend' OR backend_type IS NULL) AND application_name IS DISTINCT FROM {me})"
)
# Renewed only while the database's clock says it runs, and no other client is there (nothing is then ended:
# the replica stops counting it as held first, `END` next).
RENEW = (
    "UPDATE sole_lease SET expires_at = now() + make_interval(secs => {secs}) "
    "WHERE owner = {me} AND expires_at > now() AND NOT " + _OTHERS + " RETURNING 1"
)
END = "UPDATE sole_lease SET expires_at = '-infinity' WHERE owner = {me}"
# Taken if free or run out (or still this replica's by the database's clock, though no longer counted here) and
# no other client is there; one left of this replica's is ended if another is (true: taken). Then, a statement of
# its own after the UPDATE waited for writes under way, every partition's version and the epoch.
TAKE = (
    "BEGIN; UPDATE sole_lease SET owner = CASE WHEN o.others THEN owner ELSE {me} END, expires_at = CASE "
    "WHEN o.others THEN '-infinity' ELSE now() + make_interval(secs => {secs}) END FROM (SELECT " + _OTHERS + " AS "
    "others) o WHERE owner = {me} OR (NOT o.others AND expires_at <= now()) RETURNING NOT o.others; "
    "SELECT name, version FROM partitions WHERE name <> '*' "
    "AND EXISTS (SELECT 1 FROM sole_lease WHERE owner = {me} AND expires_at > now()); "
    "SELECT version FROM partitions WHERE name = '*'; COMMIT"
)
HELD_BY_ANOTHER = "SELECT EXISTS (SELECT 1 FROM sole_lease WHERE owner <> {me} AND expires_at > now())"


def wait_out(me: str, run: Callable[[str], list[list[tuple]]]) -> None:
    """Until no other replica holds the lease (at most WAIT_OUT_SECONDS): a refused writer's, or a joining
    replica's, wait for the holder to see it and end the lease, or for the lease to run out. `run` sends one
    text on the caller's connection."""
    statement = HELD_BY_ANOTHER.format(me=literal(me))
    deadline = time.monotonic() + WAIT_OUT_SECONDS
    while run(statement)[0][0][0] and time.monotonic() < deadline:
        time.sleep(RENEW_SECONDS / 4)


REPLICA_PREFIX = "mocknexus:"  # every replica's name begins so (postgres_notify.py finds its peers by it)


def replica_name() -> str:
    """A replica's name, its connections' application_name (under PostgreSQL's 63 bytes)."""
    return REPLICA_PREFIX + uuid.uuid4().hex[:16]


class SoleLease:
    """One replica's view of the lease: `held()` and the generation it is held in, the floor versions, and the
    thread that takes and renews it. `send(statement_text)` runs statements on a pooled connection (one round
    trip), each one's rows."""

    def __init__(
        self, me: str, send: Callable[[str], list[list[tuple]]], copies: Copies, *, enabled: bool = True
    ) -> None:
        self.me = me
        self._send = send
        self._copies = copies
        self._lapses = -1  # `Copies.lapses` when it was taken: held only while it has not moved
        self._literal_me = literal(me)
        self._until = 0.0  # time.monotonic() until which it is held
        self.generation = 0  # moves each time it is taken: a request's lease must be unbroken
        self._floor: dict[str, Version] = {}
        self._epoch = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        if enabled:
            self._thread = threading.Thread(target=self._run, name=f"{me} sole lease", daemon=True)
            self._thread.start()

    # ---- what requests ask ------------------------------------------------------------------------------

    def held(self) -> int | None:
        """The generation it is held in now, None if not held."""
        if time.monotonic() < self._until and self._copies.lapses == self._lapses:
            return self.generation
        return None

    def covers(self, partition: str, version: Version) -> bool:
        """Whether a copy at `version` is at least the partition's version when the lease was taken."""
        return newer(version, self._floor.get(partition, (0, self._epoch)))

    # ---- taking, renewing, ending ------------------------------------------------------------------------

    def _run(self) -> None:
        while True:
            self.renew()
            if self._stop.wait(RENEW_SECONDS if self.held() is not None else TRY_SECONDS):
                return

    def renew(self) -> None:
        """One turn: renew it if held, else try to take it; if another client is there, end it."""
        secs, me = repr(LEASE_SECONDS), self._literal_me
        sent = time.monotonic()
        try:
            if self.held() is not None:
                if self._send(RENEW.format(me=me, secs=secs))[0]:
                    self._until = sent + LEASE_SECONDS - MARGIN_SECONDS
                    return
                self._until = 0.0  # not counted as held first, then ended in the database
                self._send(END.format(me=me))
                return
            lapses = self._copies.lapses
            rows = self._send(TAKE.format(me=me, secs=secs))
        except Exception:  # the database away: the lease runs out here as there; the next turn tries again
            self._until = 0.0
            return
        if not rows[1] or not rows[1][0][0]:
            return
        self._epoch = epoch = rows[3][0][0] if rows[3] else 0
        self._floor = {name: (version, epoch) for name, version in rows[2]}
        self.generation += 1
        self._lapses = lapses
        self._until = sent + LEASE_SECONDS - MARGIN_SECONDS

    def close(self) -> None:
        """Stop renewing; end the lease if held (a replica stopped cleanly lets another take it at once)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self.held() is not None:
            self._until = 0.0
            with contextlib.suppress(Exception):
                self._send(END.format(me=self._literal_me))
