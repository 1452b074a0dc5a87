"""The control plane over micro-deposits (reveal, force), and accounts declared as test data, over HTTP."""

from __future__ import annotations

import json

import pytest

from mocknexus.app import create_app
from mocknexus.config import Config
from tests.api.test_microdeposits import create, read, verify
from tests.support import CLIENT, FlaskHttp, create_member, new_user, open_session, poll_until_settled

ADMIN = f"/__admin/clients/{CLIENT}"


def test_reveal_shows_the_amounts_and_attempts(http, clock):
    headers = open_session(http)
    guid = create(http, headers)["guid"]
    for path in (f"{ADMIN}/micro_deposits/{guid}", f"/__admin/micro_deposits/{guid}"):  # client's, server-wide
        r = http.get(path)
        assert r.status == 200, r.json
        revealed = r.json["micro_deposit"]
        assert (revealed["deposit_amount_1"], revealed["deposit_amount_2"], revealed["attempts"]) == (0.09, 0.09, 0)
    assert "deposit_amount_1" not in read(http, headers, guid)
    assert http.get("/__admin/micro_deposits/MIC-nope").status == 404


@pytest.mark.parametrize("status", ["INITIATED", "REQUESTED", "DEPOSITED", "VERIFIED", "ERRORED", "DENIED",
                                    "PREVENTED", "CONFLICTED", "REJECTED", "PREINITIATED"])  # fmt: skip
def test_any_status_can_be_forced(http, clock, status):
    headers = open_session(http)
    guid = create(http, headers)["guid"]
    r = http.post(f"{ADMIN}/micro_deposits/{guid}/status", json={"status": status})
    assert r.status == 200 and r.json["micro_deposit"]["status_name"] == status
    assert read(http, headers, guid)["status_name"] == status
    accounts = http.get("/accounts", headers=headers).json["accounts"]
    assert len(accounts) == (1 if status == "VERIFIED" else 0)


def test_forced_deposited_with_other_amounts_verifies_with_those(http, clock):
    headers = open_session(http)
    guid = create(http, headers)["guid"]
    body = {"status": "DEPOSITED", "deposit_amount_1": 0.42, "deposit_amount_2": 0.07}
    assert http.post(f"{ADMIN}/micro_deposits/{guid}/status", json=body).status == 200
    assert verify(http, headers, guid).json["micro_deposit"]["status_name"] == "DENIED"
    assert http.get(f"{ADMIN}/micro_deposits/{guid}").json["micro_deposit"]["attempts"] == 1
    assert verify(http, headers, guid, 0.07, 0.42).json["micro_deposit"]["status_name"] == "VERIFIED"


@pytest.mark.parametrize(
    "body",
    [{}, {"status": "PENDING"}, {"deposit_amount_1": 0.1}, {"deposit_amount_1": "0.1", "deposit_amount_2": 0.2}],
)
def test_bad_steering_is_a_400_that_changes_nothing(http, clock, body):
    headers = open_session(http)
    guid = create(http, headers)["guid"]
    assert http.post(f"{ADMIN}/micro_deposits/{guid}/status", json=body).status == 400
    assert http.get(f"{ADMIN}/micro_deposits/{guid}").json["micro_deposit"]["status_name"] == "INITIATED"


@pytest.mark.both_stores
def test_snapshots_carry_micro_deposits(http, clock):
    headers = open_session(http)
    guid = create(http, headers)["guid"]
    state = http.get(f"{ADMIN}/state?reveal=true").json
    assert [m["guid"] for m in state["micro_deposits"]] == [guid]
    http.post(f"{ADMIN}/reset", json={})
    assert http.get(f"{ADMIN}/micro_deposits/{guid}").status == 404
    assert http.put(f"{ADMIN}/state", json=state).status == 200
    assert http.get(f"{ADMIN}/micro_deposits/{guid}").json["micro_deposit"]["status_name"] == "INITIATED"


# ---- accounts declared as test data ------------------------------------------------------------------------

OWNER = {
    "owner_name": "Alice Q. Doe",
    "first_name": "Alice",
    "last_name": "Doe",
    "email": "alice@example.com",
    "phone": "555-555-0100",
    "address": "1 Main St",
    "city": "Lehi",
    "state": "UT",
    "postal_code": "84043",
    "country": "US",
}
DECLARED = {
    "name": "alice",
    "credentials": {"LOGIN": "mxuser", "PASSWORD": "alice-secret"},  # MX Bank connects any mxuser login
    "accounts": [
        {
            "name": "Alice Checking",
            "type": "CHECKING",
            "subtype": "CHECKING",
            "balance": 1250.5,
            "available_balance": 1200.25,
            "account_number": "000123456789",
            "routing_number": "091000019",
            "owners": [OWNER, {**OWNER, "owner_name": "Bob Doe", "first_name": "Bob", "email": "bob@example.com"}],
        },
        {
            "name": "Alice Savings",
            "type": "SAVINGS",
            "balance": 10.0,
            "account_number": "98765",
            "routing_number": "021000021",
        },
    ],
}


def connect(http, headers, clock, job: str, password: str = "alice-secret") -> str:
    guid = create_member(http, headers, password=password)["guid"]
    assert http.post(f"/members/{guid}/{job}", headers=headers).status == 200
    assert poll_until_settled(http, headers, guid, clock)["connection_status"] == "CONNECTED"
    return guid


@pytest.mark.both_stores
def test_declared_accounts_come_back_byte_for_byte(http, clock):
    r = http.post(f"{ADMIN}/test_accounts", json=DECLARED)
    assert r.status == 200, r.json
    headers = open_session(http)
    guid = connect(http, headers, clock, "verify")
    numbers = http.get(f"/members/{guid}/account_numbers", headers=headers)
    got = [(n["account_number"], n["routing_number"]) for n in numbers.json["account_numbers"]]
    assert got == [("000123456789", "091000019"), ("98765", "021000021")]
    accounts = http.get(f"/members/{guid}/accounts", headers=headers).json["accounts"]
    kept = [(a["name"], a["account_type_name"], a["account_subtype_name"], a["balance"], a["available_balance"])
            for a in accounts]  # fmt: skip
    assert kept == [
        ("Alice Checking", "CHECKING", "CHECKING", 1250.5, 1200.25),
        ("Alice Savings", "SAVINGS", None, 10.0, 10.0),
    ]
    http.post(f"/members/{guid}/identify", headers=headers)
    poll_until_settled(http, headers, guid, clock)
    owners = http.get(f"/members/{guid}/account_owners", headers=headers).json["account_owners"]
    assert len(owners) == 2  # the savings account declares no owner: none is made up for it
    for owner, declared in zip(owners, DECLARED["accounts"][0]["owners"], strict=True):
        assert owner["account_guid"] == accounts[0]["guid"]
        mine = {k: owner[k] for k in declared}
        # byte for byte: the JSON text of each declared value is what the API sends
        assert json.dumps(mine, sort_keys=True) == json.dumps(declared, sort_keys=True)


def test_undeclared_logins_stay_seeded(http, clock):
    http.post(f"{ADMIN}/test_accounts", json=DECLARED)
    headers = open_session(http)
    guid = connect(http, headers, clock, "verify", password="password")
    names = [a["name"] for a in http.get(f"/members/{guid}/accounts", headers=headers).json["accounts"]]
    assert len(names) == 2 and "Alice Checking" not in names


def test_declared_for_a_user_id(http, clock):
    declaration = {**DECLARED, "name": "by-user", "user_id": "carol"}
    del declaration["credentials"]
    assert http.post(f"{ADMIN}/test_accounts", json=declaration).status == 200
    headers = open_session(http, new_user(http, "carol"))
    guid = connect(http, headers, clock, "verify", password="anything")
    assert [a["name"] for a in http.get(f"/members/{guid}/accounts", headers=headers).json["accounts"]] == [
        "Alice Checking",
        "Alice Savings",
    ]
    other = open_session(http)
    guid = connect(http, other, clock, "verify", password="anything")
    assert "Alice Checking" not in [
        a["name"] for a in http.get(f"/members/{guid}/accounts", headers=other).json["accounts"]
    ]


def test_declarations_are_listed_removed_and_checked(http):
    assert http.post(f"{ADMIN}/test_accounts", json=DECLARED).status == 200
    listed = http.get(f"{ADMIN}/test_accounts").json["test_accounts"]
    assert [d["name"] for d in listed] == ["alice"]
    assert http.delete(f"{ADMIN}/test_accounts/alice").status == 200
    assert http.delete(f"{ADMIN}/test_accounts/alice").status == 404
    bad = [
        {**DECLARED, "credentials": None},  # names nobody
        {**DECLARED, "accounts": []},
        {**DECLARED, "accounts": [{**DECLARED["accounts"][0], "routing_number": "091000018"}]},
        {**DECLARED, "surprise": 1},
    ]
    for body in bad:
        assert http.post(f"{ADMIN}/test_accounts", json=body).status == 400, body


def test_declared_in_a_fixture_file(tmp_path, clock):
    (tmp_path / "alice.json").write_text(json.dumps({"version": 1, "test_accounts": [DECLARED]}))
    http = FlaskHttp(create_app(Config(seed=7, fixtures=str(tmp_path)), clock=clock))
    headers = open_session(http)
    guid = connect(http, headers, clock, "identify")
    assert [a["name"] for a in http.get(f"/members/{guid}/accounts", headers=headers).json["accounts"]] == [
        "Alice Checking",
        "Alice Savings",
    ]


def test_micro_deposit_rules_in_a_fixture_file(tmp_path, clock):
    rules = {
        "version": 1,
        "micro_deposits": [{"account_number": "4444", "amounts": [0.11, 0.22], "deposited_after": 5}],
    }
    (tmp_path / "md.json").write_text(json.dumps(rules))
    http = FlaskHttp(create_app(Config(seed=7, fixtures=str(tmp_path)), clock=clock))
    headers = open_session(http)
    guid = create(http, headers, account_number="44441")["guid"]
    clock.advance(6)
    assert read(http, headers, guid)["status_name"] == "DEPOSITED"
    assert verify(http, headers, guid, 0.11, 0.22).json["micro_deposit"]["status_name"] == "VERIFIED"


def test_every_create_and_status_change_reaches_the_domain_event_hook(app, http, clock):
    """The seam webhooks attach to (MX's MICRODEPOSITS payload: action created/updated and the record)."""
    headers = open_session(http)
    heard = []
    app.extensions["mocknexus.worlds"].get(CLIENT).emulator.micro_deposit_sink = heard.append
    guid = create(http, headers)["guid"]
    clock.advance(121)
    read(http, headers, guid)
    verify(http, headers, guid)
    read(http, headers, guid)  # nothing changed: nothing heard
    assert [(e.action, e.micro_deposit.status.name) for e in heard] == [
        ("created", "INITIATED"),
        ("updated", "REQUESTED"),
        ("updated", "DEPOSITED"),
        ("updated", "VERIFIED"),
    ]
    assert {(e.client_id, e.micro_deposit.guid) for e in heard} == {(CLIENT, guid)}
    # MX's MICRODEPOSITS webhook body, at MX's types (docs.mx.com/resources/webhooks/microdeposits).
    body = heard[0].payload
    assert (body["action"], body["version"]) == ("created", 1)
    assert body["micro_deposit"] == {
        "account_number": "333312345", "account_type": 1, "created_at": "2026-01-01T12:00:00.000+00:00",
        "guid": guid, "institution_guid": None, "routing_number": "091000019", "status": 0,
        "status_name": "INITIATED", "updated_at": "2026-01-01T12:00:00.000+00:00",
        "user_guid": body["micro_deposit"]["user_guid"], "user_id": body["micro_deposit"]["user_id"],
        "verified_at": None,
    }  # fmt: skip
    assert body["micro_deposit"]["user_id"].startswith("user-")
    assert heard[-1].payload["micro_deposit"]["verified_at"] == "2026-01-01T12:02:01.000+00:00"


def test_deleting_the_user_deletes_its_micro_deposits(http, clock):
    user_id = new_user(http)
    headers = open_session(http, user_id)
    guid = create(http, headers)["guid"]
    assert http.delete(f"/{CLIENT}/users/{user_id}.json", headers={"MD-API-KEY": "test-key"}).status == 204
    assert http.get(f"{ADMIN}/micro_deposits/{guid}").status == 404


@pytest.mark.live
def test_the_python_client_reveals_steers_and_declares(app, clock):
    from mocknexus.client import AdminClient
    from tests.support import LiveHttp, LiveServer

    with LiveServer(app) as server:
        http, admin = LiveHttp(server.url), AdminClient(server.url, client_id=CLIENT)
        admin.declare_accounts(DECLARED)
        headers = open_session(http)
        guid = create(http, headers)["guid"]
        assert admin.micro_deposit(guid)["deposit_amount_1"] == 0.09
        forced = admin.set_micro_deposit(guid, "DEPOSITED", amounts=(0.25, 0.5))
        assert (forced["status_name"], forced["deposit_amount_2"]) == ("DEPOSITED", 0.5)
        assert verify(http, headers, guid, 0.5, 0.25).json["micro_deposit"]["status_name"] == "VERIFIED"
        member = connect(http, headers, clock, "verify")
        names = [a["name"] for a in http.get(f"/members/{member}/accounts", headers=headers).json["accounts"]]
        assert names == ["Alice Checking", "Alice Savings"]


def test_the_clock_alone_moves_micro_deposits(app, http, clock):
    """advance_micro_deposits: what background work runs with no request (and the next instant it is due)."""
    headers = open_session(http)
    guid = create(http, headers)["guid"]
    emulator = app.extensions["mocknexus.worlds"].get(CLIENT).emulator
    first = emulator.advance_micro_deposits()
    assert first.moved == [] and first.next_due.isoformat() == "2026-01-01T12:00:01+00:00"
    heard = []
    emulator.micro_deposit_sink = heard.append
    clock.advance(200)  # a clock move runs the world's background work, which calls advance_micro_deposits
    assert [e.micro_deposit.status.name for e in heard] == ["REQUESTED", "DEPOSITED"]
    after = emulator.advance_micro_deposits()
    assert after.moved == [] and after.next_due is None  # nothing more the clock alone can do
    assert http.get(f"{ADMIN}/micro_deposits/{guid}").json["micro_deposit"]["status_name"] == "DEPOSITED"


def test_background_work_moves_micro_deposits_with_no_read(app, http, clock):
    """A control-plane clock advance runs the world's background work: DEPOSITED is reported then, unread."""
    headers = open_session(http)
    guid = create(http, headers)["guid"]
    heard = []
    app.extensions["mocknexus.worlds"].get(CLIENT).emulator.micro_deposit_sink = heard.append
    assert http.post(f"{ADMIN}/clock/advance", json={"seconds": 121}).status == 200
    assert [(e.action, e.micro_deposit.status.name) for e in heard] == [
        ("updated", "REQUESTED"),
        ("updated", "DEPOSITED"),
    ]
    assert {e.micro_deposit.guid for e in heard} == {guid}


def test_reads_of_an_unknown_client_create_no_world(http):
    for path in ("/__admin/clients/typo/test_accounts", "/__admin/clients/typo/micro_deposits/MIC-x"):
        assert http.get(path).status == 404
    assert http.delete("/__admin/clients/typo/test_accounts/alice").status == 404
    assert [c["client_id"] for c in http.get("/__admin/clients").json["clients"]] == []
    assert http.post("/__admin/clients/fresh/test_accounts", json=DECLARED).status == 200  # a declaration creates it
    assert [c["client_id"] for c in http.get("/__admin/clients").json["clients"]] == ["fresh"]


@pytest.mark.parametrize("amount", [1e30, 1e300, 123456789012345678901234567890.0, 1e-30, 0.005])
def test_an_amount_past_28_digits_is_an_answer_not_a_500(http, clock, amount):
    """A found bug (schemathesis): checking the cents of 1e30 overflowed Decimal's context (a 500)."""
    headers = open_session(http)
    guid = create(http, headers)["guid"]
    body = {"status": "DEPOSITED", "deposit_amount_1": amount, "deposit_amount_2": amount}
    steered = http.post(f"{ADMIN}/micro_deposits/{guid}/status", json=body)
    # Under a cent, or past any micro-deposit (schemas/microdeposits.MAX_AMOUNT, issue 28): a 400.
    assert steered.status == (400 if amount < 0.01 or amount > 999_999.99 else 200), steered.json
    assert verify(http, headers, guid, amount, amount).status in (200, 400)
    assert http.get(f"{ADMIN}/micro_deposits/{guid}").status == 200


@pytest.mark.both_stores  # declared holdings and statements (dates among them) round-trip through the stores
def test_declared_holdings_and_statements_are_kept_as_declared(http):
    brokerage = {
        "name": "Brokerage", "type": "INVESTMENT", "account_number": "5550001", "routing_number": "091000019",
        "holdings": [{"symbol": "VTI", "quantity": 2.5, "current_price": 250.0}],
        "statements": [{"period_start": "2025-10-15", "period_end": "2025-11-14"}],
    }  # fmt: skip
    declaration = {"name": "investor", "user_id": "investor-1", "accounts": [brokerage]}
    assert http.post(f"{ADMIN}/test_accounts", json=declaration).status == 200
    (listed,) = http.get(f"{ADMIN}/test_accounts").json["test_accounts"]
    (account,) = listed["accounts"]
    assert account["holdings"] == [{"symbol": "VTI", "quantity": 2.5, "current_price": 250.0, "description": None,
                                    "holding_type": "EQUITY", "purchase_price": None, "previous_price": None}]  # fmt: skip
    assert account["statements"] == [{"period_start": "2025-10-15", "period_end": "2025-11-14"}]
