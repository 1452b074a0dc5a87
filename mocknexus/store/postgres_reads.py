"""The PostgreSQL store's reads without a lock (store/postgres.py); the optimistic transaction's commit is in
postgres_checks.py.

A read without a lock carries its partition's version in its statement (postgres_cache.py says why a copy
answered after that cannot be stale). A request's first read brings, in its round trip, the record its first
read was followed by last time in another partition (a token's owner, then that token's session in the owner's
world): a member read is one round trip. Where another replica wrote since this replica's copy, a read brings
every record changed there since (postgres_changes.py), so the copy is current again. An optimistic
transaction (a request's first run) reads this way, each partition at one version, and its commit checks under
the partitions' locks that what it read is still so.
"""

from __future__ import annotations

from typing import Any

from mocknexus.store.base import StaleCopy, WorldMoved
from mocknexus.store.postgres_cache import Copies, Copy, Key, Pending, Unsure, Version, newer
from mocknexus.store.postgres_changes import brought
from mocknexus.store.postgres_sql import (
    VERSIONED_GET,
    VERSIONED_TABLE,
    versioned_get_statement,
)

MISS = object()  # `_fast_text`: not found the fast way


class LockFreeReads:
    """PostgresStore's reads without a lock: a mixin, using the store's thread state (`_local`), its copies, and
    its `_alone` and `_in_transaction`."""

    _local: Any
    _copies: Copies
    _sole: Any
    _alone: Any
    _in_transaction: Any

    def _trusted(self, part: str) -> Copy | None:
        """The copy a request may answer from before the database confirms it: alone (the sole lease held since
        the request began), the partition's newest copy, if no older than when the lease was taken; else one the
        last requests found current (`Copies.trusted`)."""
        if self._local.sole is None:
            return self._copies.trusted(part)
        copy = self._copies.latest(part)
        return copy if copy is not None and self._sole.covers(part, copy.version) else None

    # ---- records -----------------------------------------------------------------------------------------

    @staticmethod
    def _saw(pending: Pending, part: str, version: Version) -> None:
        """An optimistic transaction read `part` at `version`: all its reads of a partition are at one version
        (else they may not agree with each other), or it is run again with locks."""
        seen = pending.seen.setdefault(part, version)
        if seen != version:
            raise WorldMoved(f"partition {part!r} moved between two reads of one transaction")

    def _unsure_at(self, part: str, at: Version) -> Unsure | None:
        """The request's `Unsure` if it read `part` unconfirmed: every read of `part` answered from its copy is at
        that one version (the copy moved on meanwhile: WorldMoved, the request is run again)."""
        unsure: Unsure | None = self._local.unsure
        if unsure is None or not unsure.versions:
            return None
        version = unsure.versions.get(part)
        if version is None:
            return None
        if version != at:
            self._copies.found(part, False)
            raise StaleCopy(f"partition {part!r} read unconfirmed at two versions")
        return unsure

    def _confirmed_at(self, part: str, version: Version) -> None:
        """The database gave `part`'s version: if the request read it unconfirmed, at that version is confirmed,
        at another was stale (WorldMoved, nothing written yet: the request is run again)."""
        unsure: Unsure | None = self._local.unsure
        if unsure is None or part not in unsure.versions:
            return
        if unsure.versions.pop(part) != version:
            self._copies.found(part, False)
            raise StaleCopy(f"partition {part!r} was read unconfirmed from a stale copy")
        unsure.whole.discard(part)

    def _judge(self, part: str) -> bool:
        """Whether a confirmation of `part` says if its copy can be trusted (`Copies.advance`): a request's first
        there (or any outside a request)."""
        judged: set[str] | None = self._local.judged
        if judged is None:
            return True
        if part in judged:
            return False
        judged.add(part)
        return True

    def _fast_text(self, name: str, key: str) -> str | object | None:
        """`PostgresStore._text`'s fast path, most reads of a request: a record of a partition this request has
        confirmed, read outside a transaction or in an optimistic one, found in the copy at that version or
        newer. MISS if it is not that simple (`_text` then finds it)."""
        local, part, wanted = self._local, self._prefix, (name, key)
        pending = local.tx
        if pending is not None and (not pending.optimistic or wanted in pending.writes):
            return MISS
        scope = local.scope
        confirmed = scope.get(part) if scope is not None else None
        if confirmed is None:
            return MISS
        if local.used is None and (ahead := local.ahead) is not None and ahead[0] == part:
            self._followed(ahead, wanted)
        copy = self._copies.current(part)
        if copy is None:
            return MISS
        at = copy.version
        if at[0] < confirmed[0] or at[1] < confirmed[1] or wanted not in copy.records:  # not `newer`, inlined
            return MISS
        text = copy.records[wanted]
        if copy.version != at:  # moved on by a commit (`Copies.committed`) meanwhile
            return MISS
        if (unsure := self._unsure_at(part, at)) is not None:
            unsure.reads.setdefault(wanted, text)
        if pending is not None:  # optimistic: all its reads of a partition at one version, checked at commit
            if pending.seen.setdefault(part, at) != at:
                return MISS  # `_text` raises WorldMoved
            pending.read.setdefault(wanted, text)
        return text

    def _kept_text(self, part: str, wanted: Key) -> tuple[str | None, Version] | None:
        """`_unlocked_text`'s fast path: a record of a partition this request has confirmed, from the copy at that
        version or newer; None if the database must be asked."""
        local = self._local
        scope = local.scope
        confirmed = scope.get(part) if scope is not None else None
        if confirmed is None:
            return None
        if local.used is None and (ahead := local.ahead) is not None and ahead[0] == part:
            self._followed(ahead, wanted)
        copy = self._copies.current(part)
        if copy is None:
            return None
        at = copy.version
        if at[0] >= confirmed[0] and at[1] >= confirmed[1] and wanted in copy.records:  # `newer`, inlined
            text = copy.records[wanted]
            if copy.version == at:  # not moved on by a commit (`Copies.committed`) meanwhile
                if (unsure := self._unsure_at(part, at)) is not None:
                    unsure.reads.setdefault(wanted, text)
                return text, at
        return None

    def _unlocked_text(self, part: str, wanted: Key, pending: Pending | None) -> tuple[str | None, Version]:
        """A record of a partition this thread has not locked: from the copy if this request has confirmed its
        version already, else with its version in one statement; with the version it is at."""
        scope = getattr(self._local, "scope", None)
        confirmed = scope.get(part) if scope is not None else None
        if confirmed is not None:
            ahead = getattr(self._local, "ahead", None)
            if ahead is not None and ahead[0] == part:
                self._followed(ahead, wanted)
            copy = self._copies.current(part)
            if copy is not None and newer(at := copy.version, confirmed) and wanted in copy.records:
                text = copy.records[wanted]
                if copy.version == at:  # not moved on by a commit (`Copies.committed`) meanwhile
                    if (unsure := self._unsure_at(part, at)) is not None:
                        unsure.reads.setdefault(wanted, text)
                    return text, at
        elif (unsure := self._local.unsure) is not None:  # a first run's first read there: a trusted copy answers
            copy = self._trusted(part)
            if copy is not None and wanted in copy.records:
                at = copy.version
                text = copy.records[wanted]
                if copy.version == at and scope is not None:
                    scope[part] = unsure.versions[part] = at
                    unsure.reads[wanted] = text
                    return text, at
        if pending is not None:  # in the transaction's round trip (with its BEGIN and locks, if they are due)
            row = self._in_transaction(pending, [(VERSIONED_GET, (part, *wanted))])[0][0]
            version: Version = (row[0], row[1])
            self._copies.keep(self._copies.at(part, version), version, wanted, row[2])
            if scope is not None:
                scope[part] = version
            self._confirmed_at(part, version)
            return row[2], version
        reads = [(part, wanted)]
        if scope is not None and confirmed is None:  # this request's first read there
            reads += self._first_read(part, wanted)
        return self._read_alone(reads, scope)[0]

    def _first_read(self, part: str, wanted: Key) -> list[tuple[str, Key]]:
        """A request's first read in a partition (its scope has not confirmed it), about to be sent: the request's
        first read of all brings its follower (`Copies.learn`) into its round trip; the first read in a second
        partition is its follower, learnt for next time (and so is a read there other than the one brought)."""
        local = self._local
        first, ahead = getattr(local, "first", None), getattr(local, "ahead", None)
        if first is None:
            local.first = (part, wanted)
            follower = self._copies.follower(local.first)
            if follower is None or follower[0] == part:
                return []
            local.ahead = follower
            return [follower]
        if ahead is None:
            local.ahead, local.used = (part, wanted), True
            self._copies.learn(first, local.ahead)
        return []

    def _followed(self, ahead: tuple[str, Key], wanted: Key) -> None:
        """A read in the partition whose record the request's first round trip brought (`ahead`): if the first
        such read is of another record, that one is learnt instead, when the request ends (`scope`)."""
        local = self._local
        if local.used is None:
            local.used = wanted == ahead[1] or (ahead[0], wanted)

    def _read_alone(self, reads: list[tuple[str, Key]], scope: dict | None) -> list[tuple[str | None, Version]]:
        """Records, each with its partition's version, in one round trip; with each, if its partition moved since
        this replica's copy (another replica wrote), every record changed since: the copy is brought up to date
        (postgres_changes.py), and the request's later reads there answer from it."""
        statements, knowns = [], []
        for part, wanted in reads:
            kept = self._copies.current(part)
            known = kept.version if kept is not None else None
            statements.append(versioned_get_statement(part, wanted, known))
            knowns.append(known)
        found = []
        for (part, wanted), known, rows in zip(reads, knowns, self._alone(statements), strict=True):
            pv, ev, moved, text, changes = rows[0]
            version: Version = (pv, ev)
            copy = self._copies.advance(part, known, version, brought(moved, changes), self._judge(part))
            self._copies.keep(copy, version, wanted, text)
            if scope is not None:
                scope[part] = version
            found.append((text, version))
        for (part, _), (_, version) in zip(reads, found, strict=True):
            self._confirmed_at(part, version)  # after every copy has taken what the round trip brought
        return found

    def _unlocked_table(self, part: str, name: str, pending: Pending | None) -> tuple[dict[str, str], Version]:
        scope = getattr(self._local, "scope", None)
        confirmed = scope.get(part) if scope is not None else None
        if confirmed is not None:
            copy = self._copies.current(part)
            if copy is not None and newer(at := copy.version, confirmed) and name in copy.tables:
                found = dict(copy.tables[name])
                if copy.version == at:
                    if (unsure := self._unsure_at(part, at)) is not None:
                        unsure.whole.add(part)
                    return found, at
        elif (unsure := self._local.unsure) is not None:  # a first run's first read there: a trusted copy answers
            copy = self._trusted(part)
            if copy is not None and name in copy.tables:
                at = copy.version
                found = dict(copy.tables[name])
                if copy.version == at and scope is not None:
                    scope[part] = unsure.versions[part] = at
                    unsure.whole.add(part)
                    return found, at
        statement = (VERSIONED_TABLE, (part, name))
        rows = self._in_transaction(pending, [statement])[0] if pending is not None else self._alone([statement])[0]
        version: Version = (rows[0][0], rows[0][1])
        kept = {key: text for _, _, key, text in rows if key is not None}
        self._copies.keep(self._copies.at(part, version), version, name, kept)
        if scope is not None:
            scope[part] = version
        self._confirmed_at(part, version)
        return dict(kept), version
