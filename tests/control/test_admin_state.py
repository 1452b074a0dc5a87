"""GET /__admin/state masks members' credential values and MFA answers unless asked (reveal=true), so a dump
is safe to paste into a bug report; a masked dump is refused by PUT (it would store the masks)."""

from __future__ import annotations

from tests.support import CLIENT, create_member, open_session, poll_until_settled

STATE = f"/__admin/clients/{CLIENT}/state"  # this test's client: one snapshot (the server's holds every client's)


def _challenged_member(http, clock) -> str:
    headers = open_session(http)
    member = create_member(http, headers, password="challenge")
    http.post(f"/members/{member['guid']}/verify", headers=headers)
    poll_until_settled(http, headers, member["guid"], clock)
    return member["guid"]


def test_state_masks_credentials_and_mfa_answers_by_default(http, clock):
    guid = _challenged_member(http, clock)
    state = http.get(STATE).json
    member = next(m for m in state["members"] if m["guid"] == guid)
    assert set(member["credentials"].values()) == {"****"} and len(member["credentials"]) == 2
    assert [c["answer"] for c in member["job"]["challenges"]] == ["****"]
    assert state["secrets"] == "masked"
    assert "mxuser" not in str(state) and "correct" not in str(member)
    assert member["connection_status"] == "CHALLENGED"  # everything else is there


def test_reveal_true_gives_the_secrets_and_a_snapshot_that_loads_back(http, clock):
    guid = _challenged_member(http, clock)
    state = http.get(f"{STATE}?reveal=true").json
    member = next(m for m in state["members"] if m["guid"] == guid)
    assert sorted(member["credentials"].values()) == ["challenge", "mxuser"]
    assert member["job"]["challenges"][0]["answer"] == "correct"
    assert "secrets" not in state
    assert http.put(STATE, json=state).status == 200


def test_a_masked_snapshot_is_refused_and_changes_nothing(http, clock):
    _challenged_member(http, clock)
    before = http.get(f"{STATE}?reveal=true").json
    r = http.put(STATE, json=http.get(STATE).json)
    assert r.status == 400 and "reveal=true" in r.json["error"]["message"]
    assert http.get(f"{STATE}?reveal=true").json == before


def test_reveal_takes_true_or_false_only(http):
    open_session(http)  # the client's world exists once a call leaves state in it
    assert http.get(f"{STATE}?reveal=false").status == 200
    r = http.get(f"{STATE}?reveal=1")
    assert r.status == 400 and r.json["error"]["code"] == 4002
