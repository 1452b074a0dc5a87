"""A member's status timeline: every change, with the emulator-clock time and the journal request during
which it happened; kept by both stores and by state snapshots."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
import requests

from mocknexus.app import create_app
from mocknexus.client import open_session as open_session_at
from mocknexus.domain.core.statuses import ConnectionStatus, JobType
from tests.support import CLIENT, FlaskHttp, create_member, free_port, open_session, poll_until_settled

pytestmark = pytest.mark.both_stores


def inspected(http, guid: str) -> dict:
    members = http.get("/__admin/members").json["members"]
    return next(m for m in members if m["guid"] == guid)


def answer_challenges(http, headers: dict, guid: str, value: str = "correct") -> None:
    challenges = http.get(f"/members/{guid}/challenges", headers=headers).json["challenges"]
    body = {"member": {"challenges": [{"guid": c["guid"], "value": value} for c in challenges]}}
    assert http.put(f"/members/{guid}/resume", json=body, headers=headers).status == 200


def test_an_mfa_verification_is_recorded_step_by_step_with_its_requests(http, clock):
    headers = open_session(http)
    guid = create_member(http, headers, password="challenge")["guid"]
    assert http.post(f"/members/{guid}/verify", headers=headers).status == 200
    assert poll_until_settled(http, headers, guid, clock)["connection_status"] == "CHALLENGED"
    answer_challenges(http, headers, guid)
    assert poll_until_settled(http, headers, guid, clock)["connection_status"] == "CONNECTED"

    timeline = inspected(http, guid)["timeline"]
    steps = [(t["status"], t["aggregating"]) for t in timeline]
    assert steps[0] == ("CREATED", False)  # created without aggregating
    assert steps[1] == ("CREATED", True)  # the verification starts
    assert ("CHALLENGED", True) in steps and ("RESUMED", True) in steps
    assert steps[-1] == ("CONNECTED", False)
    assert [t["at"] for t in timeline] == sorted(t["at"] for t in timeline)

    # Each change names the journal entry of the request during which it happened; a step gated by time
    # alone ends when the clock passes it, with no request (control/background): those name the clock.
    journal = {e["id"]: e for e in http.get("/__admin/requests").json["requests"]}
    by_clock = [change for change in timeline if change["request"] == "CLOCK"]
    assert [(c["status"], c["aggregating"], c["request_id"]) for c in by_clock] == [("CONNECTED", False, None)]
    for change in timeline:
        if change not in by_clock:
            entry = journal[change["request_id"]]
            assert change["request"] == f"{entry['method']} {entry['path']}"
    assert timeline[0]["request"] == "POST /members"
    assert timeline[1]["request"] == f"POST /members/{guid}/verify"
    resumed = next(t for t in timeline if t["status"] == "RESUMED")
    assert resumed["request"] == f"PUT /members/{guid}/resume"
    # A job moves lazily: the change to CHALLENGED was seen by a poll, and dated at its step's boundary.
    challenged = next(t for t in timeline if t["status"] == "CHALLENGED")
    assert challenged["request"] == f"GET /members/{guid}"
    assert challenged["job_guid"] == timeline[1]["job_guid"] is not None


def test_control_plane_changes_name_the_admin_call_and_no_journal_entry(http):
    headers = open_session(http)
    guid = create_member(http, headers, password="password")["guid"]
    assert http.post(f"/__admin/members/{guid}/status", json={"connection_status": "LOCKED"}).status == 200
    last = inspected(http, guid)["timeline"][-1]
    assert (last["status"], last["aggregating"]) == ("LOCKED", False)
    assert last["request_id"] is None
    assert last["request"] == f"POST /__admin/members/{guid}/status"


def test_the_third_denial_in_a_row_is_recorded_as_prevented(http, clock):
    headers = open_session(http)
    guid = create_member(http, headers, password="UNAUTHORIZED")["guid"]
    for _ in range(3):
        assert http.post(f"/members/{guid}/verify", headers=headers).status == 200
        poll_until_settled(http, headers, guid, clock)
    ends = [t["status"] for t in inspected(http, guid)["timeline"] if not t["aggregating"]]
    assert ends == ["CREATED", "DENIED", "DENIED", "DENIED", "PREVENTED"]


def test_the_timeline_survives_a_state_snapshot_round_trip(http):
    headers = open_session(http)
    guid = create_member(http, headers, password="password")["guid"]
    http.post(f"/__admin/members/{guid}/status", json={"connection_status": "DENIED"})
    before = inspected(http, guid)["timeline"]
    state = http.get(f"/__admin/clients/{CLIENT}/state?reveal=true").json
    (member,) = [m for m in state["members"] if m["guid"] == guid]
    assert [c["status"] for c in member["status_history"]] == [t["status"] for t in before]
    assert http.post("/__admin/reset").status == 200
    assert http.put(f"/__admin/clients/{CLIENT}/state", json=state).status == 200
    assert inspected(http, guid)["timeline"] == before


def test_a_bad_timeline_in_a_snapshot_is_refused_and_changes_nothing(http):
    guid = create_member(http, open_session(http), password="password")["guid"]
    before = inspected(http, guid)["timeline"]
    state = http.get(f"/__admin/clients/{CLIENT}/state?reveal=true").json
    state["members"][0]["status_history"] = [{"status": "NOT_A_STATUS", "at": "2026-01-01T00:00:00+00:00"}]
    r = http.put(f"/__admin/clients/{CLIENT}/state", json=state)
    assert r.status == 400 and "status_history" in r.json["error"]["message"]
    assert inspected(http, guid)["timeline"] == before


def test_the_state_file_keeps_the_timeline_across_a_restart(tmp_path, clock):
    from mocknexus.config import Config

    config = Config(seed=7, state_file=str(tmp_path / "state.db"))
    http = FlaskHttp(create_app(config, clock=clock))
    headers = open_session(http)
    guid = create_member(http, headers, password="password")["guid"]
    http.post(f"/members/{guid}/verify", headers=headers)
    poll_until_settled(http, headers, guid, clock)
    before = inspected(http, guid)["timeline"]
    assert len(before) >= 3

    again = FlaskHttp(create_app(config, clock=clock))
    assert inspected(again, guid)["timeline"] == before


def test_journal_ids_are_given_when_a_request_starts_and_stay_unique(http):
    open_session(http)
    ids = [e["id"] for e in http.get("/__admin/requests").json["requests"]]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == len(ids) == 3


def _start(argv: list[str], env: dict, port: int) -> subprocess.Popen:
    """Start a server and wait for its health check; a slow answer on a loaded machine is waited for too."""
    proc = subprocess.Popen(argv, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/__admin/health", timeout=5).status_code == 200:
                return proc
        except requests.RequestException:
            time.sleep(0.1)
    proc.kill()
    raise AssertionError("server did not start")


@pytest.mark.live
def test_gunicorn_workers_sharing_a_state_file_show_one_timeline(tmp_path):
    """Each worker records the changes it sees into the shared store; any worker then shows them all
    (starts gunicorn: about two seconds)."""
    port = free_port()
    argv = [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}", "mocknexus.wsgi:app"]
    proc = _start(argv, {"MOCKNEXUS_STATE_FILE": str(tmp_path / "s.db"), "MOCKNEXUS_JOB_TIME_SCALE": "0"}, port)
    base, close = f"http://127.0.0.1:{port}", {"Connection": "close"}  # a new connection: any worker answers
    try:
        session = open_session_at(base, user_id="w1")
        headers = {**session.headers, **close}
        inst = requests.post(f"{base}/institutions/search", json={"institution": {"name": "MX Bank"}}, headers=headers)
        guid_ = inst.json()["institutions"][0]["guid"]
        creds = requests.get(f"{base}/institutions/{guid_}/credentials", headers=headers).json()["credentials"]
        values = {"LOGIN": "mxuser", "PASSWORD": "password"}
        member = {"institution_guid": guid_, "skip_aggregation": True,
                  "credentials": [{"guid": c["guid"], "value": values[c["field_name"]]} for c in creds]}  # fmt: skip
        guid = requests.post(f"{base}/members", json={"member": member}, headers=headers).json()["member"]["guid"]
        requests.post(f"{base}/members/{guid}/verify", headers=headers)
        for _ in range(10):
            if not requests.get(f"{base}/members/{guid}", headers=headers).json()["member"]["is_being_aggregated"]:
                break
        seen = set()
        for _ in range(6):
            members = requests.get(f"{base}/__admin/members", headers=close).json()["members"]
            timeline = next(m for m in members if m["guid"] == guid)["timeline"]
            seen.add(tuple((t["status"], t["aggregating"], t["request"]) for t in timeline))
        (only,) = seen  # every worker shows the same timeline
        assert only[0] == ("CREATED", False, "POST /members") and only[-1][:2] == ("CONNECTED", False)
    finally:
        proc.terminate()
        proc.wait(10)


def test_the_domain_reads_the_bound_request_and_nothing_outside_one(clock):
    """Pure domain, no web: a change outside any request names none; inside one, the bound one."""
    from mocknexus.domain.core import causes

    emu = create_app(clock=clock).extensions["mocknexus.worlds"].get("domain-client").emulator
    emu.create_user("domain-user")
    session = emu.open_session(emu.issue_api_token("domain-user").token, skip_aggregation=True)
    bank = next(i for i in emu.catalog.institutions.values() if i.code == "mxbank")
    values = {"LOGIN": "mxuser", "PASSWORD": "password"}
    credentials = [{"guid": c.guid, "value": values[c.field_name]} for c in bank.credentials]
    guid = emu.create_member(session.user_guid, bank.guid, credentials, skip_aggregation=True).guid
    member = emu.any_member(guid)
    assert [(c.status.name, c.request_id, c.request) for c in member.status_history] == [("CREATED", None, None)]
    binding = causes.bind(causes.RequestRef(41, "GET", f"/members/{guid}"))
    try:
        emu.drive_member(guid, None, JobType.VERIFICATION)
        emu.force_status(guid, ConnectionStatus.LOCKED)
    finally:
        causes.unbind(binding)
    history = emu.any_member(guid).status_history
    assert [c.status.name for c in history][-1] == "LOCKED" and any(c.aggregating for c in history)
    assert history[-1].request_id == 41
    assert history[-1].request == f"GET /members/{guid}"
    assert causes.current() is None
