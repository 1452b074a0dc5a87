"""A long transaction list is made at its first read (domain/data/listing.py's read-ahead): a page read after
that, anywhere in the history, makes no day and no purchase; a short list still makes each day and purchase when
a page first reaches it; and every page answers what it answers with no read-ahead at all (byte for byte: bench/transactions_hash.py)."""

from __future__ import annotations

import random

import pytest

from mocknexus.app import create_app
from mocknexus.config import Config
from mocknexus.domain.data import generate, listing
from tests.platform.support import Platform
from tests.platform.test_data_dump import _admin
from tests.support import FlaskHttp

LIST = "/users/{user}/members/{member}/transactions?from_date=2000-01-01&records_per_page=100&page={page}"


def _world(per_day: float) -> tuple[Platform, str]:
    """A login whose one checking account makes `per_day` purchases a day, its history extended to two years:
    (its client, the path of its list by member with `{page}` left to fill)."""
    app = create_app(Config(seed=21, job_time_scale=0))
    http = FlaskHttp(app)
    mx = Platform(http)
    _admin(http, "POST", "/clock/freeze", {"at": "2026-03-01T12:00:00+00:00"})
    _admin(http, "POST", "/test_accounts", {"name": "busy", "user_id": "busy", "accounts": [{
        "name": "Busy Checking", "type": "CHECKING", "account_number": "9876543210", "routing_number": "091000019",
        "balance": 100.0, "transactions_per_day": per_day}]})  # fmt: skip
    user = mx.user("busy")["guid"]
    member = mx.member(user, "password", background_aggregation_is_disabled=True)["guid"]
    mx.finish(user, member)
    mx.post(f"/users/{user}/members/{member}/extend_history", expect=202)
    mx.finish(user, member)
    return mx, LIST.format(user=user, member=member, page="{page}")


def _days_made() -> int:
    return generate.day_transactions.cache_info().misses


@pytest.fixture
def purchases_made(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many purchases each call that made any made (a Day makes them in `_made`)."""
    made: list[int] = []
    making = generate.Day._made

    def counted(day: generate.Day, indexes: list[int]) -> list:
        unmade = sum(day._raws[i] is None for i in indexes)
        if unmade:
            made.append(unmade)
        return making(day, indexes)

    monkeypatch.setattr(generate.Day, "_made", counted)
    return made


def _pages(mx: Platform, path: str) -> list[dict]:
    first = mx.get(path.format(page=1), expect=200).json
    total = first["pagination"]["total_pages"]
    return [first] + [mx.get(path.format(page=n), expect=200).json for n in range(2, total + 1)]


def test_a_long_list_is_made_at_its_first_read(purchases_made: list[int]):
    generate.warm_days.cache_clear()
    mx, path = _world(per_day=8.0)
    first = mx.get(path.format(page=1), expect=200).json["pagination"]
    assert first["total_entries"] >= listing.READ_AHEAD_FROM  # long enough to be read ahead
    assert sum(purchases_made) >= first["total_entries"] * 0.8  # the purchases (the rest are bills and pay)
    made, purchases_made[:] = _days_made(), []
    rng = random.Random(5)
    for page in [first["total_pages"], *rng.sample(range(2, first["total_pages"]), 20)]:
        mx.get(path.format(page=page), expect=200)
    assert _days_made() == made, "a page after the first read made a day"
    assert purchases_made == [], "a page after the first read made a purchase"


def test_a_list_too_long_to_make_whole_has_its_days_made(purchases_made: list[int], monkeypatch: pytest.MonkeyPatch):
    generate.warm_days.cache_clear()
    monkeypatch.setattr(listing, "READ_AHEAD_PURCHASES", listing.READ_AHEAD_FROM)
    mx, path = _world(per_day=8.0)
    first = mx.get(path.format(page=1), expect=200).json["pagination"]
    assert first["total_entries"] > listing.READ_AHEAD_PURCHASES
    made, purchases_made[:] = _days_made(), []
    mx.get(path.format(page=first["total_pages"] // 2), expect=200)
    assert _days_made() == made and 0 < sum(purchases_made) <= 100  # its days made; the page's purchases made now


def test_a_short_list_makes_each_day_when_a_page_first_reaches_it(purchases_made: list[int]):
    generate.warm_days.cache_clear()
    mx, path = _world(per_day=0.5)  # ~1.5 transactions a day with the bills: well under READ_AHEAD_FROM
    first = mx.get(path.format(page=1), expect=200).json["pagination"]
    assert first["total_pages"] > 5 and first["total_entries"] < listing.READ_AHEAD_FROM
    made, purchases_made[:] = _days_made(), []
    mx.get(path.format(page=first["total_pages"]), expect=200)
    assert _days_made() > made and purchases_made  # the oldest page's, made when it was read, not before


def test_every_page_is_what_it_is_without_read_ahead(monkeypatch: pytest.MonkeyPatch):
    mx, path = _world(per_day=8.0)
    generate.day_transactions.cache_clear()
    with monkeypatch.context() as patched:
        patched.setattr(listing, "READ_AHEAD_FROM", 10**9)
        made_as_read = _pages(mx, path)
    generate.day_transactions.cache_clear()
    generate.warm_days.cache_clear()
    assert _pages(mx, path) == made_as_read
    assert len(made_as_read) > 50
