"""Background work: jobs move by the emulated clock alone, with nobody polling, and timed actions run when a
world's clock reaches them. Members are read back from the store as it is (`raw`), which settles nothing, so
only work done without a request can have moved them."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import timedelta

import pytest

from mocknexus.app import create_app
from mocknexus.config import Config
from mocknexus.control.background import Background, JobTicker
from mocknexus.domain.core.clock import Clock
from mocknexus.domain.core.models import Member
from mocknexus.domain.core.statuses import ConnectionStatus
from tests.support import CLIENT, FlaskHttp, create_member, open_session

CLOCK_ONLY = {  # a scenario of time-gated steps: no step wants a read
    "description": "Connects after ten seconds, read or not.",
    "steps": [{"seconds": 5}, {"status": "CONNECTED", "seconds": 5}],
    "end": "CONNECTED",
    "accounts": 2,
}


@pytest.fixture
def app(config, clock):
    return create_app(replace(config, background_seconds=0), clock=clock)  # no daemon: only clock moves


def raw(app, guid: str) -> Member:
    """The member as stored: no job is settled by this read, and no request is made."""
    return app.extensions["mocknexus.worlds"].get(CLIENT).emulator.store.get("members", guid)


def verifying_member(http: FlaskHttp, scenario: str) -> str:
    headers = open_session(http)
    guid = create_member(http, headers, password="password")["guid"]
    body = {"scenario": scenario, "start": "VERIFICATION"}
    assert http.post(f"/__admin/clients/{CLIENT}/members/{guid}/scenario", json=body).status == 200
    return guid


def advance(http: FlaskHttp, seconds: float, client: str | None = CLIENT) -> None:
    prefix = f"/__admin/clients/{client}" if client else "/__admin"
    assert http.post(f"{prefix}/clock/advance", json={"seconds": seconds}).status == 200


def member_reads(http: FlaskHttp, guid: str) -> list:
    return [e for e in http.get("/__admin/requests").json["requests"] if e["path"].startswith(f"/members/{guid}")]


def test_a_job_reaches_its_end_state_by_the_clock_alone(app, http):
    assert http.post(f"/__admin/clients/{CLIENT}/scenarios", json={"scenarios": {"clock_only": CLOCK_ONLY}}).status
    guid = verifying_member(http, "clock_only")
    advance(http, 4)
    assert raw(app, guid).is_being_aggregated
    advance(http, 7)  # past both steps: the advance itself ran the job on
    member = raw(app, guid)
    assert member.connection_status is ConnectionStatus.CONNECTED and not member.is_being_aggregated
    assert len(member.account_guids) == 2  # the outcome too: accounts, with their numbers
    accounts = [
        app.extensions["mocknexus.worlds"].get(CLIENT).emulator.store.get("accounts", a) for a in member.account_guids
    ]
    assert all(a.numbers_verified for a in accounts)
    # Ended at its scenario's boundary by the clock, caused by the clock advance, with no read of the member.
    last = member.status_history[-1]
    assert last.at == member.job.started_at + timedelta(seconds=10)
    assert last.request == f"POST /__admin/clients/{CLIENT}/clock/advance"
    assert member_reads(http, guid) == []


def test_the_server_clock_moves_every_client_world(app, http):
    http.post(f"/__admin/clients/{CLIENT}/scenarios", json={"scenarios": {"clock_only": CLOCK_ONLY}})
    guid = verifying_member(http, "clock_only")
    advance(http, 30, client=None)
    assert raw(app, guid).connection_status is ConnectionStatus.CONNECTED


def test_a_step_that_wants_reads_waits_for_them_by_default(app, http):
    """The clock alone never takes a poll's place: a polling client still sees every status it is promised."""
    guid = verifying_member(http, "mfa_expires")  # its first step wants one read
    advance(http, 120)
    member = raw(app, guid)
    assert member.is_being_aggregated and member.job.step_index == 0
    assert member_reads(http, guid) == []


def test_a_world_that_does_without_polls_ends_poll_gated_steps_by_time(app, http):
    """What a webhook subscriber's world gets: `waive_polls`, and every step ends when its time is up."""
    app.extensions["mocknexus.background"].add_ticker("jobs", JobTicker(waive_polls=lambda world: True))
    connected = verifying_member(http, "connected")
    expiring = verifying_member(http, "mfa_expires")
    advance(http, 2)
    assert raw(app, connected).connection_status is ConnectionStatus.CONNECTED
    assert raw(app, expiring).connection_status is ConnectionStatus.CHALLENGED
    advance(http, 60)
    assert raw(app, expiring).connection_status is ConnectionStatus.EXPIRED
    assert member_reads(http, connected) == member_reads(http, expiring) == []


def test_a_job_moved_by_the_clock_reads_as_a_poll_would_have_found_it(app, http, clock):
    """The same statuses either way: work by the clock changes when a job moves, never where it goes."""
    http.post(f"/__admin/clients/{CLIENT}/scenarios", json={"scenarios": {"clock_only": CLOCK_ONLY}})
    guid = verifying_member(http, "clock_only")
    clock.advance(12)  # a test's own clock (the server's): the hook runs the job on
    by_clock = [(c.status, c.at, c.aggregating) for c in raw(app, guid).status_history]
    assert by_clock[-1][0] is ConnectionStatus.CONNECTED
    world = app.extensions["mocknexus.worlds"].get(CLIENT)
    read = world.emulator.any_member(guid)  # what a read settles it to: nothing more to do
    assert [(c.status, c.at, c.aggregating) for c in read.status_history] == by_clock


def test_timed_actions_run_when_the_worlds_clock_reaches_them(app, http):
    background: Background = app.extensions["mocknexus.background"]
    open_session(http)  # the client's world exists
    world = app.extensions["mocknexus.worlds"].get(CLIENT)
    ran: list[str] = []
    start = world.clock.now()
    background.at(world, start + timedelta(seconds=30), lambda: ran.append("retry"))
    background.at(world, start + timedelta(seconds=10), lambda: ran.append("first"))
    dropped = background.at(world, start + timedelta(seconds=20), lambda: ran.append("cancelled"))
    background.cancel(world, dropped)
    background.run_due()
    assert ran == []
    advance(http, 15)
    assert ran == ["first"]
    advance(http, 15)
    assert ran == ["first", "retry"] and background.pending(world) == []


def test_a_failing_action_fails_neither_the_clock_advance_nor_the_next_ones(app, http):
    background: Background = app.extensions["mocknexus.background"]
    open_session(http)
    world = app.extensions["mocknexus.worlds"].get(CLIENT)
    ran: list[int] = []
    background.at(world, world.clock.now() + timedelta(seconds=1), lambda: 1 / 0)
    background.at(world, world.clock.now() + timedelta(seconds=2), lambda: ran.append(2))
    advance(http, 5)
    background.run_due()
    assert ran == [2]


def test_the_daemon_moves_jobs_on_a_running_clock_with_no_request(clock):
    """Under `mocknexus serve` the clock runs with real time and nobody may move it: the daemon thread does
    the work. (The wait below is for the state asserted, bounded; the job itself takes 0.1 s.)"""
    config = Config(seed=7, job_time_scale=0.01, background_seconds=0.02)
    app = create_app(config, clock=Clock())
    http = FlaskHttp(app)
    http.post(f"/__admin/clients/{CLIENT}/scenarios", json={"scenarios": {"clock_only": CLOCK_ONLY}})
    guid = verifying_member(http, "clock_only")
    deadline = time.monotonic() + 30
    while raw(app, guid).is_being_aggregated and time.monotonic() < deadline:
        time.sleep(0.02)
    assert raw(app, guid).connection_status is ConnectionStatus.CONNECTED
    assert member_reads(http, guid) == []
    background: Background = app.extensions["mocknexus.background"]
    background.stop()
    assert background._thread is None


def test_a_sweep_reads_on_its_own_only_the_members_the_clock_may_move(app, http, monkeypatch):
    """Each second a world's sweep looks at every member as the store keeps it; only a member the clock may move
    (a running job, an OAuth answer to land, a background aggregation due) is read as a copy of its own to move,
    so a world of idle members costs no copy each (a store that copies per read: PostgreSQL)."""
    assert http.post(f"/__admin/clients/{CLIENT}/scenarios", json={"scenarios": {"clock_only": CLOCK_ONLY}}).status
    idle = [verifying_member(http, "clock_only") for _ in range(3)]
    advance(http, 11)  # their jobs done
    running = verifying_member(http, "clock_only")
    store = app.extensions["mocknexus.worlds"].get(CLIENT).emulator.store
    read, get = [], store.get
    monkeypatch.setattr(store, "get", lambda table, key: (read.append((table, key)), get(table, key))[1])
    advance(http, 6)  # the running job crosses its first step
    assert [key for table, key in read if table == "members"] == [running]
    assert raw(app, running).connection_status is ConnectionStatus.CONNECTED
    assert all(not raw(app, guid).is_being_aggregated for guid in idle)
