"""What a PostgreSQL replica keeps in memory between requests, and why it cannot go stale.

Every write to a partition's records (a client's world, the shared one, or the root's indexes) moves that
partition's row in `partitions` (its version) in the same database transaction, and `clear` of the root moves
the epoch row. A replica keeps, per partition, the records it has read (their stored text) together with the
(version, epoch) they were read at. It answers from them only after the database said, in the same round trip
as something it had to send anyway, that the partition is still at that version:

- a transaction that locks as it reads (`PostgresStore.transaction` outside a request's first run) takes its
  partition's row `FOR UPDATE` and reads the versions in one round trip; no other writer can move the partition
  until it commits, so what it holds is the database's;
- a read without a lock (outside a transaction, or in an optimistic one) sends the versions with the record it
  asks for (one statement, one snapshot); within one HTTP request (`PostgresStore.scope`), a partition checked
  once is not checked again: a request that began after a write finished on another replica checks after that
  write, so it sees it. An optimistic transaction's reads of a partition are all at one version, and if it
  writes, its commit checks under the partitions' locks that what it read is still so
  (postgres_sql.PREPARED_CHECK; where the replica knows of no write there since, its locks check the versions
  read themselves, a stronger check, and on failing it the commit is sent again with the full one);
- a request's first run, before it writes, may answer a read from a copy it has not confirmed, if the copy is
  trusted (`Copies.trusted`: the last requests to confirm it found it current), all its reads of that partition
  at one version (`Unsure`). Its first commit checks them with its own reads, under its locks; a request that
  writes nothing has them checked in one statement before its answer is passed on (`confirm_reads`,
  web/request_scope.py holds the answer until then). Either check failing is StaleCopy: nothing was written or
  sent, and the request runs again confirming as it reads. So nothing answered or written upon rests on a copy
  the database has not confirmed after the request began.

A copy found out of date is brought to the partition's version in that same statement (or under that lock)
when the database holds every change since the copy's version: each record carries the version it was last
written at and each deletion leaves a tombstone, so the records and tombstones past the copy's version are
all that changed (postgres_changes.py). Where they may not all be there (a `clear`, tombstones pruned, more
than a copy takes, a write by an older mocknexus) the database says so and the copy starts again, empty.

So a write on one replica is seen by the next read on any other: nothing is answered from memory that the
database has not just confirmed, or brought forward to what it just confirmed. A replica's own writes enter
its copy only once committed.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

Version = tuple[int, int]  # (the partition's version, the database's epoch)
Key = tuple[str, str]  # (the table's full name, with its partition's prefix; the record's key)

MAX_PARTITIONS = 2000  # partitions kept per replica (least recently used dropped): a bound on memory
# A partition's copy answers a request before the database confirms it only once this many requests in a row
# found it current (their first confirmation there, or their check of what they read unconfirmed): where another
# replica writes, some request soon finds it behind.
TRUST_AFTER = 4
MAX_LATEST = 100_000  # partitions whose newest version is kept (all, then none): a bound on memory
MAX_FOLLOWS = 10_000  # first reads whose follower is kept (least recently learnt dropped): a bound on memory


@dataclass
class Copy:
    """One partition's records as the database held them at `version`: a record's text or None (absent), and
    the tables read whole (key -> text)."""

    version: Version
    records: dict[Key, str | None] = field(default_factory=dict)
    tables: dict[str, dict[str, str]] = field(default_factory=dict)

    def take(self, changes: dict[Key, str | None]) -> None:
        """Records changed (None: deleted), in the records and in the tables read whole."""
        for (name, key), text in changes.items():
            self.records[(name, key)] = text
            table = self.tables.get(name)
            if table is not None:
                if text is None:
                    table.pop(key, None)
                else:
                    table[key] = text


class Copies:
    """Every partition's copy in this replica, shared by its threads (a lock guards the dict, not the reads)."""

    def __init__(self, limit: int = MAX_PARTITIONS) -> None:
        self._lock = threading.Lock()
        self._copies: OrderedDict[str, Copy] = OrderedDict()
        self._follows: OrderedDict[tuple[str, Key], tuple[str, Key]] = OrderedDict()  # `learn`
        self._current: dict[str, int] = {}  # partition -> how many requests in a row found its copy current
        self._latest: dict[str, Version] = {}  # partition -> the newest version read or committed here (`latest`)
        self.lapses = 0  # how many times `_latest` was emptied (a bound on memory): the sole lease is then taken anew
        self._limit = limit

    def at(self, partition: str, version: Version) -> Copy:
        """The partition's copy at `version`: the one kept if it is at that version, else a new empty one (kept,
        unless the one kept is newer: a slower reader then fills a copy of its own, thrown away)."""
        with self._lock:
            found = self._copies.get(partition)
            if found is not None and found.version != version and newer(found.version, version):
                return Copy(version)
            if found is None or found.version != version:
                self._saw(partition, version)
                found = self._copies[partition] = Copy(version)
                if len(self._copies) > self._limit:
                    self._copies.popitem(last=False)
            else:
                self._copies.move_to_end(partition)
            return found

    def advance(
        self,
        partition: str,
        known: Version | None,
        version: Version,
        changes: dict[Key, str | None] | None,
        judge: bool = True,
    ) -> Copy:
        """A read found `partition` at `version`, its copy at `known` then, and brought `changes`, every record
        changed since `known` (postgres_changes.py; None: not whole, or too many): the copy, if still at
        `known`, is brought to `version`; else as `at`. The changes go in before the version moves, so a
        reader that finds the copy still at `known` may see a record newer than that, never older.

        A copy found behind is not `trusted` for a while; one found current counts towards it, if this read is
        the one to `judge` (a request's first confirmation there: a later one finds what its first brought)."""
        if known != version:
            self.found(partition, False)  # behind: another replica wrote there
        with self._lock:
            found = self._copies.get(partition)
            if found is not None and changes is not None and known != version and found.version == known:
                found.take(changes)
                found.version = version
                self._saw(partition, version)
                self._copies.move_to_end(partition)
                return found
        found = self.at(partition, version)
        if known == version and judge:
            self.found(partition, found.version == version)
        return found

    def keep(self, copy: Copy, version: Version, wanted: Key | str, found: Any) -> None:
        """What a read without the partition's lock found at `version` (a record's text, or by a table's name the
        table read whole) into `copy`, if the copy is still at `version`: under the lock, so a commit bringing the
        copy forward meanwhile (`committed`, `follow`: another replica's, postgres_notify.py) cannot be overwritten
        with what it changed."""
        with self._lock:
            if copy.version == version:
                if isinstance(wanted, str):
                    copy.tables[wanted] = found
                else:
                    copy.records[wanted] = found

    def trusted(self, partition: str) -> Copy | None:
        """The partition's copy, if a request may answer from it before the database confirms it (`Unsure`): the
        last TRUST_AFTER requests to confirm it found it current."""
        if self._current.get(partition, 0) < TRUST_AFTER:
            return None
        return self._copies.get(partition)

    def found(self, partition: str, current: bool) -> None:
        """A request found the partition's copy current, or not (then no request trusts it for a while)."""
        if not current:
            self._current.pop(partition, None)
            return
        count = self._current.get(partition, 0)
        if count < TRUST_AFTER:
            if len(self._current) > self._limit:
                self._current.clear()  # a bound on memory: every copy is confirmed a few times again
            self._current[partition] = count + 1

    def learn(self, first: tuple[str, Key], then: tuple[str, Key]) -> None:
        """A request's first read was `first`, and its first read in another partition `then` (a token's owner,
        then its session in the owner's world): next time, `then` is read in `first`'s round trip."""
        with self._lock:
            self._follows[first] = then
            self._follows.move_to_end(first)
            if len(self._follows) > MAX_FOLLOWS:
                self._follows.popitem(last=False)

    def follower(self, first: tuple[str, Key]) -> tuple[str, Key] | None:
        return self._follows.get(first)

    def current(self, partition: str) -> Copy | None:
        return self._copies.get(partition)

    def latest(self, partition: str) -> Copy | None:
        """The partition's copy if it is at the newest version this replica has read or committed there: under
        the sole lease (postgres_sole.py) the database's, as only this replica writes. A copy left behind by its
        own commits finishing out of order (`committed`) is not."""
        found = self._copies.get(partition)
        if found is None or self._latest.get(partition) != found.version:
            return None
        return found

    def _saw(self, partition: str, version: Version) -> None:
        """Under the lock: `version` of `partition` was read or committed."""
        latest = self._latest.get(partition)
        if latest is None or newer(version, latest):
            if len(self._latest) >= MAX_LATEST:
                self._latest.clear()  # a read in flight may bring a copy older than a commit no longer here
                self.lapses += 1
            self._latest[partition] = version

    def committed(self, partition: str, before: Version, after: Version, writes: dict[Key, str | None]) -> None:
        """A transaction moved `partition` from `before` to `after` with `writes`: the copy follows if it was at
        `before` (nothing else can have happened in between). A copy at another version is left as it is (the
        next read brings what changed since, these writes too); without one, the writes are one at `after`."""
        with self._lock:
            self._saw(partition, after)
            found = self._copies.get(partition)
            if found is None:
                self._copies[partition] = Copy(after, dict(writes))
                if len(self._copies) > self._limit:
                    self._copies.popitem(last=False)
                return
            if found.version != before:
                return
            found.take(writes)
            found.version = after

    def follow(self, partition: str, before: Version, after: Version, writes: dict[Key, str | None]) -> None:
        """Another replica's commit moved `partition` from `before` to `after` with `writes` (postgres_notify.py):
        as `committed`, but a partition without a copy here is left without one."""
        with self._lock:
            self._saw(partition, after)
            found = self._copies.get(partition)
            if found is not None and found.version == before:
                found.take(writes)
                found.version = after

    def forget(self, partition: str | None = None) -> None:
        with self._lock:
            if partition is None:
                self._copies.clear()
            else:
                self._copies.pop(partition, None)


def newer(one: Version, other: Version) -> bool:
    """Whether `one` is at or past `other` in both parts (versions and the epoch only grow)."""
    return one[0] >= other[0] and one[1] >= other[1]


class Unsure:
    """What a request's first run read from copies the database had not confirmed in it (`Copies.trusted`, read
    before the request wrote anything): each partition's version read, each record read (its text, None: absent)
    and the partitions of which it read a table whole. The request's first commit checks them under its locks
    (postgres_checks.py), or, if it writes nothing, one check before its answer is passed on; either failing, it
    is run again, confirming as it reads."""

    __slots__ = ("reads", "versions", "whole")

    def __init__(self) -> None:
        self.versions: dict[str, Version] = {}
        self.reads: dict[Key, str | None] = {}
        self.whole: set[str] = set()


class Pending:
    """One thread's database transaction: its connection, the partitions whose lock it still needs (`wanted`:
    their transactions were entered) and those it holds (with the versions found), the writes not yet sent
    (sent with the COMMIT, in one round trip), the partitions whose version moves at commit, and whether it
    cleared any (from then on it reads and writes the database alone)."""

    def __init__(self) -> None:
        self.conn: Any = None  # a psycopg.Connection, once the first statement needs one
        self.wanted: list[str] = []
        self.locked: dict[str, Version] = {}
        self.writes: dict[Key, str | None] = {}
        self.written: set[str] = set()
        self.cleared = False
        # Optimistic (a request's scope allows it): no lock until its commit, which checks what it read is so.
        self.optimistic = False
        self.seen: dict[str, Version] = {}  # the version each partition it read was read at
        self.read: dict[Key, str | None] = {}  # each record as it first read it (None: absent)
        self.whole: set[str] = set()  # partitions of which it read a table whole (their version alone tells)
