"""Micro-deposits through the Platform API (MX's MicrodepositsApi): every success checked against MX's
document by `Platform`, the status path on the emulated clock, MX's error statuses, and one world with Nexus."""

from __future__ import annotations

import pytest

from mocknexus.app import create_app
from mocknexus.config import Config
from mocknexus.domain.core.clock import Clock
from tests.api.test_microdeposits import read as nexus_read
from tests.platform.support import Platform
from tests.platform.test_cross_api import nexus_session
from tests.support import CLIENT, FlaskHttp
from tests.webhooks.support import START

JSON = {"Accept": "application/json"}  # what MX's SDKs send for these six operations
ACCOUNT = {"account_number": "333312345", "routing_number": "091000019", "account_type": "CHECKING"}


@pytest.fixture
def clock() -> Clock:
    return Clock(frozen_at=START)


@pytest.fixture
def http(clock) -> FlaskHttp:
    return FlaskHttp(create_app(Config(seed=5), clock=clock))


@pytest.fixture
def mx(http) -> Platform:
    return Platform(http, client_id=CLIENT)


def create(mx: Platform, user_guid: str, expect: int = 200, **changes) -> dict:
    body = {"micro_deposit": {**ACCOUNT, "account_name": "Test account", **changes}}
    r = mx.post(f"/users/{user_guid}/micro_deposits", json=body, expect=expect, **JSON)
    return r.json["micro_deposit"][0] if expect == 200 else r.json


def verify(mx: Platform, guid: str, first=0.09, second=0.09, expect: int = 200) -> dict:
    body = {"micro_deposit": {"deposit_amount_1": first, "deposit_amount_2": second}}
    r = mx.put(f"/micro_deposits/{guid}/verify", json=body, expect=expect, **JSON)
    return r.json["micro_deposit"][0] if expect == 200 else r.json


def test_create_deposit_on_the_clock_verify_list_and_delete(mx: Platform, clock: Clock):
    user = mx.user()["guid"]
    record = create(mx, user)
    assert record["status"] == "INITIATED" and record["guid"].startswith("MIC-")
    assert (record["account_type"], record["account_number"], record["routing_number"]) == (
        "CHECKING", "333312345", "091000019"
    )  # fmt: skip
    assert record["verified_at"] is None and record["updated_at"] == "2026-01-01T12:00:00Z"
    path = f"/users/{user}/micro_deposits/{record['guid']}"
    clock.advance(121)
    assert mx.get(path, expect=200, **JSON).json["micro_deposit"][0]["status"] == "DEPOSITED"
    verified = verify(mx, record["guid"])
    assert verified["status"] == "VERIFIED" and verified["verified_at"] == "2026-01-01T12:02:01Z"
    listed = mx.get(f"/users/{user}/micro_deposits", expect=200, **JSON).json
    assert [m["guid"] for m in listed["micro_deposits"]] == [record["guid"]]
    assert listed["pagination"]["total_entries"] == 1
    verifications = mx.get(f"/users/{user}/account_verifications", expect=200, **JSON).json["micro_deposit"]
    assert [(v["guid"], v["status"]) for v in verifications] == [(record["guid"], "VERIFIED")]
    # The verified account is the user's, with its numbers.
    numbers = mx.get(f"/users/{user}/accounts", expect=200).json["accounts"]
    assert len(numbers) == 1
    r = mx.delete(path, expect=204)
    assert r.content_type in ("", None) or not r.json
    mx.get(path, expect=404, **JSON)


def test_wrong_amounts_deny_then_prevent_and_verifying_early_is_refused(mx: Platform, clock: Clock):
    user = mx.user()["guid"]
    guid = create(mx, user)["guid"]
    assert "DEPOSITED" in verify(mx, guid, expect=422)["error"]["message"]
    clock.advance(121)
    assert verify(mx, guid, 0.01, 0.02)["status"] == "DENIED"
    assert verify(mx, guid, 0.01, 0.02)["status"] == "DENIED"
    assert verify(mx, guid, 0.01, 0.02)["status"] == "PREVENTED"
    verify(mx, guid, expect=422)


@pytest.mark.parametrize(
    "changes",
    [{"routing_number": "123456789"}, {"account_type": "BROKERAGE"}, {"account_number": "12ab"},
     {"account_number": None, "routing_number": None, "account_type": None}],
)  # fmt: skip
def test_bad_requests_are_mxs_400_in_plain_json(mx: Platform, changes: dict):
    user = mx.user()["guid"]
    r = mx.post(f"/users/{user}/micro_deposits", json={"micro_deposit": {**ACCOUNT, **changes}}, expect=400, **JSON)
    assert r.content_type.startswith("application/json")
    assert mx.get(f"/users/{user}/micro_deposits", expect=200, **JSON).json["micro_deposits"] == []


@pytest.mark.parametrize(
    "amounts",
    [
        {"deposit_amount_1": "0.09", "deposit_amount_2": 0.09},
        {"deposit_amount_1": -1, "deposit_amount_2": 0.09},
        {"deposit_amount_1": 0.09},
    ],
)
def test_bad_amounts_are_400s(mx: Platform, clock: Clock, amounts: dict):
    user = mx.user()["guid"]
    guid = create(mx, user)["guid"]
    clock.advance(121)
    mx.put(f"/micro_deposits/{guid}/verify", json={"micro_deposit": amounts}, expect=400, **JSON)
    assert mx.get(f"/users/{user}/micro_deposits/{guid}", **JSON).json["micro_deposit"][0]["status"] == "DEPOSITED"


def test_unknown_user_and_micro_deposit_are_404s(mx: Platform):
    user = mx.user()["guid"]
    other = mx.user()["guid"]
    guid = create(mx, user)["guid"]
    mx.get("/users/USR-nobody/micro_deposits", expect=404, **JSON)
    mx.post("/users/USR-nobody/micro_deposits", json={"micro_deposit": ACCOUNT}, expect=404, **JSON)
    mx.get(f"/users/{other}/micro_deposits/{guid}", expect=404, **JSON)  # another user's is absent
    mx.delete(f"/users/{other}/micro_deposits/{guid}", expect=404, **JSON)
    verify(mx, "MIC-nothing", expect=404)


def test_created_through_the_platform_read_and_verified_through_nexus(http: FlaskHttp, mx: Platform, clock: Clock):
    user = mx.user("md-shared-user")
    guid = create(mx, user["guid"])["guid"]
    headers = nexus_session(http, "md-shared-user")
    clock.advance(121)
    seen = nexus_read(http, headers, guid)
    assert (seen["guid"], seen["status_name"], seen["account_type"]) == (guid, "DEPOSITED", 1)
    r = http.put(f"/micro_deposits/{guid}", json={"deposit_amount_1": 0.09, "deposit_amount_2": 0.09}, headers=headers)
    assert r.status == 200 and r.json["micro_deposit"]["status_name"] == "VERIFIED"
    assert (
        mx.get(f"/users/{user['guid']}/micro_deposits/{guid}", **JSON).json["micro_deposit"][0]["status"] == "VERIFIED"
    )
