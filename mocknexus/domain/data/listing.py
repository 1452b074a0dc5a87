"""Listing transactions the way MX's list operations filter and page them: by `date` between `from_date` and
`to_date` (MX's defaults: 120 days back, 5 days forward), by created and updated dates, by category and
top-level category; newest first (INFERRED: MX documents no order), in MX's pages. A bound is a day
(v20111101's YYYY-MM-DD, the whole day) or an instant (v20250224's unix timestamps, to the second: a
`from_date`/`to_date` instant bounds the transaction's `transacted_at`).

Without created/updated/category filters a page is found by counting whole days (`MemberView.count`) and
making only the days the page shows (and of a day, only the slice it shows: `generate.Day`), so page 500 of
100 000 transactions costs what page 1 does.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate

from mocknexus.domain.core.pagination import DEFAULT_PER_PAGE, MAX_PER_PAGE, MIN_PER_PAGE, Page
from mocknexus.domain.data import categories, generate
from mocknexus.domain.data.generate import Raw
from mocknexus.domain.data.records import Ledger
from mocknexus.domain.data.visibility import MemberView, Seen

DAYS_BACK, DAYS_FORWARD = 120, 5


# A filter's bound: a whole day, or an instant to the second (a `datetime`, itself a `date`: test it first).
Bound = date | datetime


def _day(bound: Bound | None) -> date | None:
    return bound.astimezone(UTC).date() if isinstance(bound, datetime) else bound


def _within(at: datetime, low: Bound | None, high: Bound | None) -> bool:
    """Whether `at` is between the bounds, both included: an instant's to the second, a day's whole."""
    if low is not None and (at < low if isinstance(low, datetime) else at.date() < low):
        return False
    return high is None or not (at > high if isinstance(high, datetime) else at.date() > high)


@dataclass(frozen=True)
class Query:
    from_date: Bound | None = None
    to_date: Bound | None = None
    from_created: Bound | None = None
    to_created: Bound | None = None
    from_updated: Bound | None = None
    to_updated: Bound | None = None
    category_guids: frozenset[str] = frozenset()
    top_level_guids: frozenset[str] = frozenset()

    def dates(self, today: date) -> tuple[date, date]:
        """The days the list spans (MX's defaults as whole days: "120 days ago", "5 days forward from the day
        the request is made")."""
        return (
            _day(self.from_date) or today - timedelta(days=DAYS_BACK),
            _day(self.to_date) or today + timedelta(days=DAYS_FORWARD),
        )

    @property
    def timed(self) -> bool:
        """Whether `from_date` or `to_date` is an instant: the first and last days are then cut to the second."""
        return isinstance(self.from_date, datetime) or isinstance(self.to_date, datetime)

    @property
    def simple(self) -> bool:
        """Whether only the date range filters (the fast path)."""
        return not (self.from_created or self.to_created or self.from_updated or self.to_updated
                    or self.category_guids or self.top_level_guids)  # fmt: skip

    def keeps(self, seen: Seen) -> bool:
        if self.timed and not _within(seen.raw.transacted_at, self.from_date, self.to_date):
            return False
        if not _within(seen.created_at, self.from_created, self.to_created):
            return False
        if not _within(seen.updated_at, self.from_updated, self.to_updated):
            return False
        guid = category_of(seen)
        if self.category_guids and guid not in self.category_guids:
            return False
        category = categories.get(guid)
        top = category.top_level_guid if category else guid
        return not self.top_level_guids or top in self.top_level_guids


def category_of(seen: Seen) -> str:
    edited = seen.edit.category_guid if seen.edit else None
    return edited or seen.raw.category_guid


@dataclass(frozen=True)
class Sources:
    """One or more members' views, and the ledgers of theirs a list covers."""

    parts: tuple[tuple[MemberView, tuple[Ledger, ...]], ...]


def page_size(per_page: int | None) -> int:
    return DEFAULT_PER_PAGE if per_page is None else min(max(per_page, MIN_PER_PAGE), MAX_PER_PAGE)


def list_page(
    sources: Sources, query: Query, today: date, page: int | None, per_page: int | None
) -> tuple[list[Seen], Page]:
    size, number = page_size(per_page), max(page or 1, 1)
    start, end = query.dates(today)
    bounds = [v.window() for v, _ in sources.parts]
    reached = [b for b in bounds if b is not None]
    if not reached or start > end:
        return [], Page(number, size, 0, 0)
    start = max(start, min(b[0] for b in reached))
    end = min(end, max(b[1] for b in reached))
    if query.simple:
        return _fast(sources, start, end, number, size, query.keeps if query.timed else None)
    kept = [s for s in _seen_between(sources, start, end) if query.keeps(s)]
    total = len(kept)
    return kept[(number - 1) * size : number * size], Page(number, size, total, (total + size - 1) // size)


def _fast(
    sources: Sources, start: date, end: date, number: int, size: int, cut: Callable[[Seen], bool] | None = None
) -> tuple[list[Seen], Page]:
    """A page by counting whole days; with `cut` (instant bounds), the first and last days are made and cut
    to the second, and every day between them counted whole. The page's days are found by bisecting the running
    counts, newest day first."""
    first, last = (number - 1) * size, number * size
    low, high = start.toordinal(), end.toordinal()
    per_day: list[int] | None = None
    for view, ledgers in sources.parts:
        for ledger in ledgers:
            counts = view.counts(ledger, low, high)
            per_day = counts if per_day is None else [a + b for a, b in zip(per_day, counts, strict=True)]
    if per_day is None:
        per_day = [0] * (high - low + 1)
    _read_ahead(sources, low, high, per_day)
    edges: dict[int, list[Seen]] = {}
    if cut is not None:
        for ordinal in {low, high}:
            edges[ordinal] = [s for s in _seen_on(sources, ordinal) if cut(s)]
            per_day[ordinal - low] = len(edges[ordinal])
    newest_first = per_day[::-1]
    ends = list(accumulate(newest_first))  # how many there are up to each day's end, newest day first
    found: list[Seen] = []
    index = bisect_right(ends, first)  # the first day ending past the page's first transaction
    while index < len(ends) and ends[index] - newest_first[index] < last:
        day_total, ordinal = newest_first[index], high - index
        if day_total:
            counted = ends[index] - day_total
            if ordinal in edges:
                found.extend(edges[ordinal][max(0, first - counted) : last - counted])
            else:
                found.extend(_seen_on(sources, ordinal, max(0, first - counted), last - counted, day_total))
        index += 1
    counted = ends[-1] if ends else 0
    return found, Page(number, size, counted, (counted + size - 1) // size)


def _read_ahead(sources: Sources, low: int, high: int, per_day: list[int]) -> None:
    """A long list made at its first read rather than a day or two at each page's (read-ahead: a page read at
    random, or the next one, then finds its days and purchases made). For 100 000 transactions over two years:
    ~0.5 s and ~45 MB once (what reading every page would make and keep anyway), against ~0.1 ms for each day
    and ~2.5 us for each purchase a page reaches unmade. Only where the list is long enough for that to matter,
    and its days fit in what is kept of days with room to spare for other members' and worlds'; the purchases
    only up to READ_AHEAD_PURCHASES (beyond, the days alone)."""
    ledgers = sum(len(ledgers) for _, ledgers in sources.parts)
    total = sum(per_day)
    if ledgers * (high - low + 1) > READ_AHEAD_DAYS or total < READ_AHEAD_FROM:
        return
    for view, ledgers_of_view in sources.parts:
        for ledger in ledgers_of_view:
            view.warm(ledger, low, high, purchases=total <= READ_AHEAD_PURCHASES)


READ_AHEAD_FROM = 5_000  # transactions in a list (50 pages of 100) from which it is made at its first read
READ_AHEAD_DAYS = generate.DAYS_KEPT * 3 // 4  # at most this many days (of all its ledgers) made ahead
READ_AHEAD_PURCHASES = 200_000  # at most this many transactions made ahead (~90 MB); a longer list: its days


def _seen_on(sources: Sources, ordinal: int, low: int = 0, high: int | None = None, total: int = -1) -> list[Seen]:
    """The day's transactions the last aggregation saw, newest first, from the `low`-th to before the `high`-th.
    When `total` (the day's count) is all the bank has that day, every one is seen: only the slice is worked out."""
    if len(sources.parts) == 1:  # one member's: its view works out the slice's (or the day's) at once
        view, ledgers = sources.parts[0]
        if len(ledgers) == 1:  # one ledger's day comes newest first already (a slice of it makes only the slice)
            raws: Sequence[Raw] = view.day(ledgers[0], ordinal)
        else:
            raws = sorted([r for ledger in ledgers for r in view.day(ledger, ordinal)], key=_newest_order, reverse=True)
        return view.seen_each(raws[low:high]) if total == len(raws) else view.seen_each(raws)[low:high]
    made = [(r, view) for view, ledgers in sources.parts for ledger in ledgers for r in view.day(ledger, ordinal)]
    if sum(len(ledgers) for _, ledgers in sources.parts) > 1:  # one ledger's day comes newest first already
        made.sort(key=lambda m: (m[0].transacted_at, m[0].guid), reverse=True)
    if total == len(made):
        return [s for r, view in made[low:high] if (s := view.seen(r)) is not None]
    return [s for r, view in made if (s := view.seen(r)) is not None][low:high]


def _newest_order(raw: Raw) -> tuple[datetime, str]:
    return raw.transacted_at, raw.guid


def _seen_between(sources: Sources, start: date, end: date) -> list[Seen]:
    found: list[Seen] = []
    for ordinal in range(end.toordinal(), start.toordinal() - 1, -1):
        found.extend(_seen_on(sources, ordinal))
    return found


def find(view: MemberView, ledgers: tuple[Ledger, ...], guid: str) -> Seen | None:
    """One transaction by guid: a stored one by its record, a generated one by the day its guid names."""
    for stored in view.data.stored:
        if stored.guid == guid:
            ledger = next((lg for lg in ledgers if lg.account_guid == stored.account_guid), None)
            if ledger is None:
                return None
            return next((s for r in view.day(ledger, stored.transacted_at.date().toordinal())
                         if r.guid == guid and (s := view.seen(r)) is not None), None)  # fmt: skip
    located = generate.locate(guid) if guid.startswith("TRN-") else None
    if located is None:
        return None
    tag, ordinal = located
    for ledger in ledgers:
        if generate.ledger_tag(view.seed, ledger.seed) == tag:
            return next((view.seen(r) for r in view.day(ledger, ordinal) if r.guid == guid), None)
    return None
