"""The PostgreSQL store's checks that what a request read is still so (store/postgres.py, postgres_cache.py says
why they are needed): the optimistic transaction's commit, which checks under the partitions' locks, and the
check of a request that wrote nothing, before its answer is passed on (`confirm_reads`).

Each comes in two weights. The full one checks each record read: what was read is still so even if the world
moved meanwhile through writes elsewhere in it. Where this replica knows of no write to the worlds read since it
read them, and expects none (`_unmoved_here`), the versions alone are checked: a stronger condition (nothing
written there at all), checked by the commit's locks themselves (postgres_changes.BUMP_AT,
postgres_sql.HOLD_AT) or by one light statement (postgres_sql.VERSIONS). If it fails, a write this replica had
not heard of came between, and the full check tells whether it touched what was read.
"""

from __future__ import annotations

from typing import Any

from mocknexus.store.base import StaleCopy, WorldMoved
from mocknexus.store.postgres_cache import Copies, Key, Pending, Unsure, Version
from mocknexus.store.postgres_changes import BUMP, BUMP_AT
from mocknexus.store.postgres_sql import (
    EPOCH,
    HOLD,
    HOLD_AT,
    Statement,
    check_statement,
    confirm_statement,
    partition_of,
    versions_statement,
    write_statements,
)


class Checks:
    """PostgresStore's optimistic commits and read-only checks: a mixin, using the store's thread state
    (`_local`), its copies, `_trusted` (postgres_reads.py), and its `_alone`, `_notices` and `_wrote`."""

    _local: Any
    _copies: Copies
    _sole: Any
    _alone: Any
    _trusted: Any
    _wrote: Any
    _notices: Any

    def _commit_optimistic(self, pending: Pending) -> None:
        """An optimistic transaction's commit: nothing to send if it wrote nothing (it locked nothing, began
        nothing). Else one round trip: every partition it read or wrote locked in one order (written ones moved),
        then a check that what it read is still so (postgres_sql.PREPARED_CHECK), with what the request read
        unconfirmed before (`Unsure`), its writes and COMMIT; WorldMoved if the check fails (or the locks deadlock
        with a transaction taking them as it reads), nothing written.

        Where this replica knows of no write to any partition read since it was read, and expects none
        (`_unmoved_here`), the locks check it themselves (BUMP_AT, HOLD_AT: the version is still the one read),
        without the check's statement, which costs the database more than any of them and this process the
        records read written out. If that fails, a write this replica had not heard of came between: the commit
        is sent again with the check, which tells whether it touched what was read, and those copies are not
        trusted for a while (postgres_cache.TRUST_AFTER)."""
        if not pending.written:
            return
        seen = dict(pending.seen)
        unsure: Unsure | None = self._local.unsure
        if unsure is not None and unsure.versions:
            for name, version in unsure.versions.items():
                if seen.setdefault(name, version) != version:
                    raise StaleCopy(f"partition {name!r} read unconfirmed at two versions")
        # One order, the root's last, as a transaction locking as it reads takes them (a world's, then the root's).
        names = sorted(pending.written | seen.keys(), key=lambda name: (name == "", name))
        written, moved = pending.written, sorted(pending.written)
        writes = write_statements(pending.writes)
        rows: list[list[tuple]] | None = None
        if seen and self._unmoved_here(seen):
            locks: list[Statement] = [
                (BUMP_AT if name in written else HOLD_AT, (name, *seen[name])) if name in seen else (BUMP, (name,))
                for name in names
            ]
            # Where its locks check every partition it moves, the versions after are known: one more than read.
            after = ([seen[name][0] + 1 for name in moved], seen[moved[0]][1]) if seen.keys() >= written else None
            notices = self._notices(moved, pending.writes, after)  # the other replicas' copies follow
            try:
                rows = self._alone([("BEGIN", ()), *locks, *writes, *notices, ("COMMIT", ())], moved=True)
            except WorldMoved:  # a write this replica had not heard of: the check tells; no such try for a while
                for name in seen:
                    self._copies.found(name, False)
        try:
            if rows is None:
                checked = self._checked_locks(names, pending, seen, unsure)
                notices = self._notices(moved, pending.writes)
                rows = self._alone([("BEGIN", ()), *checked, *writes, *notices, ("COMMIT", ())], moved=True)
        except WorldMoved:
            if unsure is not None and unsure.versions:
                for name in unsure.versions:
                    self._copies.found(name, False)
                raise StaleCopy("what the request read unconfirmed, or since, moved") from None
            raise
        scope = getattr(self._local, "scope", None)
        for index, name in enumerate(names, start=1):
            if name not in pending.written:
                if unsure is not None and name in unsure.versions:
                    # Read unconfirmed: its later reads in this request are confirmed at the version now held.
                    held = rows[index]  # HOLD_AT's row: a version of None, no row to lock
                    now: Version = (held[0][0] or 0, held[0][1]) if held else (0, unsure.versions[name][1])
                    self._copies.found(name, now == unsure.versions[name])
                    if scope is not None:
                        scope[name] = now
                continue
            after: Version = (rows[index][0][0], rows[index][0][1])
            if unsure is not None and name in unsure.versions:
                self._copies.found(name, (after[0] - 1, after[1]) == unsure.versions[name])
            writes = {key: text for key, text in pending.writes.items() if partition_of(key[0]) == name}
            self._copies.committed(name, (after[0] - 1, after[1]), after, writes)
            if scope is not None:
                scope[name] = after
        self._wrote()

    def _checked_locks(
        self, names: list[str], pending: Pending, seen: dict[str, Version], unsure: Unsure | None
    ) -> list[Statement]:
        """The commit's locks (BUMP where it writes, HOLD where it only read) and the check of each record it read,
        with what the request read unconfirmed before (`Unsure`)."""
        read, whole = dict(pending.read), set(pending.whole)
        if unsure is not None and unsure.versions:
            for key, text in unsure.reads.items():
                if partition_of(key[0]) in unsure.versions:
                    read.setdefault(key, text)
            whole |= unsure.whole
        statements: list[Statement] = [(BUMP if name in pending.written else HOLD, (name,)) for name in names]
        reads: dict[str, list[tuple[Key, str | None]]] = {}
        for key, text in read.items():
            reads.setdefault(partition_of(key[0]), []).append((key, text))
        if seen:
            statements.append(check_statement(seen, pending.written, reads, whole))
        return statements

    def _unmoved_here(self, seen: dict[str, Version]) -> bool:
        """Whether this replica knows of no write to the partitions read since they were read, and expects none:
        its copy of each is still at the version read (its own commits and, through notices, the other replicas'
        move it on), and trusted (`_trusted`: alone, or the last requests there found it current; where several
        writers are at work, one soon finds it behind, and a failed try costs a round trip)."""
        for name, version in seen.items():
            copy = self._trusted(name)
            if copy is None or copy.version != version:
                return False
        return True

    def confirm_reads(self) -> None:
        """Before a request's answer is passed on (web/request_scope.py): what it read from copies unconfirmed,
        if it wrote nothing since (a commit checks it), checked in one statement; WorldMoved if any of it is
        stale (the request is then run again). From here on its reads are confirmed as they are made."""
        local = self._local
        unsure: Unsure | None = local.unsure
        local.unsure = None
        if unsure is None or not unsure.versions:
            return
        if local.sole is not None and self._sole.held() == local.sole:
            return  # alone since the request began: what it read is the database's (postgres_sole.py)
        names = list(unsure.versions)
        if self._unmoved_here(unsure.versions) and self._versions_unmoved(names, unsure.versions):
            return
        places = {name: place for place, name in enumerate(names, start=1)}
        reads = [
            (key, text, places[part]) for key, text in unsure.reads.items() if (part := partition_of(key[0])) in places
        ]
        seen = [unsure.versions[name] for name in names]
        statement = confirm_statement(names, [at[0] for at in seen], [name in unsure.whole for name in names], reads)
        rows = self._alone([statement])[0]
        if not all(ok is True and epoch == at[1] for (epoch, _, ok), at in zip(rows, seen, strict=True)):
            for name in names:
                self._copies.found(name, False)
            raise StaleCopy("what the request read unconfirmed moved")
        scope = local.scope
        for name, at, (epoch, version, _) in zip(names, seen, rows, strict=True):
            self._copies.found(name, (version, epoch) == at)
            if scope is not None:
                scope[name] = (version, epoch)

    def _versions_unmoved(self, names: list[str], read_at: dict[str, Version]) -> bool:
        """`confirm_reads` where this replica knows of no write since the reads: whether every partition is still
        at the version read (the epoch too), asked in a statement lighter than the check of each record read. If
        not, the full check tells whether what was read moved with it."""
        rows = self._alone([versions_statement(names)])[0]
        now = dict(rows)
        epoch = now.pop(EPOCH, None)
        if not all((now.get(name, 0), epoch) == read_at[name] for name in names):
            return False
        scope = self._local.scope
        for name in names:
            self._copies.found(name, True)
            if scope is not None:
                scope[name] = read_at[name]
        return True
