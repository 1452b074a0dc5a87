"""The pure-Python core, where a unit test says more than an HTTP round trip."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from mocknexus.domain.core.clock import Clock
from mocknexus.domain.core.datagen import aba_routing_number, is_valid_aba
from mocknexus.domain.core.pagination import paginate
from mocknexus.domain.core.statuses import ConnectionStatus, Group


@pytest.mark.parametrize(
    "routing, valid", [("011000015", True), ("021000021", True), ("021000022", False), ("12345", False)]
)
def test_aba_checksum(routing, valid):
    assert is_valid_aba(routing) is valid


def test_generated_routing_numbers_pass_the_aba_checksum():
    rng = random.Random(1)
    assert all(is_valid_aba(aba_routing_number(rng)) for _ in range(1000))


def test_every_documented_status_exists_once_with_mx_ids():
    ids = {s.name: s.id for s in ConnectionStatus}
    assert ids["CREATED"] == 0 and ids["CHALLENGED"] == 3 and ids["CONNECTED"] == 6 and ids["PENDING"] == 21
    assert sorted(ids.values()) == list(range(22))
    assert ConnectionStatus.CHALLENGED.group is Group.ACTION
    assert not ConnectionStatus.RESUMED.is_end_state and ConnectionStatus.EXPIRED.is_end_state


def test_clock_freezes_advances_and_resets():
    start = datetime(2026, 1, 1, tzinfo=UTC)
    clock = Clock(frozen_at=start)
    assert clock.now() == start and clock.is_frozen
    clock.advance(90)
    assert (clock.now() - start).total_seconds() == 90
    clock.unfreeze()
    assert not clock.is_frozen and (clock.now() - start).total_seconds() >= 90
    clock.reset()
    assert clock.now() == start


def test_pagination_clamps_into_mx_range():
    items = list(range(2500))
    assert paginate(items, 1, 5)[1].per_page == 10
    assert paginate(items, 1, 5000)[1].per_page == 1000
    page, meta = paginate(items, 3, 1000)
    assert page == items[2000:] and meta.total_pages == 3
