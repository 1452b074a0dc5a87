"""Identification (account owners) and account updates, as MX documents them."""

from __future__ import annotations

from mocknexus.app import create_app
from mocknexus.config import Config
from tests.support import FlaskHttp, create_member, new_user, open_session


def _settle(http, headers, guid, clock):
    for _ in range(10):
        clock.advance(3)
        member = http.get(f"/members/{guid}", headers=headers).json["member"]
    return member


def test_identify_runs_a_job_then_owners_appear(http, clock):
    headers = open_session(http)
    member = create_member(http, headers, password="password")
    guid = member["guid"]
    assert http.get(f"/members/{guid}/account_owners", headers=headers).json == {"account_owners": []}
    r = http.post(f"/members/{guid}/identify", json={"include_transactions": True}, headers=headers)
    assert r.status == 200 and r.json["member"]["is_being_aggregated"] is True
    assert http.post(f"/members/{guid}/identify", headers=headers).status == 202  # the same job is running
    assert http.post(f"/members/{guid}/verify", headers=headers).status == 409  # another type: a conflict
    assert _settle(http, headers, guid, clock)["connection_status"] == "CONNECTED"
    owners = http.get(f"/members/{guid}/account_owners", headers=headers).json["account_owners"]
    accounts = http.get(f"/members/{guid}/accounts", headers=headers).json["accounts"]
    assert {o["account_guid"] for o in owners} == {a["guid"] for a in accounts}
    assert all(o["first_name"] is None and o["last_name"] is None and o["country"] == "United States" for o in owners)
    # Identification finds owners, not account numbers: those take a verification.
    assert http.get(f"/members/{guid}/account_numbers", headers=headers).json == {"account_numbers": []}


def test_identify_follows_the_scenario_denied_included(http, clock):
    headers = open_session(http)
    guid = create_member(http, headers, password="LOCKED")["guid"]
    http.post(f"/members/{guid}/identify", headers=headers)
    assert _settle(http, headers, guid, clock)["connection_status"] == "LOCKED"
    assert http.get(f"/members/{guid}/account_owners", headers=headers).json == {"account_owners": []}


def test_an_institution_without_identification_is_mxs_400(http):
    headers = open_session(http)
    guid = create_member(http, headers, password="password", name="MX Bank (Aggregation Only)")["guid"]
    r = http.post(f"/members/{guid}/identify", headers=headers)
    assert r.status == 400
    assert r.json["error"]["message"] == "Member's institution does not support instant account identification."


def test_owners_come_from_the_seed(clock):
    def owners(seed: int) -> list[str]:
        http = FlaskHttp(create_app(Config(seed=seed), clock=clock))
        headers = open_session(http, new_user(http, "same-user"))
        guid = create_member(http, headers, password="password")["guid"]
        http.post(f"/members/{guid}/identify", headers=headers)
        _settle(http, headers, guid, clock)
        found = http.get(f"/members/{guid}/account_owners", headers=headers).json["account_owners"]
        return [(o["owner_name"], o["address"], o["postal_code"]) for o in found]

    assert owners(7) == owners(7) != owners(8)


def test_account_update(http, clock):
    headers = open_session(http)
    guid = create_member(http, headers, password="password", skip=False)["guid"]
    _settle(http, headers, guid, clock)
    account = http.get(f"/members/{guid}/accounts", headers=headers).json["accounts"][0]
    path = f"/accounts/{account['guid']}"
    assert (
        http.put(path, json={"account": {"nickname": "Bills"}}, headers=headers).json["account"]["nickname"] == "Bills"
    )
    assert http.put(path, json={"is_hidden": True}, headers=headers).json["account"]["is_hidden"] is True  # unrooted
    read = http.get(path, headers=headers).json["account"]
    assert (read["nickname"], read["is_hidden"]) == ("Bills", True)
    assert http.put(path, json={"account": {"is_hidden": "yes"}}, headers=headers).status == 400
    assert http.get(path, headers=headers).json["account"]["is_hidden"] is True  # unchanged by the bad call
    assert http.put(path, json={"account": {"nickname": "x"}}, headers=open_session(http)).status == 404
    assert http.put("/accounts/ACT-nope", json={"account": {"nickname": "x"}}, headers=headers).status == 404
