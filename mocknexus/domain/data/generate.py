"""Generated transactions: a pure function of (seed, account ledger, day), made only when read.

Each day of an account has its calendar's recurring items (payroll on the 1st and 15th, rent, bills,
card payments, loan payments, contributions) and a seeded number of everyday purchases (a Poisson draw
around the account's `rate`). How many there are on a day is known without making them (`day_count`), so
a page deep into 100 000 transactions makes only the days it shows, and of those only the purchases it shows
(`Day`: a day's order needs only their times). Card purchases post one to three days after they were made
(ACH items post the same day); a restaurant's posted amount adds the tip its pending amount did not have
(INFERRED: how card authorisations settle; MX passes on what the bank reports).
"""

from __future__ import annotations

import hashlib
import math
import random
import threading
import uuid
from array import array
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from itertools import repeat
from typing import NamedTuple, overload

from mocknexus.domain.data import categories as cat
from mocknexus.domain.data import merchants as mer

DEBIT, CREDIT = "DEBIT", "CREDIT"
MAX_POSTING_DAYS = 3  # the longest a generated transaction stays pending
_PURCHASES_PER_DAY = {"CHECKING": 1.6, "CREDIT_CARD": 1.2}  # at rate 1


class Raw(NamedTuple):
    """A transaction as the bank has it (before an aggregation decides what the partner sees of it)."""

    guid: str
    account_guid: str
    transacted_at: datetime
    posted_at: datetime | None  # None: pending until posted by hand (a stored transaction)
    amount: float  # the posted amount
    pending_amount: float  # what it shows while pending
    type: str
    category_guid: str
    merchant_guid: str | None
    description: str
    original_description: str
    memo: str | None = None
    id: str | None = None
    after_serial: int = 0  # a hand-added one: seen only by aggregations after this many
    posted_after: int = 0  # ... and posted only for those after this many


def _hash(*parts: object) -> int:
    return int.from_bytes(hashlib.blake2b(":".join(map(str, parts)).encode(), digest_size=8).digest(), "big")


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return _midnight(day.toordinal()) + timedelta(minutes=hour * 60 + minute)


_MINUTES = tuple(timedelta(minutes=m) for m in range(24 * 60))
_SHOPPING_MINUTES = _MINUTES[420 : 420 + 960]  # when an everyday purchase is made: 07:00 to 22:59


@lru_cache(maxsize=4096)
def _midnight(ordinal: int) -> datetime:
    return datetime.combine(date.fromordinal(ordinal), time(0), UTC)


def _last_day(day: date) -> bool:
    return (day + timedelta(days=1)).month != day.month


def _recurring_count(kind: str, day: date) -> int:
    d = day.day
    if kind == "CHECKING":
        return (d in (1, 15)) + (d == 1) + (d == 3) + (d == 5) + (d == 12) + (d == 20) + (d == 22)
    if kind == "SAVINGS":
        return (d == 3) + _last_day(day)
    if kind == "CREDIT_CARD":
        return int(d == 25)
    if kind == "LOAN":
        return int(d == 10)
    if kind == "MORTGAGE":
        return int(d == 1)
    if kind == "INVESTMENT":
        return (d == 15) + (d == 28 and day.month % 3 == 0)
    return 0


def _purchases(seed: int, ledger_seed: str, kind: str, rate: float, ordinal: int) -> int:
    mean = _PURCHASES_PER_DAY.get(kind, 0.0) * rate
    if mean <= 0:
        return 0
    u = (_hash(seed, ledger_seed, ordinal, "n") % 1_000_000 + 0.5) / 1_000_000
    if mean > 30:  # a busy account: the normal approximation of the Poisson draw
        z = math.sqrt(2) * _erfinv(2 * u - 1)
        return max(0, round(mean + z * math.sqrt(mean)))
    k, p = 0, math.exp(-mean)
    total = p
    while u > total and k < 200:
        k += 1
        p *= mean / k
        total += p
    return k


def _erfinv(y: float) -> float:
    # Winitzki's approximation: enough to spread a busy account's daily counts.
    a = 0.147
    ln = math.log(1 - y * y)
    first = 2 / (math.pi * a) + ln / 2
    return math.copysign(math.sqrt(math.sqrt(first * first - ln / a) - first), y)


def purchases_per_day(kind: str) -> float:
    """The everyday purchases a day an account of this kind makes at rate 1."""
    return _PURCHASES_PER_DAY.get(kind, 0.0)


@lru_cache(maxsize=4096)
def ledger_tag(seed: int, ledger_seed: str) -> bytes:
    return hashlib.blake2b(f"{seed}:{ledger_seed}".encode(), digest_size=6).digest()


def transaction_guid(seed: int, ledger_seed: str, ordinal: int, index: int) -> str:
    """A generated transaction's guid: stable, and naming its account's ledger and its day, so a read by
    guid makes one day (not the whole history) to find it."""
    return _day_guids(seed, ledger_seed, ordinal)(index)


def _day_guids(seed: int, ledger_seed: str, ordinal: int) -> Callable[[int], str]:
    """`transaction_guid` for one day's indexes: what they share (the ledger's tag, the day, the hash of the
    shared prefix: a copy of it takes the index, the same digest as hashing the whole text) made once."""
    head = (ledger_tag(seed, ledger_seed) + ordinal.to_bytes(3, "big")).hex()
    named = f"TRN-{head[:8]}-{head[8:12]}-{head[12:16]}-{head[16:]}"
    shared = hashlib.blake2b(f"{seed}:{ledger_seed}:{ordinal}:".encode(), digest_size=5)
    copy, numbers, texts, kept = shared.copy, _INDEX_GROUPS, _INDEX_TEXTS, len(_INDEX_TEXTS)

    def guid(index: int) -> str:
        tail = copy()
        if index < kept:
            tail.update(texts[index])
            return f"{named}{numbers[index]}{tail.hexdigest()}"
        tail.update(str(index).encode())
        number = f"{index:04x}"  # two bytes, across the fourth group's end
        return f"{named}{number[:2]}-{number[2:]}{tail.hexdigest()}"

    guid.parts = (named, copy)  # type: ignore[attr-defined]  # for a loop that makes guids inline (`Day`)
    return guid


# A day's first indexes as guid text: the index's two bytes across the fourth group's end, and as hashed.
_INDEX_GROUPS = tuple(f"{n >> 8:02x}-{n & 255:02x}" for n in range(4096))
_INDEX_TEXTS = tuple(str(n).encode() for n in range(4096))
_INDEX_SPAN = 1 << 16  # indexes whose guid text is "hh-hh" (four hex digits): a day's order packs them in 16 bits


def locate(guid: str) -> tuple[bytes, int] | None:
    """(ledger tag, day ordinal) a generated transaction's guid names; None for any other guid."""
    try:
        raw = uuid.UUID(guid.removeprefix("TRN-")).bytes
    except ValueError:
        return None
    return raw[:6], int.from_bytes(raw[6:9], "big")


def day_count(seed: int, ledger_seed: str, kind: str, rate: float, day: date) -> int:
    """How many transactions `day` has, without making them."""
    return _recurring_count(kind, day) + _purchases(seed, ledger_seed, kind, rate, day.toordinal())


@lru_cache(maxsize=256)
def day_counts(seed: int, ledger_seed: str, kind: str, rate: float, first: int, last: int) -> tuple[int, ...]:
    """`day_count` of every day from ordinal `first` to `last`, kept: a list's pages count the same days."""
    return tuple(day_count(seed, ledger_seed, kind, rate, date.fromordinal(o)) for o in range(first, last + 1))


DAYS_KEPT = 1024  # generated days kept made (day_transactions' cache), across every world


@lru_cache(maxsize=DAYS_KEPT)
def day_transactions(seed: int, ledger_seed: str, kind: str, rate: float, account_guid: str, ordinal: int) -> Day:
    """The account's transactions made on the day `ordinal` (date.toordinal), newest first."""
    day = date.fromordinal(ordinal)
    rng = random.Random(_hash(seed, ledger_seed, ordinal))
    fixed = random.Random(_hash(seed, ledger_seed, "fixed"))  # what stays the same every month
    made: list[tuple] = []
    d = day.day

    def ach(
        hour: int, amount: float, kind_: str, category: str, merchant: mer.Merchant | None, text: str, feed: str
    ) -> None:
        made.append((_at(day, hour), 0, round(amount, 2), round(amount, 2), kind_, category, merchant, text, feed))

    if kind == "CHECKING":
        pay, rent, saving = (
            round(fixed.uniform(1800, 3200), 2),
            round(fixed.uniform(900, 2200), 0),
            fixed.choice((100, 200, 250, 400)),
        )
        if d in (1, 15):
            ach(6, pay, CREDIT, cat.PAYCHECK, mer.EMPLOYER, "MX Technologies", mer.EMPLOYER.feed_name)
        if d == 1:
            ach(9, rent, DEBIT, cat.HOME, None, "Rent Payment", "ONLINE PMT RENT " + str(fixed.randrange(1000, 9999)))
        if d == 3:
            ach(
                8,
                saving,
                DEBIT,
                cat.TRANSFER,
                None,
                "Transfer to Savings",
                f"ONLINE TRANSFER TO SAV ...{fixed.randrange(10000):04d}",
            )
        for when, bill in ((5, mer.POWER), (12, mer.VERIZON), (20, mer.COMCAST), (22, mer.GEICO)):
            if d == when:
                made.append(
                    (
                        _at(day, 7),
                        1,
                        *(round(rng.uniform(bill.low, bill.high), 2),) * 2,
                        DEBIT,
                        bill.category_guid,
                        bill,
                        bill.name,
                        bill.feed_name,
                    )
                )
    elif kind == "SAVINGS":
        if d == 3:
            ach(
                8,
                fixed.choice((100, 200, 250, 400)),
                CREDIT,
                cat.TRANSFER,
                None,
                "Transfer from Checking",
                "ONLINE TRANSFER FROM CHK",
            )
        if _last_day(day):
            ach(23, rng.uniform(0.4, 18), CREDIT, cat.INCOME, None, "Interest Payment", "INTEREST PAID")
    elif kind == "CREDIT_CARD" and d == 25:
        ach(10, rng.uniform(150, 900), CREDIT, cat.TRANSFER, None, "Payment Thank You", "PAYMENT - THANK YOU")
    elif kind == "LOAN" and d == 10:
        ach(9, fixed.uniform(280, 560), CREDIT, cat.AUTO_PAYMENT, None, "Auto Loan Payment", "LOAN PAYMENT RECEIVED")
    elif kind == "MORTGAGE" and d == 1:
        ach(9, fixed.uniform(1200, 2600), CREDIT, cat.HOME, None, "Mortgage Payment", "MORTGAGE PAYMENT RECEIVED")
    elif kind == "INVESTMENT":
        if d == 15:
            ach(12, fixed.choice((250, 500, 750, 1000)), CREDIT, cat.INVESTMENTS, None, "Contribution", "CONTRIBUTION")
        if d == 28 and day.month % 3 == 0:
            ach(12, rng.uniform(20, 240), CREDIT, cat.INCOME, None, "Dividend Received", "DIVIDEND RECEIVED")
    guid_of = _day_guids(seed, ledger_seed, ordinal)
    # Posted at 05:00 one to three days later (lag 0: when made); Raw's fields in order, built as a tuple is.
    posting = [None, *(_midnight(ordinal + lag) + _MINUTES[300] for lag in range(1, MAX_POSTING_DAYS + 1))]
    make = tuple.__new__
    raws: list[Raw | None] = []
    for index, (at, lag, amount, pending, kind_, category, merchant, text, feed) in enumerate(made):
        posted, merchant_guid = posting[lag] if lag else at, merchant.guid if merchant else None
        raws.append(make(Raw, (guid_of(index), account_guid, at, posted, amount, pending, kind_, category,
                               merchant_guid, text, feed, None, None, 0, 0)))  # fmt: skip
    # Everyday purchases: every draw now (five a purchase, in the order they were always drawn), each purchase
    # made as its Raw only when read (`Day`): its time is all the day's order needs of it.
    purchases = _purchases(seed, ledger_seed, kind, rate, ordinal)
    # rng.random() each, called from C; kept as an array of doubles (8 bytes each, not a float object's 32).
    draws = array("d", list(map(random.Random.random, repeat(rng, 5 * purchases))))
    minutes = [m.hour * 60 + m.minute for m in (r.transacted_at for r in raws)]  # type: ignore[union-attr]
    minutes += [420 + int(d * 960) for d in draws[3::5]]  # _SHOPPING_MINUTES' first is 07:00
    raws += [None] * purchases
    return Day(raws, draws, minutes, len(made), guid_of, account_guid, _midnight(ordinal), posting[1:])


@lru_cache(maxsize=64)  # a window is made once (its days then kept as day_transactions keeps any day)
def warm_days(
    seed: int, ledger_seed: str, kind: str, rate: float, account_guid: str, first: int, last: int, purchases: bool
) -> None:
    """Make every day from ordinal `first` to `last` ahead of its first read, with every purchase of it too where
    `purchases`: a day is made whole (all of its draws and its order, ~0.1 ms for a busy one) even when a page
    shows one of its purchases, and each purchase shown costs ~2.5 us to make; made ahead, a page finds both."""
    for ordinal in range(first, last + 1):
        day = day_transactions(seed, ledger_seed, kind, rate, account_guid, ordinal)
        if purchases:
            day.make_all()


_MAKING = threading.Lock()  # a Day's Raws are made under it
_NO_DRAWS = array("d")


class Day(Sequence[Raw]):
    """One ledger's day, newest first (by transacted_at, then guid: the order sorting its Raws gives), each
    purchase made as its Raw when first read: a page shows a slice of a day or two, and its first read made
    every purchase of them (~1.4 us of each one's ~2 a guid, a feed text, its amounts). Reads by index, slice
    and iteration give the same Raws (made once, then kept) as making them all at once did."""

    __slots__ = ("_account", "_draws", "_first", "_guid_of", "_later", "_midnight", "_order", "_raws", "_unmade")

    def __init__(self, raws: list[Raw | None], draws: array, minutes: list[int], first: int,
                 guid_of: Callable[[int], str], account_guid: str, midnight: datetime,
                 later: list[datetime]) -> None:  # fmt: skip
        self._raws, self._draws, self._first, self._guid_of = raws, draws, first, guid_of
        self._account, self._midnight, self._later = account_guid, midnight, later
        self._unmade = len(raws) - first  # purchases not made yet: their draws are let go once all are made
        # Newest first; equal minutes by guid, newest first too. A day's guids share their text up to the index's
        # fixed-width hex ("hh-hh", _INDEX_GROUPS and guid_of alike), so their order is their indexes' order: one
        # sort of minute and index packed in an int, with no guid made for it.
        if len(minutes) <= _INDEX_SPAN:
            packed = sorted([minute << 16 | index for index, minute in enumerate(minutes)], reverse=True)
            self._order = [key & 0xFFFF for key in packed]
        else:  # more than a day can hold (guid_of's text is no longer fixed-width): guids compared as text
            keys = [(minute, guid_of(index)) for index, minute in enumerate(minutes)]
            self._order = sorted(range(len(minutes)), key=keys.__getitem__, reverse=True)

    def __len__(self) -> int:
        return len(self._order)

    def make_all(self) -> None:
        """Make every purchase not made yet (what reading the whole day does, without a list of it)."""
        if self._unmade:
            self._made(self._order)

    def __iter__(self) -> Iterator[Raw]:
        return iter(self._made(self._order))

    @overload
    def __getitem__(self, index: int) -> Raw: ...

    @overload
    def __getitem__(self, index: slice) -> list[Raw]: ...

    def __getitem__(self, index: int | slice) -> Raw | list[Raw]:
        if isinstance(index, slice):
            return self._made(self._order[index])
        return self._made([self._order[index]])[0]

    def _made(self, indexes: list[int]) -> list[Raw]:
        """The Raws at these indexes (as made), each made now if not yet: the purchase loop as it always ran, on
        its five kept draws. Making is one thread at a time (a Raw made once, the draws let go once all are)."""
        raws = self._raws
        found = [raws[i] for i in indexes]
        if None not in found:
            return found  # type: ignore[return-value]
        with _MAKING:
            draws, guid_of, first = self._draws, self._guid_of, self._first
            account_guid, midnight, later = self._account, self._midnight, self._later
            spending, count, minutes, make = _SPENDING, len(_SPENDING), _SHOPPING_MINUTES, tuple.__new__
            (named, copy), numbers, texts, kept = guid_of.parts, _INDEX_GROUPS, _INDEX_TEXTS, len(_INDEX_TEXTS)
            found, made = [], 0
            for index in indexes:
                raw = raws[index]
                if raw is None:
                    made += 1
                    at = 5 * (index - first)
                    category, guid, name, low, span, tips, feed_of = spending[int(draws[at] * count)]
                    amount = round(low + span * draws[at + 1], 2)
                    pending = round(amount / 1.18, 2) if tips else amount
                    if index < kept:  # guid_of(index), inline
                        tail = copy()
                        tail.update(texts[index])
                        own = f"{named}{numbers[index]}{tail.hexdigest()}"
                    else:
                        own = guid_of(index)
                    raw = raws[index] = make(Raw, (
                        own, account_guid, midnight + minutes[int(draws[at + 3] * 960)],
                        later[int(draws[at + 4] * MAX_POSTING_DAYS)], amount, pending, DEBIT, category, guid, name,
                        feed_of(int(draws[at + 2] * 16_777_216)), None, None, 0, 0,
                    ))  # fmt: skip
                found.append(raw)
            self._unmade -= made
            if not self._unmade:
                self._draws = _NO_DRAWS
        return found


def _feed(merchant: mer.Merchant) -> Callable[[int], str]:
    """What the bank's feed calls a purchase at `merchant` with its drawn code: the merchant's feed_name with its
    store number (`n`, from the code), the city and the code as hex, where it names them."""
    pattern = merchant.feed_name.replace("{city}", _CITY)
    if pattern.count("{") == 1 and "{n}" in pattern:
        head, tail = pattern.split("{n}")
        return lambda code: f"{head}{100 + code % 9899}{tail}"
    if pattern.count("{") == 1 and "{code}" in pattern:
        head, tail = pattern.split("{code}")
        return lambda code: f"{head}{code:06X}{tail}"
    return lambda code: merchant.feed_name.format(n=100 + code % 9899, city=_CITY, code=f"{code:06X}")


_CITY = "CINCINNATI OH"
# What a purchase needs of each spending merchant, in the order drawn: (category guid, guid, name, low price,
# price span, tips, its feed text from the drawn code).
_SPENDING = tuple((m.category_guid, m.guid, m.name, m.low, m.high - m.low, m.tips, _feed(m)) for m in mer.SPENDING)
