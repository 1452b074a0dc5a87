"""MX's static integration fixtures, exactly as MX publishes them: no user set up first."""

from __future__ import annotations

from mocknexus.domain.datagen import is_valid_aba
from tests.support import open_session, session_headers

TEST = session_headers("test_session")


def test_test_session_works_with_no_user_set_up(http):
    r = http.get("/members", headers=TEST)
    assert r.status == 200
    assert {m["guid"] for m in r.json["members"]} == {"test_nexus_member", "unverified"}


def test_test_nexus_member_has_account_numbers(http):
    r = http.get("/members/test_nexus_member/account_numbers", headers=TEST)
    assert r.status == 200
    numbers = r.json["account_numbers"]
    assert numbers and all(is_valid_aba(n["routing_number"]) for n in numbers)
    assert all(n["member_guid"] == "test_nexus_member" for n in numbers)


def test_unverified_has_no_account_numbers(http):
    r = http.get("/members/unverified/account_numbers", headers=TEST)
    assert r.status == 200 and r.json == {"account_numbers": []}


def test_verify_test_nexus_member_runs_a_verification(http, clock):
    r = http.post("/members/test_nexus_member/verify", headers=TEST)
    assert r.status == 200 and r.json["member"]["is_being_aggregated"] is True
    for _ in range(5):
        clock.advance(3)
        member = http.get("/members/test_nexus_member", headers=TEST).json["member"]
    assert member["connection_status"] == "CONNECTED" and member["is_being_aggregated"] is False
    assert http.get("/members/test_nexus_member/account_numbers", headers=TEST).json["account_numbers"]


def test_test_session_never_expires(http, clock):
    clock.advance(24 * 3600)
    assert http.get("/members", headers=TEST).status == 200


def test_the_static_members_belong_to_test_session_only(http):
    assert http.get("/members/test_nexus_member", headers=open_session(http)).status == 404
