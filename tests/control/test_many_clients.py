"""Server-wide control-plane reads with 20 000 client ids: a page of clients costs about what it costs with 200
(only its page is summarised), and the server-wide members read skips the worlds holding none.

Timings are the best of several reads (the least disturbed by a busy machine) and compared as a ratio within
one run, never against absolute milliseconds, except the members read's very generous ceiling."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest

from mocknexus.app import create_app
from mocknexus.config import Config
from tests.support import CLIENT, FlaskHttp, create_member, open_session

PAGE = "/__admin/clients?page=3&records_per_page=25"


def _best_ms(http: FlaskHttp, path: str, tries: int = 9) -> float:
    timings = []
    for _ in range(tries):
        started = time.perf_counter()
        response = http.get(path)
        timings.append(time.perf_counter() - started)
        assert response.status == 200, response.json
    return min(timings) * 1000


@pytest.fixture
def crowded(clock):
    """An app whose registry holds worlds created straight through it (an HTTP call each would take minutes)."""
    app = create_app(replace(Config(seed=7), max_clients=25_000), clock=clock)
    return app.extensions["mocknexus.worlds"], FlaskHttp(app)


def _grow(registry, size: int) -> None:
    for i in range(len(registry.built()), size):
        registry.create(f"client-{i:05d}")


def test_a_page_of_clients_costs_about_the_same_with_20000_client_ids_as_with_200(crowded):
    registry, http = crowded
    _grow(registry, 200)
    with_200 = _best_ms(http, PAGE)
    _grow(registry, 20_000)
    with_20000 = _best_ms(http, PAGE)
    body = http.get(PAGE).json
    assert [c["client_id"] for c in body["clients"]] == [f"client-{i:05d}" for i in range(50, 75)]
    assert body["pagination"] == {"current_page": 3, "per_page": 25, "total_entries": 20_000, "total_pages": 800}
    # 100 times the client ids; a page summarising every world (as it did) costs ~100 times as much.
    assert with_20000 < 10 * with_200 + 5, (with_200, with_20000)


def test_the_server_wide_members_and_sessions_reads_skip_the_empty_worlds_among_20000(crowded):
    registry, http = crowded
    created = create_member(http, open_session(http), password="password")  # in CLIENT's world, among them
    _grow(registry, 20_000)
    best = _best_ms(http, "/__admin/members")
    [found] = http.get("/__admin/members").json["members"]
    assert (found["guid"], found["client_id"]) == (created["guid"], CLIENT)
    assert [c["client_id"] for c in http.get("/__admin/sessions").json["credentials"]] == [CLIENT, CLIENT]
    assert best < 2000, best  # ~20-50 ms on a 2-core machine: a 40x margin for a loaded one
