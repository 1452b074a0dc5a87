"""Every bundled scenario, reached the way a black-box client or a person would: by the password typed
at the MockNexus Scenario Bank."""

from __future__ import annotations

import base64

import pytest

from tests.support import create_member, open_session, poll_until_settled

BANK = "MockNexus Scenario Bank"


@pytest.fixture
def headers(http):
    return open_session(http)


def start(http, headers, clock, scenario):
    member = create_member(http, headers, password=scenario, name=BANK)
    assert http.post(f"/members/{member['guid']}/verify", headers=headers).status == 200
    return member["guid"], poll_until_settled(http, headers, member["guid"], clock)


def challenges(http, headers, guid):
    return http.get(f"/members/{guid}/challenges", headers=headers).json["challenges"]


def answer_all(http, headers, guid, value="correct"):
    body = {"member": {"challenges": [{"guid": c["guid"], "value": value} for c in challenges(http, headers, guid)]}}
    r = http.put(f"/members/{guid}/resume", json=body, headers=headers)
    assert r.status == 200, r.json
    return r.json["member"]


def numbers(http, headers, guid):
    return http.get(f"/members/{guid}/account_numbers", headers=headers).json["account_numbers"]


@pytest.mark.parametrize(
    "scenario, kind",
    [
        ("mfa_text", "TEXT"),
        ("mfa_options", "OPTIONS"),
        ("mfa_token", "TOKEN"),
        ("mfa_image", "IMAGE_DATA"),
        ("mfa_image_options", "IMAGE_OPTIONS"),
    ],
)
def test_each_mfa_type_leads_to_connected(http, headers, clock, scenario, kind):
    guid, member = start(http, headers, clock, scenario)
    assert member["connection_status"] == "CHALLENGED" and member["is_being_aggregated"] is True
    [challenge] = challenges(http, headers, guid)
    assert challenge["type"] == kind and challenge["label"]
    present = set(challenge) - {"guid", "label", "field_name", "type"}
    assert present == {"OPTIONS": {"options"}, "IMAGE_DATA": {"image_data"}, "IMAGE_OPTIONS": {"image_options"}}.get(
        kind, set()
    )
    if kind == "IMAGE_DATA":
        assert base64.b64decode(challenge["image_data"]).startswith(b"\x89PNG")
    if kind == "IMAGE_OPTIONS":
        for option in challenge["image_options"]:
            assert base64.b64decode(option["data_uri"].split(",", 1)[1]).startswith(b"\x89PNG")
    answer_all(http, headers, guid)
    member = poll_until_settled(http, headers, guid, clock)
    assert member["connection_status"] == "CONNECTED" and member["is_being_aggregated"] is False
    assert len(numbers(http, headers, guid)) == 2


def test_several_challenges_at_once(http, headers, clock):
    guid, _ = start(http, headers, clock, "mfa_multiple")
    assert sorted(c["type"] for c in challenges(http, headers, guid)) == ["OPTIONS", "TEXT"]
    answer_all(http, headers, guid)
    assert poll_until_settled(http, headers, guid, clock)["connection_status"] == "CONNECTED"


def test_one_wrong_answer_among_several_rejects(http, headers, clock):
    guid, _ = start(http, headers, clock, "mfa_multiple")
    text, options = sorted(challenges(http, headers, guid), key=lambda c: c["type"], reverse=True)
    body = {
        "member": {
            "challenges": [{"guid": text["guid"], "value": "correct"}, {"guid": options["guid"], "value": "incorrect"}]
        }
    }
    assert (
        http.put(f"/members/{guid}/resume", json=body, headers=headers).json["member"]["connection_status"]
        == "REJECTED"
    )


def test_multi_round_mfa(http, headers, clock):
    guid, _ = start(http, headers, clock, "mfa_multi_round")
    assert [c["type"] for c in challenges(http, headers, guid)] == ["TEXT"]
    assert answer_all(http, headers, guid)["connection_status"] == "RESUMED"
    assert poll_until_settled(http, headers, guid, clock)["connection_status"] == "CHALLENGED"
    assert [c["type"] for c in challenges(http, headers, guid)] == ["TOKEN"]
    answer_all(http, headers, guid)
    assert poll_until_settled(http, headers, guid, clock)["connection_status"] == "CONNECTED"


def test_a_retried_challenge_comes_back_with_a_new_guid(http, headers, clock):
    guid, _ = start(http, headers, clock, "mfa_retry")
    first = challenges(http, headers, guid)[0]["guid"]
    assert answer_all(http, headers, guid, "wrong")["connection_status"] == "CHALLENGED"
    second = challenges(http, headers, guid)[0]["guid"]
    assert second != first
    answer_all(http, headers, guid)
    assert poll_until_settled(http, headers, guid, clock)["connection_status"] == "CONNECTED"


def test_a_wrong_answer_rejects(http, headers, clock):
    guid, _ = start(http, headers, clock, "mfa_token")
    member = answer_all(http, headers, guid, "000000")
    assert member["connection_status"] == "REJECTED" and member["connection_status_id"] == 4
    assert numbers(http, headers, guid) == []


def test_mfa_left_unanswered_expires(http, headers, clock):
    guid, _ = start(http, headers, clock, "mfa_expires")
    clock.advance(61)
    member = http.get(f"/members/{guid}", headers=headers).json["member"]
    assert member["connection_status"] == "EXPIRED" and member["is_being_aggregated"] is False
    assert challenges(http, headers, guid) == []
    assert (
        http.put(
            f"/members/{guid}/resume",
            json={"member": {"challenges": [{"guid": "CRD-x", "value": "correct"}]}},
            headers=headers,
        ).status
        == 405
    )


@pytest.mark.parametrize(
    "scenario, status",
    [
        ("denied", "DENIED"),
        ("locked", "LOCKED"),
        ("impeded", "IMPEDED"),
        ("impaired", "IMPAIRED"),
        ("imported", "IMPORTED"),
        ("prevented", "PREVENTED"),
        ("degraded", "DEGRADED"),
        ("disconnected", "DISCONNECTED"),
        ("discontinued", "DISCONTINUED"),
        ("closed", "CLOSED"),
        ("disabled", "DISABLED"),
        ("failed", "FAILED"),
    ],
)
def test_each_failure_state(http, headers, clock, scenario, status):
    guid, member = start(http, headers, clock, scenario)
    assert member["connection_status"] == status and member["is_being_aggregated"] is False
    assert member["connection_status_message"] and member["successfully_aggregated_at"] is None
    assert numbers(http, headers, guid) == []


def test_delayed_is_shown_while_the_job_waits(http, headers, clock):
    member = create_member(http, headers, password="delayed", name=BANK)
    guid = member["guid"]
    http.post(f"/members/{guid}/verify", headers=headers)
    seen = []
    for _ in range(60):
        clock.advance(3)
        m = http.get(f"/members/{guid}", headers=headers).json["member"]
        seen.append(m["connection_status"])
        if not m["is_being_aggregated"]:
            break
    assert seen.count("DELAYED") >= 30  # two minutes of DELAYED at one poll per 3 s
    assert seen[-1] == "CONNECTED"


def test_three_denials_in_a_row_make_a_member_prevented(http, headers, clock):
    member = create_member(http, headers, password="denied", name=BANK)
    ends = []
    for _ in range(3):
        http.post(f"/members/{member['guid']}/verify", headers=headers)
        ends.append(poll_until_settled(http, headers, member["guid"], clock)["connection_status"])
    assert ends == ["DENIED", "DENIED", "PREVENTED"]


def test_a_verification_that_finds_no_account_numbers(http, headers, clock):
    guid, member = start(http, headers, clock, "no_account_numbers")
    assert member["connection_status"] == "CONNECTED"
    assert http.get(f"/members/{guid}/accounts", headers=headers).json["accounts"]
    assert numbers(http, headers, guid) == []


def test_any_other_password_connects(http, headers, clock):
    _, member = start(http, headers, clock, "hunter2")
    assert member["connection_status"] == "CONNECTED"
