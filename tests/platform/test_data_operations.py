"""Every data-plane operation through MX's Platform API, each success judged by MX's own document
(tests/platform/mx_document.py), with MX's filters, pages and errors; the data deterministic from the seed."""

from __future__ import annotations

import pytest

from mocknexus.app import create_app
from mocknexus.config import Config
from mocknexus.domain.data import categories
from tests.platform import mx_document
from tests.platform.support import Platform, basic
from tests.support import FlaskHttp

PAYCHECK, INCOME = categories.PAYCHECK, categories.INCOME


@pytest.fixture
def app():
    return create_app(Config(seed=11, job_time_scale=0))


@pytest.fixture
def mx(app) -> Platform:
    return Platform(FlaskHttp(app))


def connected(mx: Platform, password: str = "all_accounts") -> tuple[str, str]:
    user = mx.user()["guid"]
    member = mx.member(user, password)["guid"]
    assert mx.finish(user, member)["connection_status"] == "CONNECTED"
    return user, member


def test_every_data_operation_answers_as_mx_documents_it(app, mx: Platform):
    u, m = connected(mx)
    accounts = mx.get(f"/users/{u}/members/{m}/accounts", expect=200).json["accounts"]
    checking = next(a["guid"] for a in accounts if a["type"] == "CHECKING")
    investment = next(a["guid"] for a in accounts if a["type"] == "INVESTMENT")
    listed = mx.get(f"/users/{u}/transactions?includes=merchants,classifications,geolocations", expect=200).json
    assert {"merchant", "classification", "geolocation"} <= set(listed["transactions"][0])
    assert "repeating_transaction" not in listed["transactions"][0]
    mx.get(f"/users/{u}/members/{m}/transactions?records_per_page=10", expect=200)
    t = mx.get(f"/users/{u}/accounts/{checking}/transactions", expect=200).json["transactions"][0]["guid"]
    mx.get(f"/users/{u}/transactions/{t}", expect=200)
    mx.put(f"/users/{u}/transactions/{t}", json={"transaction": {"memo": "lunch"}}, expect=200)
    body = {"transaction": {"description": "Team lunch", "category_guid": categories.FOOD}}
    by_account = f"/users/{u}/members/{m}/accounts/{checking}/transactions/{t}"
    # MX's document declares this answer application/json (what MX's SDKs ask for it), as the micro-deposits'.
    updated = mx.put(by_account, json=body, expect=200, Accept="application/json").json
    assert (updated["transaction"]["description"], updated["transaction"]["memo"]) == ("Team lunch", "lunch")
    assert updated["transaction"]["category"] == "Food & Dining"
    mx.get("/categories/default", expect=200)
    mx.get(f"/categories/{PAYCHECK}", expect=200)
    mx.get(f"/users/{u}/categories", expect=200)
    mx.get(f"/users/{u}/categories/default", expect=200)
    assert mx.get(f"/users/{u}/categories/{PAYCHECK}", expect=200).json["category"]["parent_guid"] == INCOME
    merchant = mx.get("/merchants?name=comcast", expect=200).json["merchants"][0]
    assert merchant["guid"] == "MCH-7ed79542-884d-2b1b-dd74-501c5cc9d25b"  # MX's own example's guid
    mx.get(f"/merchants/{merchant['guid']}", expect=200)
    holding = mx.get(f"/users/{u}/investment_holdings", expect=200).json["investment_holdings"][0]
    mx.get(f"/users/{u}/members/{m}/investment_holdings", expect=200)
    assert mx.get(f"/users/{u}/accounts/{investment}/investment_holdings", expect=200).json["investment_holdings"]
    assert mx.get(f"/users/{u}/accounts/{checking}/investment_holdings", expect=200).json["investment_holdings"] == []
    mx.get(f"/users/{u}/investment_holdings/{holding['guid']}", expect=200)
    assert mx.post(f"/users/{u}/members/{m}/extend_history", expect=202).json["member"]["is_being_aggregated"]
    mx.finish(u, m)
    assert mx.get(f"/users/{u}/members/{m}/statements", expect=200).json["statements"] == [], "none until fetched"
    mx.post(f"/users/{u}/members/{m}/fetch_statements", expect=202)
    mx.finish(u, m)
    statement = mx.get(f"/users/{u}/members/{m}/statements", expect=200).json["statements"][0]
    read = mx.get(f"/users/{u}/members/{m}/statements/{statement['guid']}", expect=200).json["statement"]
    assert read == statement and len(statement["content_hash"]) == 64
    pdf = app.test_client().get(statement["uri"], headers={**basic(), "Accept": "application/vnd.mx.api.v1+pdf"})
    assert (pdf.status_code, pdf.content_type, pdf.data[:5]) == (200, "application/vnd.mx.api.v1+pdf", b"%PDF-")
    import hashlib

    assert hashlib.sha256(pdf.data).hexdigest() == statement["content_hash"], "the same bytes every time"
    mx.seen.add("downloadStatementPDF")
    assert set(mx_document.DATA_OPERATIONS) - mx.seen == set()


def test_the_date_window_defaults_to_120_days_back_and_5_forward_and_filters_by_category(mx: Platform):
    u, m = connected(mx)
    mx.post(f"/users/{u}/members/{m}/extend_history", expect=202)
    mx.finish(u, m)
    path = f"/users/{u}/members/{m}/transactions"
    default = mx.get(path + "?records_per_page=1000", expect=200).json
    dates = [t["date"] for t in default["transactions"]]
    everything = mx.get(path + "?from_date=2000-01-01&records_per_page=1000", expect=200).json
    assert everything["pagination"]["total_entries"] > default["pagination"]["total_entries"]
    oldest = min(dates)
    from datetime import date, timedelta

    today = date.fromisoformat(max(t["date"] for t in everything["transactions"]))
    assert date.fromisoformat(oldest) >= today - timedelta(days=121)
    assert dates == sorted(dates, reverse=True), "newest first"
    paychecks = mx.get(path + f"?category_guid={PAYCHECK}&records_per_page=1000", expect=200).json["transactions"]
    assert paychecks and {t["category"] for t in paychecks} == {"Paycheck"}
    tops = mx.get(path + f"?top_level_category_guid[]={INCOME}&records_per_page=1000", expect=200).json
    assert {t["top_level_category"] for t in tops["transactions"]} == {"Income"}
    assert len(tops["transactions"]) >= len(paychecks)
    window = mx.get(path + "?from_date=2026-01-01&to_date=2025-12-01", expect=200).json
    assert window["pagination"]["total_entries"] == 0


def test_pages_cover_every_transaction_once_and_records_per_page_follows_mx(mx: Platform):
    u, m = connected(mx)
    path = f"/users/{u}/members/{m}/transactions"
    everything = mx.get(path + "?records_per_page=1000", expect=200).json
    total = everything["pagination"]["total_entries"]
    seen = []
    for page in range(1, everything["pagination"]["total_pages"] + 1):
        seen += [
            t["guid"] for t in mx.get(path + f"?records_per_page=1000&page={page}", expect=200).json["transactions"]
        ]
    paged = []
    page_count = (total + 9) // 10
    for page in range(1, page_count + 1):
        paged += [
            t["guid"] for t in mx.get(path + f"?records_per_page=10&page={page}", expect=200).json["transactions"]
        ]
    assert paged == seen and len(set(paged)) == total
    assert mx.get(path + "?records_per_page=1001", expect=200).json["pagination"]["per_page"] == 25  # MX: the default
    assert mx.get(path + "?records_per_page=3", expect=200).json["pagination"]["per_page"] == 10


def test_the_same_seed_gives_the_same_transactions():
    def listing() -> list:
        mx = Platform(FlaskHttp(create_app(Config(seed=11, job_time_scale=0))))
        user = mx.user("same-user")["guid"]
        member = mx.member(user, "all_accounts")["guid"]
        mx.finish(user, member)
        found = mx.get(f"/users/{user}/members/{member}/transactions?records_per_page=50", expect=200).json
        return [(t["description"], t["amount"], t["type"], t["category_guid"]) for t in found["transactions"]]

    assert listing() == listing()


def test_errors_are_mxs(mx: Platform):
    u, m = connected(mx, "password")
    other, _ = connected(mx, "password")
    mx.get(f"/users/{u}/transactions/TRN-00000000-0000-0000-0000-000000000000", expect=404)
    mx.get(f"/users/{u}/transactions?from_date=yesterday", expect=400)
    mx.get(f"/users/{u}/transactions?from_date=2026-02-30", expect=400)
    mx.get(f"/users/{u}/members/{m}/statements/STA-nope", expect=404)
    mx.get("/categories/CAT-nope", expect=404)
    mx.get("/merchants/MCH-nope", expect=404)
    mx.get(f"/users/{u}/investment_holdings/HOL-nope", expect=404)
    t = mx.get(f"/users/{u}/transactions", expect=200).json["transactions"][0]["guid"]
    mx.get(f"/users/{other}/transactions/{t}", expect=404)  # another user's is as absent as none
    mx.put(f"/users/{u}/transactions/{t}", json={"transaction": {}}, expect=400)
    mx.put(f"/users/{u}/transactions/{t}", json={"transaction": {"category_guid": "CAT-nope"}}, expect=422)
    mx.post(f"/users/{u}/members/{m}/verify", expect=200)
    mx.post(f"/users/{u}/members/{m}/extend_history", expect=409)  # another job runs
