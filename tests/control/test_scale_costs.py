"""Issue 28, point 5: server-wide reads cost what they return, not a visit to every world; server-wide journal
waits look only at new entries; the background daemon visits only worlds with something to do.

Costs are counted (calls of the per-world work), not timed, so these hold on a loaded machine; the timings are
bench/hostile.py's `scale` run."""

from __future__ import annotations

import itertools
import random
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from mocknexus.app import create_app
from mocknexus.config import Config
from mocknexus.control.journal import Journal
from mocknexus.control.journal_index import Follower, JournalIndex
from mocknexus.domain.inspection import inspection
from mocknexus.domain.service import Emulator
from tests.support import CLIENT, FlaskHttp, create_member, open_session

WORLDS = 2000
KEY = {"MD-API-KEY": "k"}


@pytest.fixture
def crowded(clock):
    # No daemon: the tests run its ticks by hand (`_tick`), and one of its own, walking 2 000 new worlds on a busy
    # machine, would race them for what changed since the last.
    app = create_app(replace(Config(seed=7), max_clients=5000, background_seconds=0), clock=clock)
    registry = app.extensions["mocknexus.worlds"]
    for i in range(WORLDS):
        registry.create(f"client-{i:05d}").emulator.create_user("u")
    return app, registry, FlaskHttp(app)


def _counting(monkeypatch, owner, name: str) -> list:
    calls: list = []
    real = getattr(owner, name)

    def counted(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return calls


def test_the_server_wide_members_and_sessions_reads_visit_only_the_worlds_changed_since_the_last(crowded, monkeypatch):
    _, _, http = crowded
    created = create_member(http, open_session(http), password="password")
    assert [m["guid"] for m in http.get("/__admin/members").json["members"]] == [created["guid"]]
    http.get("/__admin/sessions")
    members, sessions = (_counting(monkeypatch, inspection, n) for n in ("holds_members", "holds_credentials"))
    http.post("/client-00007/users.json", json={"user": {"id": "another"}}, headers=KEY)
    for _ in range(3):
        [found] = http.get("/__admin/members").json["members"]
        assert (found["guid"], found["client_id"]) == (created["guid"], CLIENT)
        assert [c["client_id"] for c in http.get("/__admin/sessions").json["credentials"]] == [CLIENT, CLIENT]
    # One world changed since the last read (and CLIENT's, whose session was read): not 2000 looks each.
    assert len(members) <= 3 and len(sessions) <= 3, (len(members), len(sessions))


def test_server_wide_faults_and_deliveries_follow_their_worlds_without_visiting_the_others(crowded):
    _, _, http = crowded
    assert http.get("/__admin/faults").json["faults"] == []
    http.post("/__admin/clients/client-00042/faults", json={"path": "/users/*", "status": 500})
    [fault] = http.get("/__admin/faults").json["faults"]
    assert fault["client_id"] == "client-00042"
    http.delete("/__admin/clients/client-00042")  # forgotten: its fault goes with it
    assert http.get("/__admin/faults").json["faults"] == []
    assert http.get("/__admin/webhooks/deliveries").json["deliveries"] == []


def test_the_journal_index_answers_the_newest_by_id_even_when_requests_end_out_of_order():
    index = JournalIndex()
    ids = iter(range(1, 10_000))
    journals = [Journal(5, ids=ids, index=index, client_id=f"c{i}") for i in range(40)]
    rng = random.Random(7)
    started = []
    for _ in range(600):  # requests start (an id each) and end (recorded) in a shuffled order, some long
        started.append(next(ids))
        if len(started) > 8 or rng.random() < 0.5:
            entry_id = started.pop(rng.randrange(len(started)))
            method = rng.choice(["GET", "POST"])
            rng.choice(journals).record(entry_id, method=method, path="/x", query=b"", status=200, **_entry())
        if rng.random() < 0.01:
            rng.choice(journals).clear()
    everything = sorted((e for j in journals for e in j.matching()), key=lambda e: e.id, reverse=True)
    for limit in (1, 7, 100, None):
        assert [e.id for e in index.newest(limit, lambda j, e: True)] == [e.id for e in everything[:limit]]
    posts = [e.id for e in everything if e.method == "POST"][:10]
    assert [e.id for e in index.newest(10, lambda j, e: e.method == "POST")] == posts


def test_a_server_wide_read_of_the_newest_entries_walks_back_over_them_alone():
    index, ids = JournalIndex(), itertools.count(1)
    journals = [Journal(1000, ids=ids, index=index) for _ in range(200)]
    for n in range(5000):
        journals[n % 200].record(method="GET", path="/x", query=b"", status=200, **_entry())
    looked: list = []
    index.newest(100, lambda j, e: looked.append(e) or True)
    assert len(looked) == 100


def test_a_server_wide_wait_looks_only_at_the_entries_recorded_since_its_last_look():
    index, ids = JournalIndex(), itertools.count(1)
    journals = [Journal(1000, ids=ids, index=index) for _ in range(100)]
    for n in range(3000):
        journals[n % 100].record(method="GET", path=f"/p{n % 7}", query=b"", status=200, **_entry())
    looked: list = []
    follow = Follower(index, lambda j, e: looked.append(e) or e.path == "/p3")
    first = follow()
    assert len(looked) == 3000 and len(first) == len([n for n in range(3000) if n % 7 == 3])
    looked.clear()
    for n in range(3):
        journals[n].record(method="GET", path="/p3", query=b"", status=200, **_entry())
    assert len(follow()) == len(first) + 3
    assert len(looked) == 3  # the new entries, not 3003
    journals[0].clear()  # entries that left their journal are no longer found
    assert len(follow()) == sum(len(j.matching(path="/p3")) for j in journals) == len(first) + 3 - 5


def test_a_whole_server_snapshot_asks_only_the_worlds_changed_since_the_last(crowded, monkeypatch):
    _, registry, http = crowded
    http.get("/__admin/state")
    asked = _counting(monkeypatch, Emulator, "dump_state_json")
    http.post("/client-00003/users.json", json={"user": {"id": "later"}}, headers=KEY)
    http.post("/__admin/clients/client-00004/clock/advance", json={"seconds": 3600})
    document = http.get("/__admin/state").json
    assert len(document["clients"]) == WORLDS
    by_id = {c["client_id"]: c for c in document["clients"]}
    assert sorted(u["id"] for u in by_id["client-00003"]["users"]) == ["later", "u"]
    assert by_id["client-00004"]["clock"] == registry.get("client-00004").clock.now().isoformat()
    assert by_id["client-00005"]["clock"] == document["clock"]  # on the server's time
    assert len(asked) <= 3, len(asked)  # the two changed worlds, not 2000


def test_the_idle_daemon_visits_no_world_and_a_changed_one_alone(crowded, monkeypatch):
    app, _, http = crowded
    background = app.extensions["mocknexus.background"]
    background._tick()  # every world is new to it: each runs once
    runs = _counting(monkeypatch, background, "_run_world")
    background._tick()
    assert runs == []
    http.post("/client-00009/users.json", json={"user": {"id": "later"}}, headers=KEY)
    background._tick()
    assert [args[0].client_id for args in runs] == ["client-00009"]


def test_calls_that_write_only_their_session_give_the_daemon_no_walk_of_the_world(crowded, clock, monkeypatch):
    """A Nexus session's expiry slides on every call (a write); no ticker reads sessions, so a world whose calls
    wrote nothing else is not run again: with 100 000 members each run walked them all (bench/README.md)."""
    app, registry, http = crowded
    background = app.extensions["mocknexus.background"]
    headers = open_session(http)
    clock.advance(60)  # runs every world's tickers at once (a clock move), and makes the next call slide the session
    background._tick()
    runs = _counting(monkeypatch, background, "_run_world")
    before = registry.get(CLIENT).emulator.store.get("sessions", headers["MD-SESSION-TOKEN"]).last_used_at
    assert http.get("/members", headers=headers).status == 200
    assert registry.get(CLIENT).emulator.store.get("sessions", headers["MD-SESSION-TOKEN"]).last_used_at > before
    background._tick()
    assert runs == [], "a session's slide alone runs no ticker"
    create_member(http, headers, password="password")
    background._tick()
    assert [args[0].client_id for args in runs] == [CLIENT], "a member created does"


def _entry() -> dict:
    return {"at": datetime(2026, 1, 1, tzinfo=UTC), "content_type": "", "duration_ms": 1.0}
