"""Members and their jobs: each bundled MX Bank path, polling, answering, and the job rules MX documents."""

from __future__ import annotations

from dataclasses import replace

import pytest

from mocknexus.app import create_app
from tests.support import FlaskHttp, create_member, open_session, poll_until_settled


@pytest.fixture
def headers(http):
    return open_session(http)


def verify(http, headers, member_guid):
    r = http.post(f"/members/{member_guid}/verify", headers=headers)
    assert r.status == 200, r.json
    return r.json["member"]


def answer(http, headers, member_guid, value, via="update"):
    challenges = http.get(f"/members/{member_guid}/challenges", headers=headers).json["challenges"]
    answers = [{"guid": c["guid"], "value": value} for c in challenges]
    path = f"/members/{member_guid}" if via == "update" else f"/members/{member_guid}/resume"
    return http.put(path, json={"member": {"challenges": answers}}, headers=headers)


@pytest.mark.parametrize(
    "password, end",
    [
        ("password", "CONNECTED"),
        ("anything-else", "CONNECTED"),
        ("UNAUTHORIZED", "DENIED"),
        ("INVALID", "DENIED"),
        ("DISABLED", "DENIED"),
        ("LOCKED", "LOCKED"),
        ("BAD_REQUEST", "FAILED"),
        ("SERVER_ERROR", "FAILED"),
        ("UNAVAILABLE", "FAILED"),
    ],
)
def test_mx_bank_passwords_lead_where_mx_documents(http, headers, clock, password, end):
    member = create_member(http, headers, password=password)
    verify(http, headers, member["guid"])
    settled = poll_until_settled(http, headers, member["guid"], clock)
    assert settled["connection_status"] == end and settled["is_being_aggregated"] is False
    numbers = http.get(f"/members/{member['guid']}/account_numbers", headers=headers).json["account_numbers"]
    assert (len(numbers) > 0) is (end == "CONNECTED")
    assert (settled["successfully_aggregated_at"] is not None) is (end == "CONNECTED")


def test_another_username_is_denied(http, headers, clock):
    member = create_member(http, headers, password="password", username="someone")
    verify(http, headers, member["guid"])
    assert poll_until_settled(http, headers, member["guid"], clock)["connection_status"] == "DENIED"


@pytest.mark.parametrize("password, kind", [("challenge", "TEXT"), ("options", "OPTIONS"), ("image", "IMAGE_DATA")])
@pytest.mark.parametrize("via", ["update", "resume"])
def test_each_bundled_mfa_type_connects_when_answered_correct(http, headers, clock, password, kind, via):
    member = create_member(http, headers, password=password)
    verify(http, headers, member["guid"])
    assert poll_until_settled(http, headers, member["guid"], clock)["connection_status"] == "CHALLENGED"
    [challenge] = http.get(f"/members/{member['guid']}/challenges", headers=headers).json["challenges"]
    assert challenge["type"] == kind
    if kind == "OPTIONS":
        assert {"label": "correct", "value": "correct"} in challenge["options"]
    if kind == "IMAGE_DATA":
        import base64

        assert base64.b64decode(challenge["image_data"]).startswith(b"\x89PNG")
    assert answer(http, headers, member["guid"], "correct", via).status == 200
    settled = poll_until_settled(http, headers, member["guid"], clock)
    assert settled["connection_status"] == "CONNECTED" and not settled["is_being_aggregated"]
    assert http.get(f"/members/{member['guid']}/challenges", headers=headers).json == {"challenges": []}


def test_a_wrong_mfa_answer_is_rejected(http, headers, clock):
    member = create_member(http, headers, password="challenge")
    verify(http, headers, member["guid"])
    poll_until_settled(http, headers, member["guid"], clock)
    r = answer(http, headers, member["guid"], "Paris")
    assert r.json["member"]["connection_status"] == "REJECTED" and r.json["member"]["is_being_aggregated"] is False
    assert http.get(f"/members/{member['guid']}/account_numbers", headers=headers).json["account_numbers"] == []


def test_answering_challenge_asks_a_second_question(http, headers, clock):
    member = create_member(http, headers, password="challenge")
    verify(http, headers, member["guid"])
    poll_until_settled(http, headers, member["guid"], clock)
    first = http.get(f"/members/{member['guid']}/challenges", headers=headers).json["challenges"]
    r = answer(http, headers, member["guid"], "challenge")
    assert r.json["member"]["connection_status"] == "CHALLENGED"
    second = http.get(f"/members/{member['guid']}/challenges", headers=headers).json["challenges"]
    assert second[0]["guid"] != first[0]["guid"] and second[0]["label"] != first[0]["label"]
    answer(http, headers, member["guid"], "correct")
    assert poll_until_settled(http, headers, member["guid"], clock)["connection_status"] == "CONNECTED"


@pytest.mark.parametrize("value, end", [("SERVER_ERROR", "FAILED"), ("DISABLED", "DENIED")])
def test_server_error_passwords_work_as_mfa_answers(http, headers, clock, value, end):
    member = create_member(http, headers, password="options")
    verify(http, headers, member["guid"])
    poll_until_settled(http, headers, member["guid"], clock)
    assert answer(http, headers, member["guid"], value).json["member"]["connection_status"] == end


def test_unanswered_mfa_expires(http, headers, clock):
    member = create_member(http, headers, password="challenge")
    verify(http, headers, member["guid"])
    poll_until_settled(http, headers, member["guid"], clock)
    clock.advance(299)
    assert http.get(f"/members/{member['guid']}", headers=headers).json["member"]["connection_status"] == "CHALLENGED"
    clock.advance(1)
    member = http.get(f"/members/{member['guid']}", headers=headers).json["member"]
    assert member["connection_status"] == "EXPIRED" and member["is_being_aggregated"] is False


def test_answers_must_name_the_issued_challenges(http, headers, clock):
    member = create_member(http, headers, password="challenge")
    verify(http, headers, member["guid"])
    poll_until_settled(http, headers, member["guid"], clock)
    body = {"member": {"challenges": [{"guid": "CRD-made-up", "value": "correct"}]}}
    r = http.put(f"/members/{member['guid']}/resume", json=body, headers=headers)
    assert r.status == 400
    assert http.get(f"/members/{member['guid']}", headers=headers).json["member"]["connection_status"] == "CHALLENGED"


def test_resume_is_405_unless_challenged(http, headers):
    member = create_member(http, headers, password="password")
    body = {"member": {"challenges": [{"guid": "CRD-x", "value": "correct"}]}}
    r = http.put(f"/members/{member['guid']}/resume", json=body, headers=headers)
    assert r.status == 405 and r.json["error"]["message"] == "Member is not challenged."


def test_jobs_need_polls_even_when_time_is_instant(config, clock):
    http = FlaskHttp(create_app(replace(config, job_time_scale=0), clock=clock))
    headers = open_session(http)
    member = create_member(http, headers, password="password")
    assert verify(http, headers, member["guid"])["is_being_aggregated"] is True
    reads = []
    for _ in range(5):
        m = http.get(f"/members/{member['guid']}", headers=headers).json["member"]
        reads.append((m["connection_status"], m["is_being_aggregated"]))
    assert reads[0] == ("CREATED", True)
    assert reads[1] == ("CONNECTED", True)
    assert reads[2:] == [("CONNECTED", False)] * 3


def test_jobs_need_time_even_when_polled_fast(http, headers, clock):
    member = create_member(http, headers, password="password")
    verify(http, headers, member["guid"])
    for _ in range(10):
        m = http.get(f"/members/{member['guid']}", headers=headers).json["member"]
    assert m["is_being_aggregated"] is True  # no clock movement: still running however often polled


def test_verify_is_refused_where_the_institution_cannot_verify(http, headers):
    member = create_member(http, headers, password="password", name="MX Bank (Aggregation Only)")
    r = http.post(f"/members/{member['guid']}/verify", headers=headers)
    assert r.status == 400
    assert r.json["error"]["message"] == "Member's institution does not support instant account verification."


def test_a_second_verify_while_one_runs_is_202_and_an_aggregation_is_409(http, headers):
    member = create_member(http, headers, password="password")
    first = verify(http, headers, member["guid"])
    again = http.post(f"/members/{member['guid']}/verify", headers=headers)
    assert again.status == 202 and again.json["member"]["most_recent_job_guid"] == first["most_recent_job_guid"]
    assert http.get(f"/members/{member['guid']}/aggregate", headers=headers).status == 409


def test_creating_without_skip_aggregation_starts_an_aggregation(http, headers, clock):
    member = create_member(http, headers, password="password", skip=False)
    assert member["is_being_aggregated"] is True and member["aggregated_at"] is not None
    settled = poll_until_settled(http, headers, member["guid"], clock)
    assert settled["connection_status"] == "CONNECTED"
    # Aggregation finds accounts but not their numbers: those need a verification.
    assert len(http.get(f"/members/{member['guid']}/accounts", headers=headers).json["accounts"]) == 2
    assert http.get(f"/members/{member['guid']}/account_numbers", headers=headers).json["account_numbers"] == []
    verify(http, headers, member["guid"])
    poll_until_settled(http, headers, member["guid"], clock)
    assert len(http.get(f"/members/{member['guid']}/account_numbers", headers=headers).json["account_numbers"]) == 2


def test_opening_a_session_aggregates_existing_members_unless_skipped(http, clock):
    from tests.support import new_user

    user = new_user(http)
    headers = open_session(http, user)
    member = create_member(http, headers, password="password")
    assert member["is_being_aggregated"] is False
    open_session(http, user, skip_aggregation=True)
    assert http.get(f"/members/{member['guid']}", headers=headers).json["member"]["is_being_aggregated"] is False
    open_session(http, user, skip_aggregation=False)
    assert http.get(f"/members/{member['guid']}", headers=headers).json["member"]["is_being_aggregated"] is True


def test_updating_credentials_picks_the_new_scenario_and_honours_skip_aggregation(http, headers, clock):
    member = create_member(http, headers, password="UNAUTHORIZED")
    verify(http, headers, member["guid"])
    assert poll_until_settled(http, headers, member["guid"], clock)["connection_status"] == "DENIED"
    creds = http.get(f"/members/{member['guid']}/credentials", headers=headers).json["credentials"]
    password = next(c for c in creds if c["field_name"] == "PASSWORD")
    body = {"member": {"credentials": [{"guid": password["guid"], "value": "password"}], "skip_aggregation": True}}
    r = http.put(f"/members/{member['guid']}", json=body, headers=headers)
    assert r.status == 200 and r.json["member"]["is_being_aggregated"] is False
    body["member"]["skip_aggregation"] = False
    r = http.put(f"/members/{member['guid']}", json=body, headers=headers)
    assert r.json["member"]["is_being_aggregated"] is True and r.json["member"]["connection_status"] == "UPDATED"
    assert poll_until_settled(http, headers, member["guid"], clock)["connection_status"] == "CONNECTED"


def test_members_list_pages_and_delete(http, headers):
    guids = [create_member(http, headers, password="password", username=f"user{i}")["guid"] for i in range(12)]
    r = http.get("/members?page=2&records_per_page=10", headers=headers)
    assert r.json["pagination"] == {"current_page": 2, "per_page": 10, "total_entries": 12, "total_pages": 2}
    assert [m["guid"] for m in r.json["members"]] == guids[10:]
    assert http.delete(f"/members/{guids[0]}", headers=headers).json == {}
    assert http.get(f"/members/{guids[0]}", headers=headers).status == 404
    assert http.get("/members", headers=headers).json["pagination"]["total_entries"] == 11


def test_member_fields_follow_mx(http, headers):
    member = create_member(http, headers, password="password")
    expected = {
        "aggregated_at", "background_aggregation_is_disabled", "connection_status", "connection_status_id",
        "connection_status_message", "external_guid", "guid", "institution_code", "institution_guid",
        "is_being_aggregated", "is_managed_by_user", "is_oauth", "is_user_created", "metadata",
        "most_recent_job_guid", "name", "successfully_aggregated_at", "use_cases", "user_guid",
        "is_manual", "needs_updated_credentials", "revision",  # G21's, in the default `union` dialect
    }  # fmt: skip
    assert set(member) == expected
    user = http.get("/user", headers=headers).json["user"]
    assert member["user_guid"] == user["guid"] and member["institution_code"] == "mxbank"
