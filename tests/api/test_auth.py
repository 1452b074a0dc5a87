"""Tokens and sessions: one-time api_tokens, expiry by the clock, and one user's session never reaching another's data."""

from __future__ import annotations

from dataclasses import replace

import pytest

from mocknexus.app import create_app
from tests.support import API_KEY, CLIENT, FlaskHttp, api_token, create_member, new_user, open_session


def test_an_api_token_opens_one_session_only(http):
    token = api_token(http, new_user(http))
    assert http.post("/sessions", headers={"MD-API-TOKEN": token}).status == 200
    again = http.post("/sessions", headers={"MD-API-TOKEN": token})
    assert again.status == 401
    assert again.json == {"error": {"code": 4010, "message": "The api_token has already been used."}}


def test_the_api_token_may_come_in_the_body_too(http):
    token = api_token(http, new_user(http))
    r = http.post("/sessions", json={"session": {"api_token": token, "skip_aggregation": True}})
    assert r.status == 200 and len(r.json["session"]["token"]) >= 64


def test_an_api_token_expires_after_ten_minutes(http, clock):
    user = new_user(http)
    fresh, stale = api_token(http, user), api_token(http, user)
    clock.advance(599)
    assert http.post("/sessions", headers={"MD-API-TOKEN": fresh}).status == 200
    clock.advance(1)
    r = http.post("/sessions", headers={"MD-API-TOKEN": stale})
    assert r.status == 401 and r.json["error"]["message"] == "The api_token has expired."


def test_sso_refuses_an_unknown_user_and_a_missing_key(http):
    r = http.get(f"/{CLIENT}/users/nobody/api_token.json", headers=API_KEY)
    assert r.status == 404 and r.json["error"]["code"] == 4040
    assert http.get(f"/{CLIENT}/users/nobody/api_token.json").status == 401


def test_sso_serves_the_documented_xml_form(http):
    user = new_user(http)
    r = http.client.get(f"/{CLIENT}/users/{user}/api_token.xml", headers=API_KEY)
    assert r.status_code == 200 and r.mimetype == "application/vnd.moneydesktop.sso.v3+xml"
    assert r.get_data(as_text=True).count("<token>") == 1


def test_a_configured_api_key_and_client_id_are_enforced(config, clock):
    http = FlaskHttp(create_app(replace(config, api_key="secret", client_id="acme"), clock=clock))
    body = {"user": {"id": "u1"}}
    assert http.post("/acme/users.json", json=body, headers={"MD-API-KEY": "wrong"}).status == 401
    assert http.post("/other/users.json", json=body, headers={"MD-API-KEY": "secret"}).status == 401
    assert http.post("/acme/users.json", json=body, headers={"MD-API-KEY": "secret"}).status == 200


def test_a_session_expires_after_thirty_idle_minutes_with_code_4011(http, clock):
    headers = open_session(http)
    clock.advance(29 * 60)
    assert http.get("/members", headers=headers).status == 200  # this call slides the expiry
    clock.advance(29 * 60)
    assert http.get("/members", headers=headers).status == 200
    clock.advance(30 * 60)
    r = http.get("/members", headers=headers)
    assert r.status == 401
    assert r.json == {"error": {"code": 4011, "message": "The session has expired."}}
    assert r.content_type.startswith("application/vnd.mx.nexus.v1+json")


@pytest.mark.parametrize("headers, code", [({}, 4010), ({"MD-SESSION-TOKEN": "not-a-session"}, 4010)])
def test_a_missing_or_unknown_session_token_is_refused(http, headers, code):
    r = http.get("/members", headers=headers)
    assert r.status == 401 and r.json["error"]["code"] == code


def test_one_users_session_cannot_reach_another_users_member(http, clock):
    alice = open_session(http)
    mallory = open_session(http)
    member = create_member(http, alice, password="password", skip=False)
    for _ in range(5):
        clock.advance(3)
        http.get(f"/members/{member['guid']}", headers=alice)
    account = http.get(f"/members/{member['guid']}/accounts", headers=alice).json["accounts"][0]
    guid = member["guid"]
    attempts = [
        ("GET", f"/members/{guid}"),
        ("PUT", f"/members/{guid}"),
        ("DELETE", f"/members/{guid}"),
        ("POST", f"/members/{guid}/verify"),
        ("GET", f"/members/{guid}/challenges"),
        ("GET", f"/members/{guid}/account_numbers"),
        ("GET", f"/members/{guid}/accounts"),
        ("GET", f"/accounts/{account['guid']}"),
        ("GET", f"/accounts/{account['guid']}/account_number"),
    ]
    for method, path in attempts:
        r = http.request(method, path, json={"member": {"name": "x"}}, headers=mallory)
        assert r.status == 404, (method, path, r.json)
        assert r.json["error"]["code"] == 4040
    assert http.get("/members", headers=mallory).json["members"] == []
    assert http.get(f"/members/{guid}", headers=alice).status == 200  # untouched


def test_deleting_a_user_ends_its_sessions_and_members(http):
    user = new_user(http)
    headers = open_session(http, user)
    create_member(http, headers, password="password")
    assert http.delete(f"/{CLIENT}/users/{user}.json", headers=API_KEY).status == 204
    assert http.get("/members", headers=headers).status == 401
    assert http.get(f"/{CLIENT}/users/{user}.json", headers=API_KEY).status == 404
    assert http.delete(f"/{CLIENT}/users/{user}.json", headers=API_KEY).status == 404
