"""The control plane, observed the way a tester uses it: through /__admin/, the Python client and the CLI."""

from __future__ import annotations

import json
import time

import pytest

from mocknexus.cli import main
from mocknexus.client import AdminClient, AdminError
from tests.support import (
    API_KEY,
    CLIENT,
    LiveHttp,
    LiveServer,
    create_member,
    new_user,
    open_session,
    poll_until_settled,
)


@pytest.fixture
def live(app):
    with LiveServer(app) as server:
        yield server


@pytest.fixture
def admin(live):
    return AdminClient(live.url)


@pytest.fixture
def client(live):
    return LiveHttp(live.url)


# ---- reset and state --------------------------------------------------------------------------------------


def test_reset_returns_to_the_fixtures_and_clears_faults_journal_and_clock(http, clock):
    headers = open_session(http)
    create_member(http, headers, password="password")
    http.post("/__admin/faults", json={"path": "/nowhere", "status": 503})
    http.post("/__admin/clock/advance", json={"seconds": 3600})
    assert http.post("/__admin/reset").status == 200
    assert http.get("/__admin/requests").json == {"requests": []}
    assert http.get("/__admin/faults").json == {"faults": []}
    assert http.get("/members", headers=headers).status == 401  # sessions are gone with the users
    assert http.get("/__admin/clock").json["now"].startswith("2026-01-01T12:00:00")
    # The static fixtures are still there.
    assert http.get("/members/test_nexus_member/account_numbers", headers={"MD-SESSION-TOKEN": "test_session"}).json[
        "account_numbers"
    ]


def test_reset_one_user_leaves_the_others(http):
    alice, bob = new_user(http), new_user(http)
    alice_h, bob_h = open_session(http, alice), open_session(http, bob)
    create_member(http, alice_h, password="password")
    create_member(http, bob_h, password="password")
    assert http.post("/__admin/reset", json={"user_id": alice}).status == 200
    assert http.get("/members", headers=alice_h).status == 401
    assert http.get(f"/{CLIENT}/users/{alice}.json", headers=API_KEY).status == 200  # the user itself stays
    assert len(http.get("/members", headers=bob_h).json["members"]) == 1
    assert http.post("/__admin/reset", json={"user_id": "nobody"}).status == 404


def test_state_reads_and_loads_back(http, clock):
    headers = open_session(http)
    member = create_member(http, headers, password="challenge")
    http.post(f"/members/{member['guid']}/verify", headers=headers)
    poll_until_settled(http, headers, member["guid"], clock)
    state = http.get("/__admin/state?reveal=true").json  # the whole server, secrets in clear: a snapshot to load back
    [mine] = [c for c in state["clients"] if c["client_id"] == CLIENT]
    assert {m["guid"] for m in mine["members"]} == {member["guid"]}  # MX's static fixtures are not a client's
    saved = next(m for m in mine["members"] if m["guid"] == member["guid"])
    assert saved["connection_status"] == "CHALLENGED" and saved["job"]["challenges"]
    http.post("/__admin/reset")
    assert http.get(f"/members/{member['guid']}", headers=headers).status == 401
    assert http.put("/__admin/state", json=state).status == 200
    restored = http.get(f"/members/{member['guid']}", headers=headers).json["member"]
    assert restored["connection_status"] == "CHALLENGED"
    [challenge] = http.get(f"/members/{member['guid']}/challenges", headers=headers).json["challenges"]
    assert challenge["guid"] == saved["job"]["challenges"][0]["guid"]


def test_a_bad_snapshot_is_refused_and_changes_nothing(http):
    headers = open_session(http)
    before = http.get("/__admin/state").json
    r = http.put(f"/__admin/clients/{CLIENT}/state", json={"version": 1, "members": [{"guid": "MBR-x", "bogus": 1}]})
    assert r.status == 400 and "Member has no field(s) bogus" in r.json["error"]["message"]
    assert http.put("/__admin/state", json={"users": []}).status == 400
    bad_whole = {"version": 2, "clients": [{"version": 2, "client_id": "x", "members": [{"bogus": 1}]}]}
    assert http.put("/__admin/state", json=bad_whole).status == 400
    assert http.get("/members", headers=headers).status == 200
    assert http.get("/__admin/state").json == before


# ---- driving members --------------------------------------------------------------------------------------


def test_drive_a_member_into_a_scenario_and_start_a_job(http, clock):
    headers = open_session(http)
    member = create_member(http, headers, password="password")
    r = http.post(
        f"/__admin/members/{member['guid']}/scenario", json={"scenario": "mfa_token", "start": "VERIFICATION"}
    )
    assert r.status == 200 and r.json["member"]["is_being_aggregated"] is True
    assert poll_until_settled(http, headers, member["guid"], clock)["connection_status"] == "CHALLENGED"
    [challenge] = http.get(f"/members/{member['guid']}/challenges", headers=headers).json["challenges"]
    assert challenge["type"] == "TOKEN"
    assert http.post(f"/__admin/members/{member['guid']}/scenario", json={"scenario": "nope"}).status == 400


def test_force_a_status(http):
    headers = open_session(http)
    member = create_member(http, headers, password="password")
    r = http.post(f"/__admin/members/{member['guid']}/status", json={"connection_status": "LOCKED"})
    assert r.json["member"]["connection_status"] == "LOCKED" and r.json["member"]["is_being_aggregated"] is False
    r = http.post(f"/__admin/members/{member['guid']}/status", json={"connection_status": "CONNECTED"})
    assert r.json["member"]["connection_status"] == "CONNECTED"
    assert http.get(f"/members/{member['guid']}/account_numbers", headers=headers).json["account_numbers"]
    assert http.post(f"/__admin/members/{member['guid']}/status", json={"connection_status": "RESUMED"}).status == 400
    assert http.post("/__admin/members/MBR-none/status", json={"connection_status": "LOCKED"}).status == 404


def test_finish_a_running_job_now(http):
    headers = open_session(http)
    member = create_member(http, headers, password="delayed", name="MockNexus Scenario Bank")
    http.post(f"/members/{member['guid']}/verify", headers=headers)
    r = http.post(f"/__admin/members/{member['guid']}/finish")
    assert r.json["member"]["connection_status"] == "CONNECTED" and r.json["member"]["is_being_aggregated"] is False
    assert http.post(f"/__admin/members/{member['guid']}/finish").status == 409


# ---- the clock --------------------------------------------------------------------------------------------


def test_clock_read_advance_freeze_unfreeze(http):
    assert http.get("/__admin/clock").json == {"now": "2026-01-01T12:00:00+00:00", "frozen": True}
    assert http.post("/__admin/clock/advance", json={"seconds": 90}).json["now"] == "2026-01-01T12:01:30+00:00"
    assert (
        http.post("/__admin/clock/freeze", json={"at": "2030-05-01T00:00:00+00:00"}).json["now"]
        == "2030-05-01T00:00:00+00:00"
    )
    running = http.post("/__admin/clock/unfreeze").json
    assert running["frozen"] is False and running["now"] >= "2030-05-01T00:00:00"
    assert http.post("/__admin/clock/advance", json={"seconds": -5}).status == 400


def test_clock_advance_expires_a_session(http):
    headers = open_session(http)
    http.post("/__admin/clock/advance", json={"seconds": 1801})
    assert http.get("/members", headers=headers).json["error"]["code"] == 4011


# ---- faults, observed by a client -------------------------------------------------------------------------


@pytest.mark.live
def test_latency_fault_is_felt_by_the_client(admin, client):
    headers = open_session(client)
    admin.add_fault("/members", method="GET", latency_ms=300)
    started = time.perf_counter()
    assert client.get("/members", headers=headers).status == 200
    assert time.perf_counter() - started >= 0.3


@pytest.mark.live
def test_status_fault_answers_as_configured_and_stops_after_count(admin, client, clock):
    headers = open_session(client)
    member = create_member(client, headers, password="password")
    fault = admin.add_fault("/members/*/verify", method="POST", status=503, count=2, message="Try later.")
    for _ in range(2):
        r = client.post(f"/members/{member['guid']}/verify", headers=headers)
        assert r.status == 503 and r.json == {"error": {"code": 5030, "message": "Try later."}}
        assert r.content_type.startswith("application/vnd.mx.nexus.v1+json")
    assert client.post(f"/members/{member['guid']}/verify", headers=headers).status == 200
    [listed] = admin.faults()
    assert listed["id"] == fault["id"] and listed["hits"] == 2 and listed["count"] == 0
    # The faulted calls changed nothing: exactly one job ran.
    assert poll_until_settled(client, headers, member["guid"], clock)["connection_status"] == "CONNECTED"


@pytest.mark.live
def test_fault_matches_method_and_path_only(admin, client):
    headers = open_session(client)
    admin.add_fault("/members", method="POST", status=500)
    assert client.get("/members", headers=headers).status == 200
    assert client.post("/members", json={}, headers=headers).status == 500


def test_probability_faults_are_seeded(app, config, clock):
    from mocknexus.app import create_app
    from tests.support import FlaskHttp

    def pattern():
        http = FlaskHttp(create_app(config, clock=clock))
        http.post("/__admin/faults", json={"path": "/user", "status": 500, "probability": 0.5})
        headers = open_session(http)
        return [http.get("/user", headers=headers).status for _ in range(40)]

    first = pattern()
    assert first == pattern()
    assert 5 < first.count(500) < 35


@pytest.mark.live
def test_dropped_connection(admin, client):
    import requests

    headers = open_session(client)
    admin.add_fault("/user", drop=True, count=1)
    with pytest.raises(requests.ConnectionError):
        requests.get(client.base_url + "/user", headers=headers, timeout=5)
    assert client.get("/user", headers=headers).status == 200
    assert admin.requests(path="/user", status=0)[0]["fault"].startswith("FLT-")


@pytest.mark.live
def test_faults_are_listed_removed_and_cleared(admin):
    one = admin.add_fault("/a", status=500)
    admin.add_fault("/b", latency_ms=10)
    admin.remove_fault(one["id"])
    assert [f["path"] for f in admin.faults()] == ["/b"]
    admin.clear_faults()
    assert admin.faults() == []
    with pytest.raises(AdminError) as caught:
        admin.remove_fault("FLT-999")
    assert caught.value.status == 404


@pytest.mark.parametrize(
    "spec",
    [{"path": "/x"}, {"path": "/x", "status": 200}, {"path": "/x", "status": 503, "probability": 2}, {"status": 503}],
)
def test_bad_fault_specs_are_400(http, spec):
    assert http.post("/__admin/faults", json=spec).status == 400


# ---- the journal ------------------------------------------------------------------------------------------


@pytest.mark.live
def test_the_journal_records_calls_with_secrets_masked(admin, client):
    headers = open_session(client)
    create_member(client, headers, password="hunter2-secret")
    entries = admin.requests()
    assert all(not e["path"].startswith("/__admin") for e in entries)
    text = json.dumps(entries)
    assert "hunter2-secret" not in text and headers["MD-SESSION-TOKEN"] not in text
    create = admin.requests(method="POST", path="/members")[0]
    assert create["status"] == 200 and create["duration_ms"] >= 0
    assert {c["value"] for c in create["body"]["member"]["credentials"]} == {"****"}
    assert create["headers"]["Md-Session-Token"] == "****"
    assert admin.requests(path="/institutions/*", limit=1)[0]["path"].startswith("/institutions/")


@pytest.mark.live
def test_the_journal_filters_by_status_and_clears(admin, client):
    client.get("/members", headers={"MD-SESSION-TOKEN": "nope"})
    assert [e["status"] for e in admin.requests(status=401)] == [401]
    admin.clear_requests()
    assert admin.requests() == []


def test_the_journal_keeps_only_the_last_n(config, clock):
    from dataclasses import replace

    from mocknexus.app import create_app
    from tests.support import FlaskHttp

    http = FlaskHttp(create_app(replace(config, journal_size=5), clock=clock))
    for i in range(8):
        http.get(f"/members/{i}")
    assert [e["path"] for e in http.get("/__admin/requests").json["requests"]] == [
        f"/members/{i}" for i in (7, 6, 5, 4, 3)
    ]


# ---- scenarios list and the CLI ---------------------------------------------------------------------------


@pytest.mark.live
def test_scenarios_are_listed(admin):
    names = {s["name"] for s in admin.scenarios()}
    assert {"connected", "mfa_text", "mfa_image_options", "prevented", "delayed"} <= names


@pytest.mark.live
def test_cli_admin_commands(live, capsys):
    assert main(["admin", "--url", live.url, "clock", "advance", "30"]) == 0
    assert json.loads(capsys.readouterr().out)["now"] == "2026-01-01T12:00:30+00:00"
    assert main(["admin", "--url", live.url, "reset"]) == 0
    capsys.readouterr()
    assert main(["admin", "--url", live.url, "state"]) == 0
    assert json.loads(capsys.readouterr().out)["version"] == 2
    assert main(["admin", "--url", "http://127.0.0.1:9", "faults"]) == 1
