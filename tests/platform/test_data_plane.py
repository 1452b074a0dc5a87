"""The data plane through MX's Platform API, on a live server with a real webhook receiver and a frozen clock:
time moves the data (days pass, an aggregation brings new transactions in and posts pending ones, with MX's
AGGREGATION webhook and its counts), MX's background aggregation, transactions injected through the control
plane, MX's limits, and every answer judged by MX's document (tests/platform/support.py)."""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from tests.platform.support import Platform, basic
from tests.support import CLIENT
from tests.webhooks.support import START, Rig, rig

pytestmark = pytest.mark.live
DAY = 86_400
PDF = "application/vnd.mx.api.v1+pdf"


@contextmanager
def platform(**config) -> Iterator[tuple[Rig, Platform]]:
    with rig(job_time_scale=0, **config) as t:
        yield t, Platform(t.http, client_id=CLIENT)


def connect(p: Platform, password: str = "all_accounts", **extra) -> tuple[str, str]:
    user = p.user()["guid"]
    member = p.member(user, password, **extra)["guid"]
    assert p.finish(user, member)["connection_status"] == "CONNECTED"
    return user, member


def transactions(p: Platform, path: str, **query) -> dict:
    """Every transaction the list answers, by guid, paging through it 100 at a time."""
    found: dict[str, dict] = {}
    page = 1
    while True:
        args = "&".join(f"{k}={v}" for k, v in {"records_per_page": 100, "page": page, **query}.items())
        body = p.get(f"{path}?{args}", expect=200).json
        found.update({t["guid"]: t for t in body["transactions"]})
        if page >= body["pagination"]["total_pages"]:
            assert len(found) == body["pagination"]["total_entries"]
            return found
        page += 1


def test_days_pass_and_an_aggregation_brings_new_transactions_and_posts_pending_ones_with_its_webhook():
    with platform() as (t, p):
        user, member = connect(p, background_aggregation_is_disabled=True)
        path = f"/users/{user}/members/{member}/transactions"
        first = transactions(p, path)
        pending = {g for g, tr in first.items() if tr["status"] == "PENDING"}
        assert first and pending, "a checking account and a card have purchases still pending on day one"
        assert all(tr["posted_at"] is None for g, tr in first.items() if g in pending)
        assert {tr["type"] for tr in first.values()} == {"DEBIT", "CREDIT"}
        assert all(tr["amount"] > 0 and tr["category_guid"].startswith("CAT-") for tr in first.values())

        created = t.receiver.wait_for("AGGREGATION", member).json
        assert created["transactions_created_count"] == len(first) and created["is_background"] is False

        t.clock.advance(3 * DAY)
        assert transactions(p, path).keys() == first.keys(), "nothing moves until an aggregation"
        answered = p.post(f"/users/{user}/members/{member}/aggregate", expect=202).json["member"]
        assert answered["is_being_aggregated"] is True
        assert p.finish(user, member)["connection_status"] == "CONNECTED"

        later = transactions(p, path)
        new = later.keys() - first.keys()
        assert new and first.keys() <= later.keys()
        assert all(later[g]["transacted_at"] > START.strftime("%Y-%m-%dT%H:%M:%SZ") for g in new)
        for guid in pending:  # the same guid, posted now, at its posted amount
            assert later[guid]["status"] == "POSTED" and later[guid]["posted_at"] is not None
            assert later[guid]["updated_at"] > first[guid]["updated_at"]
            assert later[guid]["created_at"] == first[guid]["created_at"]
        second = t.receiver.wait_for("AGGREGATION", member, count=2).json
        assert second["transactions_created_count"] == len(new)
        assert second["transactions_updated_count"] == len(pending)
        assert second["completed_on"] == "2026-01-04"


def test_balances_follow_what_posts_and_available_holds_back_what_is_pending():
    with platform() as (t, p):
        user, member = connect(p, background_aggregation_is_disabled=True)
        accounts = {
            a["type"]: a for a in p.get(f"/users/{user}/members/{member}/accounts", expect=200).json["accounts"]
        }
        assert set(accounts) == {"CHECKING", "SAVINGS", "CREDIT_CARD", "LOAN", "MORTGAGE", "INVESTMENT"}
        card = accounts["CREDIT_CARD"]
        assert card["credit_limit"] and card["available_balance"] <= card["credit_limit"] - card["balance"] + 0.01
        t.clock.advance(10 * DAY)
        p.post(f"/users/{user}/members/{member}/check_balance", expect=202)
        p.finish(user, member)
        after = {a["type"]: a for a in p.get(f"/users/{user}/members/{member}/accounts", expect=200).json["accounts"]}
        assert after["CHECKING"]["balance"] != accounts["CHECKING"]["balance"]
        assert after["INVESTMENT"]["balance"] != accounts["INVESTMENT"]["balance"], "prices moved"
        t.receiver.wait_for("BALANCE", member)


def test_mx_background_aggregation_runs_daily_with_is_background():
    with platform() as (t, p):
        user, member = connect(p)
        t.receiver.wait_for("AGGREGATION", member)
        path = f"/users/{user}/members/{member}/transactions"
        before = transactions(p, path)
        t.clock.advance(3 * DAY + 60)  # one background aggregation, at the latest whole day since
        background = t.receiver.wait_for("AGGREGATION", member, count=2).json
        assert background["is_background"] is True and background["member_guid"] == member
        assert background["completed_on"] == "2026-01-04"
        after = transactions(p, path)
        assert background["transactions_created_count"] == len(after.keys() - before.keys()) > 0
        posted = {g for g, tr in before.items() if tr["status"] == "PENDING" and after[g]["status"] == "POSTED"}
        assert background["transactions_updated_count"] == len(posted)
        assert p.get(f"/users/{user}/members/{member}", expect=200).json["member"]["successfully_aggregated_at"] == (
            "2026-01-04T12:00:00Z"
        )


def test_an_injected_transaction_shows_pending_at_the_next_aggregation_and_posts_when_posted():
    with platform() as (t, p):
        user, member = connect(p, "password", background_aggregation_is_disabled=True)
        account = p.get(f"/users/{user}/members/{member}/accounts", expect=200).json["accounts"][0]["guid"]
        t.receiver.wait_for("AGGREGATION", member)
        (guid,) = t.admin.add_transactions(member, account, [
            {"description": "Corner Bakery", "amount": 12.5, "status": "PENDING"},
        ])  # fmt: skip
        path = f"/users/{user}/accounts/{account}/transactions"
        assert guid not in transactions(p, path), "it shows at the next aggregation"
        t.clock.advance(60)
        p.post(f"/users/{user}/members/{member}/aggregate", expect=202)
        p.finish(user, member)
        shown = transactions(p, path)[guid]
        assert (shown["status"], shown["amount"], shown["description"]) == ("PENDING", 12.5, "Corner Bakery")
        counts = t.receiver.wait_for("AGGREGATION", member, count=2).json
        assert counts["transactions_created_count"] >= 1

        t.admin.post_transaction(member, guid, amount=14.75)
        t.clock.advance(60)
        p.post(f"/users/{user}/members/{member}/aggregate", expect=202)
        p.finish(user, member)
        read = p.get(f"/users/{user}/transactions/{guid}", expect=200).json["transactions"][0]
        assert (read["status"], read["amount"]) == ("POSTED", 14.75)


def test_mx_limits_refuse_a_second_standard_aggregation_within_three_hours_until_the_clock_passes_it():
    with platform() as (t, p):
        user, member = connect(p, "password", background_aggregation_is_disabled=True)
        assert t.admin.data_settings()["limits"] == "institution"  # MX Bank has none, as at MX
        assert t.admin.data_settings(limits="on")["limits"] == "on"
        assert p.post(f"/users/{user}/members/{member}/aggregate", expect=202).json["member"]["is_being_aggregated"]
        p.finish(user, member)
        refused = p.post(f"/users/{user}/members/{member}/aggregate", expect=202).json["member"]
        assert refused["is_being_aggregated"] is False, "MX: 202, and no job"
        t.clock.advance(3 * 3600)
        assert p.post(f"/users/{user}/members/{member}/aggregate", expect=202).json["member"]["is_being_aggregated"]
        p.finish(user, member)
        for _ in range(5):
            assert p.post(f"/users/{user}/members/{member}/check_balance", expect=202).json["member"][
                "is_being_aggregated"
            ]
            p.finish(user, member)
        assert not p.post(f"/users/{user}/members/{member}/check_balance", expect=202).json["member"][
            "is_being_aggregated"
        ]
        t.admin.data_settings(limits="off")
        assert p.post(f"/users/{user}/members/{member}/check_balance", expect=202).json["member"]["is_being_aggregated"]


def test_a_declared_login_finds_exactly_its_transactions_and_a_pending_one_posts_when_posted():
    with platform() as (t, p):
        before = START.replace(hour=9).isoformat()
        t.admin.declare_accounts({
            "name": "exact", "user_id": "declared-user",
            "accounts": [{
                "name": "Everyday Checking", "type": "CHECKING", "account_number": "1234567890",
                "routing_number": "091000019", "balance": 1000.0, "available_balance": 900.0,
                "transactions": [
                    {"description": "Payroll", "amount": 2500, "type": "CREDIT", "transacted_at": "2025-12-30T06:00:00+00:00",
                     "category_guid": "CAT-982ea9e6-3f0e-0c5b-611b-6657a10ba819"},
                    {"description": "Corner Cafe", "amount": 4.5, "transacted_at": before, "status": "PENDING"},
                ],
            }],
        })  # fmt: skip
        user = p.user("declared-user")["guid"]
        member = p.member(user, "password", background_aggregation_is_disabled=True)["guid"]
        p.finish(user, member)
        (account,) = p.get(f"/users/{user}/members/{member}/accounts", expect=200).json["accounts"]
        assert (account["balance"], account["available_balance"]) == (1000.0, 900.0)
        found = transactions(p, f"/users/{user}/transactions")
        shown = sorted((tr["description"], tr["status"], tr["category"]) for tr in found.values())
        assert shown == [("Corner Cafe", "PENDING", None), ("Payroll", "POSTED", "Paycheck")]
        cafe = next(g for g, tr in found.items() if tr["description"] == "Corner Cafe")

        t.admin.post_transaction(member, cafe)
        t.clock.advance(3600)
        p.post(f"/users/{user}/members/{member}/aggregate", expect=202)
        p.finish(user, member)
        read = p.get(f"/users/{user}/transactions/{cafe}", expect=200).json["transactions"][0]
        assert read["status"] == "POSTED"
        (account,) = p.get(f"/users/{user}/members/{member}/accounts", expect=200).json["accounts"]
        assert (account["balance"], account["available_balance"]) == (995.5, 900.0)


def test_a_declared_login_finds_exactly_its_holdings_and_statements_and_a_bad_one_is_refused():
    with platform() as (t, p):
        t.admin.declare_accounts({
            "name": "portfolio", "user_id": "investor",
            "accounts": [
                {"name": "Brokerage", "type": "INVESTMENT", "account_number": "5550001", "routing_number": "091000019",
                 "holdings": [
                     {"symbol": "VTI", "quantity": 10, "current_price": 250.0, "purchase_price": 200.0,
                      "previous_price": 245.0, "holding_type": "EXCHANGE_TRADED_FUND"},
                     {"symbol": "ACME", "description": "Acme Corp.", "quantity": 3, "current_price": 12.5},
                 ],
                 "statements": []},
                {"name": "Checking", "type": "CHECKING", "account_number": "5550002", "routing_number": "091000019",
                 "balance": 100.0, "transactions": [
                     {"description": "Rent", "amount": 40, "transacted_at": "2025-11-03T12:00:00+00:00"}],
                 "statements": [{"period_end": "2025-11-30"}, {"period_end": "2025-10-31"},
                                {"period_start": "2025-12-15", "period_end": "2026-01-14"}]},
            ],
        })  # fmt: skip
        user = p.user("investor")["guid"]
        member = p.member(user, "password", background_aggregation_is_disabled=True)["guid"]
        p.finish(user, member)
        accounts = {
            a["type"]: a for a in p.get(f"/users/{user}/members/{member}/accounts", expect=200).json["accounts"]
        }
        assert accounts["INVESTMENT"]["balance"] == 2537.5, "an investment account is worth its holdings"
        held = p.get(f"/users/{user}/accounts/{accounts['INVESTMENT']['guid']}/investment_holdings", expect=200).json
        shown = sorted((h["symbol"], h["description"], h["holding_type"], h["quantity"], h["market_value"],
                        h["cost_basis"], h["daily_change"]) for h in held["investment_holdings"])  # fmt: skip
        assert shown == [("ACME", "Acme Corp.", "EQUITY", "3.0", 37.5, 37.5, 0.0),
                         ("VTI", "VTI", "EXCHANGE_TRADED_FUND", "10.0", 2500.0, 2000.0, 5.0)]  # fmt: skip
        t.clock.advance(30 * DAY)
        p.post(f"/users/{user}/members/{member}/aggregate", expect=202)
        p.finish(user, member)
        again = p.get(f"/users/{user}/investment_holdings", expect=200).json["investment_holdings"]
        assert sorted(h["market_value"] for h in again) == [37.5, 2500.0], "a declared price does not move"

        p.post(f"/users/{user}/members/{member}/fetch_statements", expect=202)
        p.finish(user, member)
        listed = p.get(f"/users/{user}/members/{member}/statements", expect=200).json["statements"]
        assert [s["account_guid"] for s in listed] == [accounts["CHECKING"]["guid"]] * 3, "exactly those declared"
        asked = urllib.request.Request(t.server.url + listed[-1]["uri"], headers={**basic(CLIENT), "Accept": PDF})
        with urllib.request.urlopen(asked, timeout=30) as pdf:
            assert pdf.read(5) == b"%PDF-", "a declared statement is a real PDF"

        checking = {"name": "Checking", "type": "CHECKING", "account_number": "1", "routing_number": "091000019"}
        for wrong, named in (
            ({"holdings": [{"symbol": "VTI", "quantity": 1, "current_price": 1}]}, "accounts.0.holdings"),
            ({"statements": [{"period_end": "2025-11-30", "period_start": "2025-12-01"}]}, "period_start"),
            ({"statements": [{"period_end": "2025-11-30"}, {"period_end": "2025-11-30"}]}, "accounts.0.statements"),
        ):
            body = {"name": "bad", "user_id": "x", "accounts": [{**checking, **wrong}]}
            refused = t.http.post(f"/__admin/clients/{CLIENT}/test_accounts", json=body)
            assert refused.status == 400 and named in refused.json["error"]["message"], refused.json
        assert [d["name"] for d in t.admin.test_accounts()] == ["portfolio"], "nothing refused was kept"


def test_the_cli_adds_and_posts_a_transaction_and_changes_the_data_settings(capsys):
    import json

    from mocknexus.cli import main

    with platform() as (t, p):
        user, member = connect(p, "password", background_aggregation_is_disabled=True)
        account = p.get(f"/users/{user}/members/{member}/accounts", expect=200).json["accounts"][0]["guid"]
        admin = ["admin", "--url", t.server.url, "--client-id", CLIENT]
        assert main([*admin, "add-transaction", member, account, "CLI Coffee", "3.25", "--status", "PENDING"]) == 0
        (guid,) = json.loads(capsys.readouterr().out)["transactions"]
        p.post(f"/users/{user}/members/{member}/aggregate", expect=202)
        p.finish(user, member)
        assert p.get(f"/users/{user}/transactions/{guid}", expect=200).json["transactions"][0]["status"] == "PENDING"
        assert main([*admin, "post-transaction", member, guid]) == 0
        assert main([*admin, "data-settings", "--limits", "off", "--background-aggregation", "off"]) == 0
        assert t.admin.data_settings() == {"limits": "off", "background_aggregation": False}
        p.post(f"/users/{user}/members/{member}/aggregate", expect=202)
        p.finish(user, member)
        assert p.get(f"/users/{user}/transactions/{guid}", expect=200).json["transactions"][0]["status"] == "POSTED"
