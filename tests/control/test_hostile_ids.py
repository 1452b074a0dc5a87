"""Issue 28, point 8: a whole-server snapshot with a junk `clock` is a 400 (it was ignored), and client ids
are 1 to 255 characters wherever a world would be made for one (a snapshot, a call naming it, the control
plane); a refused load changes nothing."""

from __future__ import annotations

import pytest

from tests.support import API_KEY

LONG = "x" * 10_000


def _server_document(http, **changes) -> dict:
    assert http.post("/kept/users.json", json={"user": {"id": "u"}}, headers=API_KEY).status == 200
    document = http.get("/__admin/state?reveal=true").json
    return {**document, **changes}


@pytest.mark.parametrize("stamp", ["junk", 12, "2026-13-01T00:00:00+00:00", "2026-01-01T00:00:00", {"a": 1}])
def test_a_junk_clock_in_a_whole_server_snapshot_is_a_400_that_changes_nothing(http, stamp):
    document = _server_document(http, clock=stamp)
    r = http.put("/__admin/state", json=document)
    assert r.status == 400 and "clock" in r.json["error"]["message"], r.json
    assert http.get("/kept/users.json", headers=API_KEY).json["users"][0]["id"] == "u"


def test_the_clock_a_snapshot_was_taken_at_loads(http):
    document = _server_document(http)
    assert http.put("/__admin/state", json=document).status == 200


def test_a_snapshot_naming_a_10000_character_client_id_is_a_400_that_changes_nothing(http):
    document = _server_document(http)
    document["clients"] = [*document["clients"], {**document["clients"][0], "client_id": LONG}]
    r = http.put("/__admin/state", json=document)
    assert r.status == 400 and "255" in r.json["error"]["message"], r.json
    assert http.get("/__admin/clients").json["clients"][0]["client_id"] == "kept"
    assert len(http.get("/__admin/clients").json["clients"]) == 1


def test_a_call_naming_a_10000_character_client_id_makes_no_world(app, http):
    r = http.post(f"/{LONG}/users.json", json={"user": {"id": "u"}}, headers=API_KEY)
    assert r.status == 400 and "255" in r.json["error"]["message"], r.json
    assert http.post(f"/__admin/clients/{LONG}/faults", json={"path": "/x", "status": 500}).status == 400
    assert app.extensions["mocknexus.worlds"].client_ids() == []
    assert http.post(f"/{'y' * 255}/users.json", json={"user": {"id": "u"}}, headers=API_KEY).status == 200
