"""MX's static test endpoints (docs.mx.com/nexus/test-endpoints), exactly as MX publishes them: no user set
up first, every member endpoint answering for a status name, and nothing a caller does changing them."""

from __future__ import annotations

import pytest

from mocknexus.domain.core.datagen import is_valid_aba
from mocknexus.domain.core.statuses import ConnectionStatus
from mocknexus.domain.static_members.static_members import STATUS_NAMES
from tests.support import open_session, session_headers

TEST = session_headers("test_session")


def test_test_session_works_with_no_user_set_up(http):
    r = http.get("/members", headers=TEST)
    assert r.status == 200
    assert {m["guid"] for m in r.json["members"]} == {"test_member", "test_nexus_member", "unverified", "unidentified"}


def test_there_are_twenty_status_names():
    assert len(STATUS_NAMES) == 20 and "EXPIRED" not in STATUS_NAMES and "PENDING" not in STATUS_NAMES


@pytest.mark.parametrize("name", STATUS_NAMES)
def test_every_status_name_is_a_member_in_that_state(http, name):
    member = http.get(f"/members/{name}", headers=TEST).json["member"]
    status = ConnectionStatus[name]
    assert member["guid"] == name
    assert (member["connection_status"], member["connection_status_id"]) == (name, status.id)
    challenges = http.get(f"/members/{name}/challenges", headers=TEST).json["challenges"]
    assert bool(challenges) == (name == "CHALLENGED")
    assert http.get(f"/members/{name}/credentials", headers=TEST).status == 200
    assert http.put(f"/members/{name}", json={"member": {"metadata": "x"}}, headers=TEST).status == 200


def test_challenged_asks_a_question_and_takes_an_answer(http):
    challenge = http.get("/members/CHALLENGED/challenges", headers=TEST).json["challenges"][0]
    assert challenge["type"] == "TEXT" and challenge["guid"].startswith("CRD-")
    body = {"challenges": [{"guid": challenge["guid"], "value": "correct"}]}
    r = http.put("/members/CHALLENGED/resume", json=body, headers=TEST)
    assert r.status == 200 and r.json["member"]["connection_status"] == "CHALLENGED"  # static: it stays
    assert http.put("/members/CONNECTED/resume", json=body, headers=TEST).status == 405


def test_processing_states_show_a_running_job(http):
    assert http.get("/members/DELAYED", headers=TEST).json["member"]["is_being_aggregated"] is True
    assert http.get("/members/DENIED", headers=TEST).json["member"]["is_being_aggregated"] is False


def test_test_nexus_member_has_account_numbers_and_owners(http):
    r = http.get("/members/test_nexus_member/account_numbers", headers=TEST)
    assert r.status == 200
    numbers = r.json["account_numbers"]
    assert numbers and all(is_valid_aba(n["routing_number"]) for n in numbers)
    assert all(n["member_guid"] == "test_nexus_member" for n in numbers)
    owners = http.get("/members/test_nexus_member/account_owners", headers=TEST).json["account_owners"]
    assert len(owners) == len(numbers) and all(o["owner_name"] for o in owners)


def test_unverified_has_no_account_numbers_written_as_the_brief_writes_it(http):
    r = http.get("/members/unverified/account_numbers/", headers=TEST)  # sic: with a trailing slash
    assert r.status == 200 and r.json == {"account_numbers": []}


def test_unidentified_has_numbers_but_no_owners(http):
    assert http.get("/members/unidentified/account_owners", headers=TEST).json == {"account_owners": []}
    assert http.get("/members/unidentified/account_numbers", headers=TEST).json["account_numbers"]


@pytest.mark.parametrize("job", ["verify", "identify"])
def test_jobs_answer_but_change_nothing(http, clock, job):
    before = http.get("/members/test_nexus_member", headers=TEST).json
    r = http.post(f"/members/test_nexus_member/{job}", headers=TEST)
    assert r.status == 200 and r.json["member"]["connection_status"] == "CONNECTED"
    clock.advance(60)
    assert http.get("/members/test_nexus_member", headers=TEST).json == before


def test_nobody_can_delete_or_change_them(http):
    before = http.get("/members/test_nexus_member/account_numbers", headers=TEST).json
    assert http.delete("/members/test_nexus_member", headers=TEST).status == 200
    assert http.get("/members/test_nexus_member/account_numbers", headers=TEST).json == before
    account = before["account_numbers"][0]["account_guid"]
    http.put(f"/accounts/{account}", json={"account": {"nickname": "mine"}}, headers=TEST)
    assert http.get(f"/accounts/{account}", headers=TEST).json["account"]["nickname"] is None
    r = http.post("/members", json={"member": {"institution_guid": "x", "credentials": []}}, headers=TEST)
    assert r.status == 403 and "static" in r.json["error"]["message"]
    assert http.post("/__admin/reset").status == 200
    assert http.get("/members/test_nexus_member/account_numbers", headers=TEST).json == before


def test_they_are_the_same_in_every_app(config, clock):
    from mocknexus.app import create_app
    from tests.support import FlaskHttp

    def numbers():
        return FlaskHttp(create_app(config, clock=clock)).get("/members/test_member/account_numbers", headers=TEST).json

    assert numbers() == numbers()


def test_unknown_names_are_not_found(http):
    assert http.get("/members/EXPIRED", headers=TEST).status == 404
    assert http.get("/members/MBR-nope", headers=TEST).status == 404


def test_test_session_never_expires(http, clock):
    clock.advance(24 * 3600)
    assert http.get("/members", headers=TEST).status == 200


def test_the_static_members_belong_to_test_session_only(http):
    assert http.get("/members/test_nexus_member", headers=open_session(http)).status == 404
