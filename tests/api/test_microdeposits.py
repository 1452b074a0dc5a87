"""Nexus micro-deposits over HTTP: every status path on the emulated clock, bad input, and MX's own requests."""

from __future__ import annotations

import pytest

from tests.support import NEXUS_JSON, open_session

BETA = "application/vnd.mx.nexus.beta+json"
ACCOUNT = {
    "first_name": "Josh",
    "last_name": "James",
    "email": "example@example.com",
    "account_name": "My Test Account",
    "account_number": "333312345",
    "routing_number": "091000019",
    "account_type": 1,
}


def create(http, headers, **changes) -> dict:
    r = http.post("/micro_deposits", json={"micro_deposit": {**ACCOUNT, **changes}}, headers=headers)
    assert r.status == 200, r.json
    return r.json["micro_deposit"]


def read(http, headers, guid) -> dict:
    r = http.get(f"/micro_deposits/{guid}", headers=headers)
    assert r.status == 200, r.json
    return r.json["micro_deposit"]


def verify(http, headers, guid, first=0.09, second=0.09):
    return http.put(
        f"/micro_deposits/{guid}", json={"deposit_amount_1": first, "deposit_amount_2": second}, headers=headers
    )


def deposited(http, headers, clock, **changes) -> dict:
    record = create(http, headers, **changes)
    clock.advance(1)
    assert read(http, headers, record["guid"])["status_name"] == "REQUESTED"
    clock.advance(120)
    record = read(http, headers, record["guid"])
    assert record["status_name"] == "DEPOSITED"
    return record


@pytest.mark.both_stores  # the records round-trip through SQLite too
def test_initiated_requested_deposited_on_the_clock_then_verified(http, clock):
    headers = open_session(http)
    record = create(http, headers)
    assert (record["status"], record["status_name"]) == (0, "INITIATED")
    guid = record["guid"]
    assert guid.startswith("MIC-")
    assert read(http, headers, guid)["status_name"] == "INITIATED"  # the clock has not moved
    clock.advance(1)
    assert (read(http, headers, guid)["status"], read(http, headers, guid)["status_name"]) == (1, "REQUESTED")
    clock.advance(119)
    assert read(http, headers, guid)["status_name"] == "REQUESTED"  # "after two minutes", not before
    clock.advance(1)
    assert read(http, headers, guid)["status"] == 2
    r = verify(http, headers, guid)
    assert r.status == 200
    done = r.json["micro_deposit"]
    assert (done["status"], done["status_name"]) == (3, "VERIFIED")
    assert done["verified_at"] == done["updated_at"] and done["error_code"] is None
    assert read(http, headers, guid) == done


def test_a_clock_moved_far_lands_every_step(http, clock):
    headers = open_session(http)
    record = create(http, headers)
    clock.advance(1500)  # within the 30-minute session
    later = read(http, headers, record["guid"])
    assert later["status_name"] == "DEPOSITED"
    assert later["updated_at"] == "2026-01-01T12:02:01.000Z"  # 1 s INITIATED, then 120 s REQUESTED


def test_after_verified_the_account_and_its_numbers_are_readable(http, clock):
    headers = open_session(http)
    record = deposited(http, headers, clock)
    verify(http, headers, record["guid"])
    [account] = http.get("/accounts", headers=headers).json["accounts"]
    assert account["name"] == "My Test Account" and account["account_type_name"] == "CHECKING"
    numbers = http.get(f"/members/{account['member_guid']}/account_numbers", headers=headers).json
    [number] = numbers["account_numbers"]
    assert (number["account_number"], number["routing_number"]) == ("333312345", "091000019")
    assert http.get(f"/accounts/{account['guid']}/account_number", headers=headers).json == numbers
    member = http.get(f"/members/{account['member_guid']}", headers=headers).json["member"]
    assert member["connection_status"] == "CONNECTED" and member["is_being_aggregated"] is False


@pytest.mark.both_stores  # the records round-trip through SQLite too
def test_wrong_amounts_deny_and_the_third_prevents_and_a_fourth_is_refused(http, clock):
    headers = open_session(http)
    guid = deposited(http, headers, clock)["guid"]
    first = verify(http, headers, guid, 0.10, 0.09)
    assert first.status == 200 and (
        first.json["micro_deposit"]["status"],
        first.json["micro_deposit"]["status_name"],
    ) == (5, "DENIED")
    assert verify(http, headers, guid, 0.01, 0.02).json["micro_deposit"]["status_name"] == "DENIED"
    third = verify(http, headers, guid, 0.03, 0.04).json["micro_deposit"]
    assert (third["status"], third["status_name"]) == (6, "PREVENTED")
    assert third["error_message"] == "Too many incorrect verification attempts."
    fourth = verify(http, headers, guid)  # even the right amounts: it is over
    assert fourth.status == 422 and "PREVENTED" in fourth.json["error"]["message"]
    assert read(http, headers, guid)["status_name"] == "PREVENTED"
    assert http.get("/accounts", headers=headers).json["accounts"] == []


def test_denied_can_still_verify(http, clock):
    headers = open_session(http)
    guid = deposited(http, headers, clock)["guid"]
    verify(http, headers, guid, 0.5, 0.5)
    assert verify(http, headers, guid, 0.09, 0.09).json["micro_deposit"]["status_name"] == "VERIFIED"


def test_verifying_before_deposited_is_refused_and_changes_nothing(http, clock):
    headers = open_session(http)
    guid = create(http, headers)["guid"]
    for _ in range(2):
        r = verify(http, headers, guid)
        assert r.status == 422 and r.json["error"]["code"] == 4220
        assert "INITIATED" in r.json["error"]["message"] or "REQUESTED" in r.json["error"]["message"]
        clock.advance(1)
    assert read(http, headers, guid)["status_name"] == "REQUESTED"


@pytest.mark.parametrize(
    ("account_number", "status", "name"),
    [("333300004111", 4, "ERRORED"), ("333300008111", 8, "REJECTED"), ("123456789", 8, "REJECTED")],
)
def test_fixture_rules_choose_the_end_by_account_number(http, clock, account_number, status, name):
    headers = open_session(http)
    record = create(http, headers, account_number=account_number)
    clock.advance(1500)  # within the 30-minute session
    ended = read(http, headers, record["guid"])
    assert (ended["status"], ended["status_name"]) == (status, name)
    assert ended["error_code"] == str(status) and ended["error_message"]
    assert verify(http, headers, record["guid"]).status == 422


def test_a_rule_sets_other_amounts(http, clock):
    headers = open_session(http)
    guid = deposited(http, headers, clock, account_number="3333000120")["guid"]
    assert verify(http, headers, guid).json["micro_deposit"]["status_name"] == "DENIED"  # 0.09/0.09 are wrong here
    assert verify(http, headers, guid, 0.34, 0.12).json["micro_deposit"]["status_name"] == "VERIFIED"


def test_a_duplicate_request_is_conflicted(http, clock):
    headers = open_session(http)
    create(http, headers)
    duplicate = create(http, headers)
    assert (duplicate["status"], duplicate["status_name"]) == (7, "CONFLICTED")
    other_account = create(http, headers, account_number="333399999")
    assert other_account["status_name"] == "INITIATED"


def test_pre_initiated_then_completed_with_the_account(http, clock):
    headers = open_session(http)
    body = {"micro_deposit": {"first_name": "Josh", "last_name": "James", "email": "example@example.com"}}
    r = http.post("/micro_deposits", json=body, headers=headers)
    record = r.json["micro_deposit"]
    assert (record["status"], record["status_name"], record["account_number"]) == (9, "PREINITIATED", None)
    details = {k: ACCOUNT[k] for k in ("account_number", "routing_number", "account_type", "account_name")}
    r = http.put(f"/micro_deposits/{record['guid']}", json={"micro_deposit": details}, headers=headers)
    assert r.status == 200 and r.json["micro_deposit"]["status_name"] == "INITIATED"
    assert r.json["micro_deposit"]["first_name"] == "Josh"
    again = http.put(f"/micro_deposits/{record['guid']}", json={"micro_deposit": details}, headers=headers)
    assert again.status == 422


def test_list_holds_the_users_own_only(http, clock):
    alice, bob = open_session(http), open_session(http)
    mine = [create(http, alice)["guid"], create(http, alice, account_number="333300001")["guid"]]
    create(http, bob)
    listed = http.get("/micro_deposits", headers=alice).json["micro_deposits"]
    assert [m["guid"] for m in listed] == mine
    assert http.get(f"/micro_deposits/{mine[0]}", headers=bob).status == 404


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"routing_number": "091000018"}, "not a valid ABA routing number"),  # checksum
        ({"routing_number": "222222226"}, "not a valid ABA routing number"),  # MX's example: no Fed prefix
        ({"routing_number": "021000021"}, "Institution is not supported for microdeposit verification"),
        ({"routing_number": "12345"}, "not a valid ABA routing number"),
        ({"account_number": "12345678901234567890"}, "account_number"),
        ({"account_type": 3}, "account_type"),
        ({"account_type": "LOAN"}, "account_type"),
        ({"first_name": "D#ve"}, "first_name"),
        ({"email": "not-an-email"}, "email"),
        ({"account_number": None}, "account_number"),
    ],
)
def test_bad_details_are_400s_and_create_nothing(http, changes, message):
    headers = open_session(http)
    r = http.post("/micro_deposits", json={"micro_deposit": {**ACCOUNT, **changes}}, headers=headers)
    assert r.status == 400 and message in r.json["error"]["message"], r.json
    assert http.get("/micro_deposits", headers=headers).json == {"micro_deposits": []}


@pytest.mark.parametrize(
    "amounts",
    [
        {"deposit_amount_1": "0.09", "deposit_amount_2": "0.09"},
        {"deposit_amount_1": -0.09, "deposit_amount_2": 0.09},
        {"deposit_amount_1": 0, "deposit_amount_2": 0.09},
        {"deposit_amount_1": 0.091, "deposit_amount_2": 0.09},
        {"deposit_amount_1": True, "deposit_amount_2": 0.09},
        {"deposit_amount_1": 0.09},
        {},
    ],
)
def test_bad_amounts_are_400s_and_count_no_attempt(http, clock, amounts):
    headers = open_session(http)
    guid = deposited(http, headers, clock)["guid"]
    r = http.put(f"/micro_deposits/{guid}", json=amounts, headers=headers)
    assert r.status == 400 and r.json["error"]["code"] in (4001, 4002), r.json
    assert read(http, headers, guid)["status_name"] == "DEPOSITED"
    assert verify(http, headers, guid).json["micro_deposit"]["status_name"] == "VERIFIED"


def test_unknown_guid_is_404_everywhere(http):
    headers = open_session(http)
    for method in ("get", "put"):
        r = getattr(http, method)(
            "/micro_deposits/MIC-nope", json={"deposit_amount_1": 0.09, "deposit_amount_2": 0.09}, headers=headers
        )
        assert r.status == 404 and r.json["error"]["message"] == "Micro-deposit not found."


def test_no_session_is_401(http):
    assert http.get("/micro_deposits").status == 401
    assert http.post("/micro_deposits", json={"micro_deposit": ACCOUNT}).status == 401


def test_static_test_session_reads_nothing_and_writes_nothing(http):
    headers = {"MD-SESSION-TOKEN": "test_session", "Accept": NEXUS_JSON}
    assert http.get("/micro_deposits", headers=headers).json == {"micro_deposits": []}
    assert http.post("/micro_deposits", json={"micro_deposit": ACCOUNT}, headers=headers).status == 403


def test_the_beta_and_v1_media_types_are_both_accepted(http, clock):
    headers = open_session(http)
    guid = create(http, headers)["guid"]
    beta = {**headers, "Accept": BETA}
    for path in ("/micro_deposits", f"/micro_deposits/{guid}"):
        r = http.get(path, headers=beta)
        assert r.status == 200 and r.content_type == BETA
        r = http.get(path, headers=headers)
        assert r.status == 200 and r.content_type == NEXUS_JSON
    r = http.post(
        "/micro_deposits",
        json={"micro_deposit": {**ACCOUNT, "account_number": "33331"}},
        headers={**beta, "Content-Type": BETA},
    )
    assert r.status == 200 and r.content_type == BETA
    assert http.get("/micro_deposits", headers={**headers, "Accept": "application/vnd.mx.other+json"}).status == 406


def test_mxs_documented_requests_verbatim(http, clock):
    """docs.mx.com's create and verify samples, as sent (integer routing number in the sample's response is
    MX's; the request sends strings), and the published Java client's beta reads."""
    headers = open_session(http)
    token = headers["MD-SESSION-TOKEN"]
    create_body = (
        b'{"micro_deposit": {"account_name": "My Test Account", "account_number": "333312345", '
        b'"account_type": 1, "email": "example@example.com", "first_name": "Josh", "last_name": "James", '
        b'"routing_number": "091000019"}}'
    )
    r = http.post("/micro_deposits", data=create_body, headers={"Content-Type": NEXUS_JSON, "MD-SESSION-TOKEN": token})
    assert r.status == 200, r.json
    guid = r.json["micro_deposit"]["guid"]
    java = {"Accept": BETA, "MD-SESSION-TOKEN": token}
    assert http.get("/micro_deposits", headers=java).json["micro_deposits"][0]["guid"] == guid
    clock.advance(121)
    assert http.get(f"/micro_deposits/{guid}", headers=java).json["micro_deposit"]["status_name"] == "DEPOSITED"
    verify_body = b'\n{\n  "deposit_amount_1": 0.09,\n  "deposit_amount_2": 0.09\n}\n'
    r = http.put(
        f"/micro_deposits/{guid}", data=verify_body, headers={"Content-Type": NEXUS_JSON, "MD-SESSION-TOKEN": token}
    )
    assert r.status == 200
    assert set(r.json["micro_deposit"]) == {
        "account_name", "account_number", "account_type", "account_type_name", "created_at", "email", "error_code",
        "error_message", "first_name", "guid", "institution_name", "last_name", "routing_number", "status",
        "status_name", "updated_at", "verified_at",
    }  # fmt: skip
    assert r.json["micro_deposit"]["status_name"] == "VERIFIED"


def test_integer_numbers_as_mxs_sample_writes_them_are_taken(http):
    headers = open_session(http)
    record = create(http, headers, account_number=333312345, routing_number=91000019)
    assert (record["account_number"], record["routing_number"]) == ("333312345", "091000019")


G21_KEYS = {
    "account_type", "account_type_name", "account_number", "created_at", "guid", "institution_name",
    "routing_number", "status", "status_name", "updated_at",
}  # fmt: skip  # the published Java client's record
V1_KEYS = G21_KEYS | {
    "account_name", "email", "error_code", "error_message", "first_name", "last_name", "verified_at",
}  # fmt: skip  # MX's Microdeposit Fields table
TYPES = {
    "account_type": int, "status": int, "account_number": str, "routing_number": str, "guid": str,
    "account_type_name": str, "status_name": str, "created_at": str, "updated_at": str,
}  # fmt: skip


@pytest.mark.parametrize(
    ("dialect", "keys", "stamp"), [("g21", G21_KEYS, "+00:00"), ("v1", V1_KEYS, ".000Z"), ("union", V1_KEYS, ".000Z")]
)
def test_every_status_path_in_each_dialect(clock, dialect, keys, stamp):
    from mocknexus.app import create_app
    from mocknexus.config import Config
    from tests.support import FlaskHttp

    http = FlaskHttp(create_app(Config(seed=7, mx_dialect=dialect), clock=clock))
    headers = open_session(http)
    seen = []
    right = deposited(http, headers, clock)
    wrong = create(http, headers, account_number="333300007")
    clock.advance(121)
    seen += [right, verify(http, headers, right["guid"]).json["micro_deposit"]]
    seen += [verify(http, headers, wrong["guid"], 0.5, 0.5).json["micro_deposit"] for _ in range(3)]
    seen += [create(http, headers), create(http, headers, account_number="333300008")]
    body = {"micro_deposit": {"first_name": "Ann", "last_name": "Lee", "email": "ann@example.com"}}
    seen.append(http.post("/micro_deposits", json=body, headers=headers).json["micro_deposit"])
    clock.advance(2)
    seen += http.get("/micro_deposits", headers=headers).json["micro_deposits"]
    assert {r["status_name"] for r in seen} >= {
        "DEPOSITED",
        "VERIFIED",
        "DENIED",
        "PREVENTED",
        "CONFLICTED",
        "REJECTED",
        "PREINITIATED",
        "INITIATED",
    }
    for record in seen:
        assert set(record) == keys, record
        assert record["created_at"].endswith(stamp) and record["updated_at"].endswith(stamp)
        for key, kind in TYPES.items():
            assert record[key] is None or type(record[key]) is kind, (key, record)
