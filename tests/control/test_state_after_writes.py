"""A snapshot reflects every write made since the last one (issue 21, point 2): what a snapshot converted is
kept between reads (`domain/core/kept_snapshot.py`), and must never be answered once anything it shows has moved.

Each test reads the snapshot first (both forms, server-wide and the client's own: what is kept), makes one
kind of write, and reads again: users, members, tokens, the clock (with no call in the world), faults,
uploaded scenarios, and a loaded snapshot.
"""

from __future__ import annotations

import json

import pytest

from mocknexus.control import server_state
from mocknexus.domain.core import snapshot
from tests.support import API_KEY, CLIENT, api_token, create_member, new_user, open_session

ADMIN = f"/__admin/clients/{CLIENT}"
FORMS = ("/__admin/state", "/__admin/state?reveal=true", f"{ADMIN}/state", f"{ADMIN}/state?reveal=true")
SLOW = {"steps": [{"seconds": 30}, {"status": "CONNECTED", "seconds": 30}], "end": "CONNECTED", "accounts": 1}


def _all_forms(http, client: str = CLIENT) -> list[dict]:
    """The client's snapshot in every form it is read in (each is kept apart)."""
    found = []
    for path in FORMS:
        r = http.get(path.replace(CLIENT, client))
        assert r.status == 200, r.json
        whole = r.json
        found.append(next(c for c in whole["clients"] if c["client_id"] == client) if "clients" in whole else whole)
    return found


def _one(http, client: str = CLIENT) -> dict:
    (state,) = {json.dumps(s, sort_keys=True) for s in _all_forms(http, client) if "secrets" not in s}
    return json.loads(state)


def test_a_new_user_and_a_changed_user_show_in_the_next_snapshot(http):
    new_user(http, "first")
    _all_forms(http)
    new_user(http, "second")
    assert sorted(u["id"] for u in _one(http)["users"]) == ["first", "second"]
    r = http.put(f"/{CLIENT}/users/second.json", json={"user": {"email": "changed@example.com"}}, headers=API_KEY)
    assert r.status == 200, r.json
    second = next(u for u in _one(http)["users"] if u["id"] == "second")
    assert second["email"] == "changed@example.com"
    assert http.delete(f"/{CLIENT}/users/first.json", headers=API_KEY).status in (200, 204)
    assert [u["id"] for u in _one(http)["users"]] == ["second"]


def test_a_member_created_verified_and_deleted_shows_in_the_next_snapshot(http, clock):
    headers = open_session(http)
    _all_forms(http)
    member = create_member(http, headers, password="password")
    assert [m["guid"] for m in _one(http)["members"]] == [member["guid"]]
    assert http.post(f"/members/{member['guid']}/verify", headers=headers).status == 200
    (kept,) = _one(http)["members"]
    assert kept["job"]["type"] == "VERIFICATION"
    for form in _all_forms(http):  # the masked forms too: their members are masked again, not kept stale
        assert form["members"][0]["job"]["type"] == "VERIFICATION"
    assert http.delete(f"/members/{member['guid']}", headers=headers).status in (200, 204)
    assert _one(http)["members"] == []


def test_new_sessions_and_api_tokens_show_in_the_next_snapshot(http):
    user = new_user(http, "token-user")
    _all_forms(http)
    token = api_token(http, user)
    assert [t["token"] for t in _one(http)["api_tokens"]] == [token]
    r = http.post("/sessions", json={"session": {"skip_aggregation": True}}, headers={"MD-API-TOKEN": token})
    assert r.status == 200, r.json
    state = _one(http)
    assert [s["token"] for s in state["sessions"]] == [r.json["session"]["token"]]
    assert state["api_tokens"][0]["used"] is True  # the api token was spent on the session


@pytest.mark.parametrize("moved_by", ["server clock", "client clock"])
def test_the_clock_moving_with_no_call_settles_a_job_in_the_next_snapshot(http, clock, moved_by):
    assert http.post(f"{ADMIN}/scenarios", json={"scenarios": {"slow": SLOW}}).status == 201
    headers = open_session(http)
    member = create_member(http, headers, password="password")
    r = http.post(f"/__admin/members/{member['guid']}/scenario", json={"scenario": "slow", "start": "VERIFICATION"})
    assert r.status == 200, r.json
    before = _one(http)
    assert before["members"][0]["connection_status"] != "CONNECTED"
    _all_forms(http)
    if moved_by == "server clock":
        clock.advance(120)  # nothing reaches the world: only its snapshot's settling sees the time
    else:
        assert http.post(f"{ADMIN}/clock/advance", json={"seconds": 120}).status == 200
    after = _one(http)
    assert after["clock"] > before["clock"]
    assert after["members"][0]["connection_status"] == "CONNECTED"
    assert len(after["accounts"]) == 1


def test_a_fault_on_a_new_client_id_adds_its_world_to_the_next_snapshot(http):
    new_user(http)
    _all_forms(http)
    r = http.post("/__admin/clients/faulty/faults", json={"path": "/faulty/users/*", "status": 500})
    assert r.status in (200, 201), r.json
    clients = {c["client_id"]: c for c in http.get("/__admin/state").json["clients"]}
    assert set(clients) == {CLIENT, "faulty"}
    assert clients["faulty"]["users"] == []


def test_uploaded_and_removed_scenarios_show_in_the_next_snapshot(http):
    new_user(http)
    _all_forms(http)
    assert http.post(f"{ADMIN}/scenarios", json={"scenarios": {"slow": SLOW}}).status == 201
    assert _one(http)["scenarios"] == {"slow": SLOW}
    assert http.delete(f"{ADMIN}/scenarios/slow").status == 200
    assert _one(http)["scenarios"] == {}


def test_a_loaded_snapshot_and_a_reset_show_in_the_next_snapshot(http):
    new_user(http, "kept")
    saved = http.get(f"{ADMIN}/state?reveal=true").json
    new_user(http, "later")
    _all_forms(http)
    assert http.put(f"{ADMIN}/state", json=saved).status == 200
    assert [u["id"] for u in _one(http)["users"]] == ["kept"]
    assert http.post(f"{ADMIN}/reset").status == 200
    for client in http.get("/__admin/state?reveal=true").json["clients"]:
        assert client["users"] == []


def test_the_text_of_a_snapshot_is_the_document_masked_or_revealed(app, http, clock):
    """The kept JSON text and the document `dump_all` builds (and `mask_secrets` masks) say the same."""
    headers = open_session(http)
    guid = create_member(http, headers, password="challenge")["guid"]
    http.post(f"/members/{guid}/verify", headers=headers)
    clock.advance(5)
    http.get(f"/members/{guid}", headers=headers)
    new_user(http)  # after the member: the kept records are converted again
    registry = app.extensions["mocknexus.worlds"]
    for _ in range(2):  # the second time, from what was kept
        revealed = json.loads(server_state.dump_all_json(registry, reveal=True))
        assert revealed == json.loads(json.dumps(server_state.dump_all(registry)))
        assert json.loads(server_state.dump_all_json(registry, reveal=False)) == json.loads(
            json.dumps(snapshot.mask_secrets(server_state.dump_all(registry)))
        )
    assert "mxuser" in json.dumps(revealed) and b"mxuser" not in server_state.dump_all_json(registry, reveal=False)
