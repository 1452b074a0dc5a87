"""What the partner sees of a member's transactions: which aggregations have brought each one in, whether it
is still pending, and when MX created and last updated it.

A transaction is seen by an aggregation made at or after it (and after it was added, for one added by
hand) whose history window reaches its date. Its `created_at` is the first such aggregation's time; it is
PENDING until an aggregation at or after its posting, which is its `updated_at` (INFERRED from MX's fields:
the same guid moves from PENDING to POSTED, `posted_at` set, the amount the posted one).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NamedTuple

from mocknexus.domain.data import generate
from mocknexus.domain.data.generate import Raw
from mocknexus.domain.data.records import Aggregation, Ledger, MemberData, StoredTransaction, TransactionEdit

PENDING, POSTED = "PENDING", "POSTED"
_UNKNOWN = Aggregation(datetime.min, "")  # not worked out yet (a dict's missing value)


def raw_of(stored: StoredTransaction) -> Raw:
    pending = stored.amount if stored.pending_amount is None else stored.pending_amount
    return Raw(
        stored.guid,
        stored.account_guid,
        stored.transacted_at,
        stored.posted_at,
        stored.amount,
        pending,
        stored.type,
        stored.category_guid or "",
        stored.merchant_guid,
        stored.description,
        stored.original_description or stored.description.upper(),
        stored.memo,
        stored.id,
        stored.after_serial,
        stored.posted_after,
    )


class Seen(NamedTuple):
    """One transaction as the last aggregation left it (a tuple: made ~100 times a page, as a tuple is)."""

    raw: Raw
    created_at: datetime
    updated_at: datetime
    status: str
    edit: TransactionEdit | None = None

    @property
    def amount(self) -> float:
        return self.raw.amount if self.status == POSTED else self.raw.pending_amount


@dataclass
class MemberView:
    """A member's data as of its last aggregation, with the indexes a read needs."""

    seed: int
    data: MemberData
    ats: list[datetime] = field(init=False)
    serials: list[int] = field(init=False)
    reaches: list[int] = field(init=False)  # each aggregation's history_from as a day ordinal
    stored_guids: set[str] = field(init=False)
    stored_by_day: dict[tuple[str, int], list[Raw]] = field(init=False)
    edits: dict[str, TransactionEdit] = field(init=False)

    def __post_init__(self) -> None:
        self.ats = [a.at for a in self.data.aggregations]
        self.serials = [a.serial for a in self.data.aggregations]
        self.reaches = [date.fromisoformat(a.history_from).toordinal() for a in self.data.aggregations]
        self.stored_by_day = defaultdict(list)
        for s in self.data.stored:
            self.stored_by_day[(s.account_guid, s.transacted_at.date().toordinal())].append(raw_of(s))
        self.edits = {e.guid: e for e in self.data.edits}
        self.stored_guids = {s.guid for s in self.data.stored}

    @property
    def latest(self) -> Aggregation | None:
        return self.data.latest

    def window(self) -> tuple[date, date] | None:
        """The dates the last aggregation reaches (None: no aggregation yet)."""
        latest = self.latest
        return None if latest is None else (date.fromisoformat(latest.history_from), latest.at.date())

    def day(self, ledger: Ledger, ordinal: int) -> Sequence[Raw]:
        """Everything the bank has for the account on that day (generated and stored), newest first: the generated
        day itself where nothing was stored that day (its Raws made as read: a slice of it makes only the slice)."""
        made: Sequence[Raw] = ()
        if ledger.generated and ordinal >= date.fromisoformat(ledger.opened_on).toordinal():
            made = generate.day_transactions(self.seed, ledger.seed, ledger.kind, ledger.rate,
                                             ledger.account_guid, ordinal)  # fmt: skip
        stored = self.stored_by_day.get((ledger.account_guid, ordinal))
        if stored:
            return sorted([*made, *stored], key=lambda r: (r.transacted_at, r.guid), reverse=True)
        return made

    def warm(self, ledger: Ledger, first: int, last: int, purchases: bool) -> None:
        """Make the generated days from ordinal `first` to `last` (with their purchases where `purchases`) ahead
        of their first read (generate.warm_days)."""
        if ledger.generated:
            first = max(first, date.fromisoformat(ledger.opened_on).toordinal())
            if first <= last:
                generate.warm_days(self.seed, ledger.seed, ledger.kind, ledger.rate, ledger.account_guid, first, last,
                                   purchases)  # fmt: skip

    def counts(self, ledger: Ledger, first: int, last: int) -> list[int]:
        """`count` of every day from ordinal `first` to `last`: the days wholly seen from the kept counts."""
        latest = self.latest
        if latest is None or last < first:
            return [0] * max(0, last - first + 1)
        opened = date.fromisoformat(ledger.opened_on).toordinal()
        whole_to = min(last, latest.at.date().toordinal() - 1)
        found = [0] * (last - first + 1)
        if ledger.generated and whole_to >= max(first, opened):
            start = max(first, opened)
            kept = generate.day_counts(self.seed, ledger.seed, ledger.kind, ledger.rate, start, whole_to)
            found[start - first : whole_to - first + 1] = kept
        for ordinal in range(max(first, whole_to + 1), last + 1):
            found[ordinal - first] = self.count(ledger, ordinal)
        for account_guid, ordinal in self.stored_by_day:
            if account_guid == ledger.account_guid and first <= ordinal <= min(last, whole_to):
                found[ordinal - first] = self.count(ledger, ordinal)
        return found

    def count(self, ledger: Ledger, ordinal: int) -> int:
        """How many of that day's transactions the last aggregation saw (cheap for a day wholly inside)."""
        latest = self.latest
        if latest is None:
            return 0
        if ordinal < latest.at.date().toordinal() and (ledger.account_guid, ordinal) not in self.stored_by_day:
            if not ledger.generated or ordinal < date.fromisoformat(ledger.opened_on).toordinal():
                return 0
            return generate.day_count(self.seed, ledger.seed, ledger.kind, ledger.rate, date.fromordinal(ordinal))
        if (ledger.account_guid, ordinal) not in self.stored_by_day and latest.serial > 0:
            # Only generated ones: `seen` finds the latest aggregation for any made by its time and dated in its
            # window, so counting their times is enough (every page counts today's; `seen` on each was most of it).
            if date.fromordinal(ordinal).isoformat() < latest.history_from:
                return 0
            at = latest.at
            return sum(1 for r in self.day(ledger, ordinal) if r.transacted_at <= at)
        return sum(1 for r in self.day(ledger, ordinal) if self.seen(r) is not None)

    def first_aggregation(self, raw: Raw, after: datetime, serial: int) -> Aggregation | None:
        """The first aggregation at or after `after`, later than the `serial`-th, reaching the raw's date."""
        aggregations, reaches = self.data.aggregations, self.reaches
        day = raw.transacted_at.toordinal()  # its date's, as history_from is a date
        start = bisect_left(self.ats, after)
        if serial:
            start = max(start, bisect_right(self.serials, serial))
        for index in range(start, len(aggregations)):
            if day >= reaches[index]:
                return aggregations[index]
        return None

    def seen(self, raw: Raw) -> Seen | None:
        """The transaction as the last aggregation left it, or None if no aggregation has seen it."""
        found = self.seen_each((raw,))
        return found[0] if found else None

    def seen_each(self, raws: Iterable[Raw]) -> list[Seen]:
        """`seen` of each of `raws`, those seen, in order: the latest aggregation and the indexes read once, not
        once a transaction (a page's 100)."""
        latest = self.latest
        if latest is None:
            return []
        at, serial, reach, earliest = latest.at, latest.serial, self.reaches[-1], self.ats[0]
        edits, first_aggregation, make = self.edits, self.first_aggregation, tuple.__new__
        # Made before every aggregation and not added by hand: its first aggregation is the first reaching its
        # day, the same for the whole day (worked out once a day, not once a transaction).
        firsts: dict[int, Aggregation | None] = {}
        found: list[Seen] = []
        for raw in raws:
            # Raw's fields in order, read once by unpacking (a field read by name costs more: 100 a page).
            guid, _, transacted_at, posted_at, _, _, _, _, _, _, _, _, _, after_serial, posted_after = raw
            day = transacted_at.toordinal()
            if transacted_at > at or after_serial >= serial or day < reach:
                continue
            if transacted_at <= earliest and not after_serial:
                first = firsts.get(day, _UNKNOWN)  # type: ignore[arg-type]
                if first is _UNKNOWN:
                    first = firsts[day] = first_aggregation(raw, transacted_at, 0)
            else:
                first = first_aggregation(raw, transacted_at, after_serial)
            if first is None:
                continue
            posted = posted_at is not None and posted_at <= at and posted_after < serial
            updated = first.at
            if posted and (posted_at > first.at or posted_after >= first.serial):  # type: ignore[operator]
                posting = first_aggregation(raw, posted_at, posted_after)  # type: ignore[arg-type]
                updated = posting.at if posting else at
            edit = edits.get(guid)
            if edit is not None:
                updated = max(updated, edit.updated_at)
            found.append(make(Seen, (raw, first.at, updated, POSTED if posted else PENDING, edit)))
        return found
