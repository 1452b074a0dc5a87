"""The data plane in v20250224 (`Accept-Version: v20250224`): accounts' transactions, categories, merchants,
holdings, statements and their jobs, and the reads v20250224 adds, each success judged by MX's v20250224
document (tests/platform/mx_document.py `V20250224`), each error in v20250224's error body; the filters as
unix timestamps, the identifiers where MX's document takes them, an update of `description` only."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta

import pytest

from mocknexus.app import create_app
from mocknexus.config import Config
from mocknexus.domain.data import categories
from tests.platform import mx_document
from tests.platform.support import Platform, basic
from tests.support import FlaskHttp

V = "v20250224"
PAYCHECK = categories.PAYCHECK


@pytest.fixture
def app():
    return create_app(Config(seed=11, job_time_scale=0))


@pytest.fixture
def mx(app) -> Platform:
    return Platform(FlaskHttp(app), version=V)


def connected(mx: Platform, user: str = "data-user", member: str = "data-member") -> tuple[str, str]:
    """A user and a connected all-account-types member, both with the partner's ids; their guids."""
    user_guid = mx.user(user)["guid"]
    member_guid = mx.created(user, "all_accounts", id=member)["guid"]
    assert mx.finish(user, member)["connection_status"] == "CONNECTED"
    return user_guid, member_guid


def unix(day: date) -> str:
    return str(int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()))


def test_every_data_operation_answers_as_mx_s_v20250224_document_has_it(app, mx: Platform):
    g, mg = connected(mx)
    u, m = "data-user", "data-member"  # `{user_identifier}` / `{member_identifier}` by the partner's ids
    accounts = mx.get(f"/users/{u}/members/{m}/accounts", expect=200).json["accounts"]
    checking = next(a["guid"] for a in accounts if a["type"] == "CHECKING")
    investment = next(a["guid"] for a in accounts if a["type"] == "INVESTMENT")
    listed = mx.get(f"/users/{u}/transactions?includes=merchants,classifications,geolocations", expect=200).json
    first = listed["transactions"][0]
    assert {"merchant", "classification", "geolocation"} <= set(first) and "repeating_transaction" not in first
    assert first["account_guid"] and "is_international" not in first  # never null in v20250224
    by_member = mx.get(f"/users/{u}/members/{m}/transactions?records_per_page=10", expect=200).json
    assert by_member["pagination"]["per_page"] == 10
    t = mx.get(f"/users/{g}/accounts/{checking}/transactions", expect=200).json["transactions"][0]["guid"]
    per_member = mx.get(f"/users/{g}/members/{mg}/accounts/{checking}/transactions", expect=200).json
    assert {x["account_guid"] for x in per_member["transactions"]} == {checking}
    assert mx.get(f"/users/{g}/transactions/{t}", expect=200).json["transactions"][0]["guid"] == t
    by_account = f"/users/{u}/members/{m}/accounts/{checking}/transactions/{t}"
    read = mx.get(by_account + "?includes=merchants", expect=200).json["transactions"]
    assert [x["guid"] for x in read] == [t] and "merchant" in read[0]
    mx.put(f"/users/{g}/transactions/{t}", json={"transaction": {"description": "Lunch"}}, expect=200)
    updated = mx.put(by_account, json={"transaction": {"description": "Team lunch"}}, expect=200).json
    assert updated["transaction"]["description"] == "Team lunch"
    mx.get("/categories/default", expect=200)
    mx.get(f"/categories/{PAYCHECK}", expect=200)
    mx.get(f"/users/{g}/categories", expect=200)
    mx.get(f"/users/{g}/categories/default", expect=200)
    mx.get(f"/users/{g}/categories/{PAYCHECK}", expect=200)
    merchant = mx.get("/merchants?name=comcast", expect=200).json["merchants"][0]
    mx.get(f"/merchants/{merchant['guid']}", expect=200)
    holding = mx.get(f"/users/{g}/investment_holdings", expect=200).json["investment_holdings"][0]
    mx.get(f"/users/{g}/members/{mg}/investment_holdings", expect=200)
    assert mx.get(f"/users/{g}/accounts/{investment}/investment_holdings", expect=200).json["investment_holdings"]
    mx.get(f"/users/{g}/investment_holdings/{holding['guid']}", expect=200)
    extended = mx.post(f"/users/{u}/members/{m}/extend_history", expect=202).json["member"]
    assert extended["is_being_aggregated"] and extended["most_recent_job_guid"].startswith("JOB-")
    mx.finish(u, m)
    mx.post(f"/users/{u}/members/{m}/fetch_statements", expect=202)
    mx.finish(u, m)
    statement = mx.get(f"/users/{g}/members/{mg}/statements", expect=200).json["statements"][0]
    assert mx.get(f"/users/{g}/members/{mg}/statements/{statement['guid']}", expect=200).json["statement"] == statement
    headers = {**basic(version=V), "Accept": "application/vnd.mx.api.v1+pdf"}
    pdf = app.test_client().get(statement["uri"], headers=headers)
    assert (pdf.status_code, pdf.content_type, pdf.data[:5]) == (200, "application/vnd.mx.api.v1+pdf", b"%PDF-")
    assert hashlib.sha256(pdf.data).hexdigest() == statement["content_hash"]
    mx.seen.add("downloadStatementPDF")
    savings = next(a["guid"] for a in accounts if a["type"] == "SAVINGS")
    merged = mx.post(f"/users/{g}/accounts/merge", json={"account": {"account_guids": [checking, savings]}}, expect=200)
    assert merged.json["account"]["guid"] == checking
    assert set(mx_document.DATA_OPERATIONS + mx_document.V20250224_DATA_OPERATIONS) - mx.seen == set()


def test_the_filters_take_unix_timestamps_and_no_categories(mx: Platform):
    connected(mx)
    path = "/users/data-user/members/data-member/transactions"
    mx.post("/users/data-user/members/data-member/extend_history", expect=202)
    mx.finish("data-user", "data-member")
    everything = mx.get(path + "?from_date=0&records_per_page=1000", expect=200).json
    default = mx.get(path + "?records_per_page=1000", expect=200).json
    assert everything["pagination"]["total_entries"] > default["pagination"]["total_entries"]
    newest = date.fromisoformat(everything["transactions"][0]["date"])
    week = newest - timedelta(days=6)
    window = mx.get(path + f"?from_date={unix(week)}&to_date={unix(newest)}&records_per_page=1000", expect=200).json
    assert window["transactions"] and all(
        week <= date.fromisoformat(t["date"]) <= newest for t in window["transactions"]
    )
    # The same days written YYYY-MM-DD (v20111101's form) are whole days: the timestamps' window to its
    # newest day's last second (a timestamp is honoured to the second: tests/platform/test_v20250224_identifiers.py).
    same = mx.get(path + f"?from_date={week}&to_date={newest}&records_per_page=1000", expect=200).json
    last_second = int(unix(newest + timedelta(days=1))) - 1
    whole = mx.get(path + f"?from_date={unix(week)}&to_date={last_second}&records_per_page=1000", expect=200).json
    assert same == whole and same["pagination"]["total_entries"] >= window["pagination"]["total_entries"]
    # By member, from_timestamp/to_timestamp filter the created time: nothing was created after tomorrow.
    later = unix(date.today() + timedelta(days=3650))
    assert mx.get(path + f"?from_timestamp={later}", expect=200).json["pagination"]["total_entries"] == 0
    assert mx.get(path + f"?to_timestamp={later}", expect=200).json["pagination"]["total_entries"] > 0
    bad = mx.get(path + "?from_date=yesterday", expect=400).json["error"]
    assert "from_date" in bad["message"] and bad["status"] == "bad_request"
    # v20250224 dropped the category filters: a parameter the operation does not have.
    assert "category_guid" in mx.get(path + f"?category_guid={PAYCHECK}", expect=400).json["error"]["message"]


def test_identifiers_updates_and_the_added_reads(mx: Platform):
    g, mg = connected(mx)
    accounts = mx.get("/users/data-user/members/data-member/accounts", expect=200).json["accounts"]
    checking = next(a["guid"] for a in accounts if a["type"] == "CHECKING")
    savings = next(a["guid"] for a in accounts if a["type"] == "SAVINGS")
    # listTransactionsByMember by guid and by the partner's ids: the same page.
    by_ids = mx.get("/users/data-user/members/data-member/transactions", expect=200).json
    assert mx.get(f"/users/{g}/members/{mg}/transactions", expect=200).json == by_ids
    t = mx.get(f"/users/{g}/members/{mg}/accounts/{checking}/transactions", expect=200).json["transactions"][0]
    # An update takes description, required (memo, category and date are v20111101's, not applied here).
    path = f"/users/{g}/transactions/{t['guid']}"
    refused = mx.put(path, json={"transaction": {"memo": "x"}}, expect=400).json["error"]["message"]
    assert "description" in refused
    mx.put(path, json={"transaction": {}}, expect=400)
    kept = mx.put(path, json={"transaction": {"description": "Gas", "memo": "x"}}, expect=200).json["transaction"]
    assert (kept["description"], kept["memo"]) == ("Gas", t["memo"])
    # Another account's transaction is not this account's.
    mx.get(f"/users/{g}/members/{mg}/accounts/{savings}/transactions/{t['guid']}", expect=404)
    mx.get(f"/users/{g}/members/{mg}/accounts/ACT-nope/transactions", expect=404)
    # The reads v20250224 adds are not v20111101's: MX's 404 there, in v20111101's body.
    old = Platform(mx.http, version="v20111101")
    gone = old.get(f"/users/{g}/members/{mg}/accounts/{checking}/transactions", expect=404).json["error"]
    assert set(gone) == {"code", "message"}
    # One world: the description set through v20250224 is what v20111101 reads.
    mx.put(path, json={"transaction": {"description": "Rent"}}, expect=200)
    assert old.get(f"/users/{g}/transactions/{t['guid']}", expect=200).json["transactions"][0]["description"] == "Rent"


def test_merging_accounts_keeps_the_first_and_deletes_the_others(mx: Platform):
    g, mg = connected(mx)
    accounts = mx.get(f"/users/{g}/accounts", expect=200).json["accounts"]
    kept, gone = accounts[0]["guid"], accounts[1]["guid"]
    path = f"/users/{g}/accounts/merge"
    # Fewer than two distinct accounts, or one that is not the user's: refused, nothing changes.
    assert (
        "two" in mx.post(path, json={"account": {"account_guids": [kept, kept]}}, expect=400).json["error"]["message"]
    )
    mx.post(path, json={"account": {"account_guids": [kept, "ACT-nope"]}}, expect=404)
    mx.post(path, json={"account": {}}, expect=400)
    assert len(mx.get(f"/users/{g}/accounts", expect=200).json["accounts"]) == len(accounts)
    body = mx.post(path, json={"account": {"account_guids": [kept, gone]}}, expect=200).json["account"]
    assert body["guid"] == kept and body["member_guid"] == mg
    left = [a["guid"] for a in mx.get(f"/users/{g}/members/{mg}/accounts", expect=200).json["accounts"]]
    assert kept in left and gone not in left and len(left) == len(accounts) - 1
    mx.get(f"/users/{g}/accounts/{gone}", expect=404)
    mx.get(f"/users/{g}/accounts/{gone}/transactions", expect=404)
    # The member's transactions are its remaining accounts', and a later aggregation does not bring it back.
    listed = mx.get(f"/users/{g}/members/{mg}/transactions?records_per_page=1000", expect=200).json["transactions"]
    assert listed and gone not in {t["account_guid"] for t in listed}
    mx.post(f"/users/{g}/members/{mg}/aggregate", expect=202)
    mx.finish(g, mg)
    assert gone not in [a["guid"] for a in mx.get(f"/users/{g}/accounts", expect=200).json["accounts"]]
    # v20111101 has no merge: MX's 404 there.
    Platform(mx.http, version="v20111101").post(path, json={"account": {"account_guids": [kept, gone]}}, expect=404)
