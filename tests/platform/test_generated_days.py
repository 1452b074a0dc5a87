"""A generated day (domain/data/generate.py's `Day`) makes each purchase when first read: read whole, by slices in
any order, by index or from several threads at once, it hands out the same transactions, newest first by time
then guid, as it always made (a digest of days of every kind of account, taken when they were made all at once),
and lets its draws go once every purchase is made."""

from __future__ import annotations

import hashlib
import random
import threading

from mocknexus.domain.data import generate

KINDS = [("CHECKING", 1.0), ("CHECKING", 85.3), ("SAVINGS", 1.0), ("CREDIT_CARD", 3.0), ("LOAN", 1.0),
         ("MORTGAGE", 1.0), ("INVESTMENT", 1.0)]  # fmt: skip
# sha256 of the repr of every day below, as made before days were made lazily (main at 7937b73).
DIGEST = "cb0d74af29061ed0e148184c3b897a9ff1769883eb9d9a497f7c63101fe67519"


def _made(kind: str, rate: float, ordinal: int) -> generate.Day:
    return generate.day_transactions.__wrapped__(7, "led-" + kind, kind, rate, "ACT-1", ordinal)


def test_days_hold_what_they_always_held():
    digest = hashlib.sha256()
    for kind, rate in KINDS:
        for ordinal in range(739_000, 739_040):
            digest.update(repr(list(_made(kind, rate, ordinal))).encode())
    assert digest.hexdigest() == DIGEST


def test_a_day_read_in_slices_is_the_day_read_whole():
    rng = random.Random(26)
    for ordinal in range(739_000, 739_010):
        whole = list(_made("CHECKING", 85.3, ordinal))
        assert len(whole) > 100
        assert whole == sorted(whole, key=lambda r: (r.transacted_at, r.guid), reverse=True)
        day = _made("CHECKING", 85.3, ordinal)
        assert len(day) == len(whole)
        for _ in range(20):
            low = rng.randrange(len(whole))
            high = low + rng.randrange(1, 40)
            assert day[low:high] == whole[low:high]
            assert day[low] == whole[low] and day[-1 - low] == whole[-1 - low]
        assert list(day) == whole and not day._draws  # every purchase made: the draws let go


def test_threads_reading_a_day_at_once_share_one_made_day():
    for ordinal in range(739_000, 739_005):
        whole = list(_made("CHECKING", 400.0, ordinal))
        day = _made("CHECKING", 400.0, ordinal)
        seen: list[list] = []
        start = threading.Barrier(4)
        threads = [threading.Thread(target=_read, args=(day, offset, start, seen)) for offset in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(seen) == 4
        made = list(day)
        assert made == whole and all(a is b for a, b in zip(made, list(day), strict=True))
        assert all(part == whole[i : i + 7] for got in seen for i, part in got)
        assert not day._draws


def _read(day: generate.Day, offset: int, start: threading.Barrier, seen: list) -> None:
    start.wait()
    seen.append([(i, day[i : i + 7]) for i in range(offset, len(day), 4)])
