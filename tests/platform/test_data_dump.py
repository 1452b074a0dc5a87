"""The dumper a transaction list is written with (schemas/fastdump.py, compiled from the schema's own fields)
gives exactly what marshmallow's `schema.dump` gives, for every transaction shape a world can hold: generated
ones pending and posted in every kind of account, declared ones (pending, with a memo and a partner id),
injected ones (pending, and posted at another amount), and ones the partner edited. A page served from kept
transaction bytes (apis/platform/transaction_bytes.py) is byte for byte marshmallow's dump of the same page,
encoded as every answer is, in both API versions and with every `includes`, read once and read again, and it
follows whatever changes a transaction (posting, an edit, a new aggregation)."""

from __future__ import annotations

import itertools
import random
from datetime import UTC, date, datetime, timedelta, timezone
from types import SimpleNamespace

import pytest

from mocknexus.apis.platform import transaction_bytes
from mocknexus.apis.platform.schemas import transactions as s
from mocknexus.apis.platform.schemas.common import PlatformTime
from mocknexus.apis.platform.schemas.v20250224 import transactions as s25
from mocknexus.app import create_app
from mocknexus.config import Config
from mocknexus.domain.data import categories, views
from mocknexus.domain.data.listing import Query
from mocknexus.schemas.dialects import view
from mocknexus.schemas.fastdump import dumper
from mocknexus.web.http import encode
from tests.platform.support import Platform, basic
from tests.support import FlaskHttp

CLIENT = "platform-client"  # the client id Platform's Basic auth names
DAY = 86_400


@pytest.fixture
def app():
    return create_app(Config(seed=13, job_time_scale=0))


def _admin(http: FlaskHttp, method: str, path: str, body: dict | None = None) -> dict:
    answer = http.client.open(f"/__admin/clients/{CLIENT}{path}", method=method, json=body)
    assert answer.status_code < 300, answer.get_data(as_text=True)
    return answer.get_json()


def _every_kind(app) -> tuple[FlaskHttp, Platform, list[str], str, str, str]:
    """A world holding every kind of transaction: (http, mx, injected guids, declared user and member, rich user)."""
    http = FlaskHttp(app)
    mx = Platform(http)
    _admin(http, "POST", "/clock/freeze", {"at": "2026-01-01T12:00:00+00:00"})
    _admin(http, "POST", "/test_accounts", {"name": "exact", "user_id": "declared", "accounts": [{
        "name": "Everyday Checking", "type": "CHECKING", "account_number": "1234567890",
        "routing_number": "091000019", "balance": 1000.0, "transactions_per_day": 4, "transactions": [
            {"description": "Corner Cafe", "amount": 4.5, "transacted_at": "2026-01-01T09:00:00+00:00",
             "status": "PENDING", "memo": "latte", "id": "partner-1"},
            {"description": "Payroll", "amount": 2500, "type": "CREDIT", "transacted_at": "2025-12-30T06:00:00+00:00",
             "category_guid": categories.PAYCHECK},
        ],
    }]})  # fmt: skip
    declared = mx.user("declared")["guid"]
    declared_member = mx.member(declared, "password", background_aggregation_is_disabled=True)["guid"]
    mx.finish(declared, declared_member)
    rich = mx.user()["guid"]
    rich_member = mx.member(rich, "all_accounts", background_aggregation_is_disabled=True)["guid"]
    mx.finish(rich, rich_member)
    account = mx.get(f"/users/{declared}/members/{declared_member}/accounts", expect=200).json["accounts"][0]
    injected = _admin(http, "POST", f"/members/{declared_member}/transactions", {
        "account_guid": account["guid"],
        "transactions": [{"description": "Bakery", "amount": 12.5, "status": "PENDING"},
                         {"description": "Refund", "amount": 3.0, "type": "CREDIT"}],
    })["transactions"]  # fmt: skip
    _admin(http, "POST", "/clock/advance", {"seconds": DAY})
    for user, member in ((declared, declared_member), (rich, rich_member)):
        mx.post(f"/users/{user}/members/{member}/aggregate", expect=202)
        mx.finish(user, member)
    _admin(http, "POST", f"/members/{declared_member}/transactions/{injected[0]}/post", {"amount": 14.75})
    _admin(http, "POST", "/clock/advance", {"seconds": 3600})
    mx.post(f"/users/{declared}/members/{declared_member}/aggregate", expect=202)
    mx.finish(declared, declared_member)
    listed = mx.get(f"/users/{rich}/transactions?records_per_page=10", expect=200).json["transactions"]
    edits = [
        {"memo": "edited"},
        {"description": "Team lunch", "category_guid": categories.FOOD},
        {"date": "2025-12-01"},
    ]
    for transaction, edit in zip(listed[:3], edits, strict=True):
        mx.put(f"/users/{rich}/transactions/{transaction['guid']}", json={"transaction": edit}, expect=200)
    return http, mx, injected, declared, declared_member, rich


def test_the_compiled_dump_of_every_kind_of_transaction_is_marshmallows(app):
    _, _, injected, declared, _, rich = _every_kind(app)
    emulator = app.extensions["mocknexus.worlds"].get(CLIENT).emulator
    records = []
    for user_guid in (declared, rich):
        user = emulator.get_user(user_guid)
        found, _ = emulator.list_transactions(user, Query(from_date=date(2025, 1, 1)), 1, 1000)
        records += found
    statuses = {(r.status, r.type, r.id is not None, r.memo is not None, r.merchant is not None) for r in records}
    assert {r.guid for r in records} >= set(injected) and len(records) > 100
    assert {"PENDING", "POSTED"} <= {status for status, *_ in statuses} and len(statuses) >= 6
    assert {"Team lunch", "Bakery", "Corner Cafe"} <= {r.description for r in records}

    schemas = [s.PlatformTransactionResponse(), s.transaction_list(frozenset(), one=True)]
    schemas += [
        s.transaction_list(frozenset(chosen))
        for size in range(len(s.INCLUDES) + 1)
        for chosen in itertools.combinations(s.INCLUDES, size)
    ]
    for schema in schemas:
        key = next(iter(schema.fields))
        for record in records:
            body = {key: record if key == "transaction" else [record]}
            assert dumper(schema)(body) == schema.dump(body), (type(schema).__name__, record.guid)
    item = s.PlatformTransactionFields()
    assert all(dumper(item)(record) == item.dump(record) for record in records)


def _includes_combinations() -> list[frozenset[str]]:
    return [
        frozenset(chosen) for size in range(len(s.INCLUDES) + 1) for chosen in itertools.combinations(s.INCLUDES, size)
    ]


def _assert_pages_are_fresh_dumps(app, http: FlaskHttp, users: list[str], combinations: list[frozenset[str]]) -> None:
    """Every page of `users`' transactions, as served (kept bytes where there are some), is marshmallow's dump of
    the page's records made now, encoded as every answer is: in both versions, with each `includes` asked for."""
    emulator = app.extensions["mocknexus.worlds"].get(CLIENT).emulator
    dialect = app.config["MOCKNEXUS"].mx_dialect
    for version, lists in (("v20111101", s.transaction_list), ("v20250224", s25.transaction_list)):
        for user_guid in users:
            user = emulator.get_user(user_guid)
            for includes in combinations:
                for page in (1, 2):
                    records, shown = emulator.list_transactions(user, Query(from_date=date(2025, 1, 1)), page, 20)
                    schema = view(lists(includes), dialect)
                    fresh = encode(schema.dump({"transactions": records, "pagination": shown}))
                    path = f"/users/{user_guid}/transactions?from_date=2025-01-01&records_per_page=20&page={page}"
                    served = http.client.get(
                        f"{path}&includes={','.join(sorted(includes))}", headers=basic(version=version)
                    )
                    assert served.status_code == 200, served.get_data(as_text=True)
                    assert served.data == fresh, (version, includes, page)


def test_a_page_from_kept_bytes_is_the_fresh_dump_read_once_and_again(app, monkeypatch):
    _, _, _, declared, _, rich = _every_kind(app)
    transaction_bytes.KEPT.clear()
    _assert_pages_are_fresh_dumps(app, http := FlaskHttp(app), [declared, rich], _includes_combinations())
    assert not transaction_bytes.KEPT.parts  # a page read once is only remembered
    _assert_pages_are_fresh_dumps(app, http, [declared, rich], _includes_combinations())
    kept = list(transaction_bytes.KEPT.parts.items())
    assert len(kept) > 1000
    for (item, given), part in kept:  # each kept part is its transaction's JSON as dumped and encoded alone
        assert bytes(part) == encode(item.dump(views.transaction(given)))
    # Read a third time, every page is made of kept parts: no record is made for it.
    monkeypatch.setattr(transaction_bytes, "views", SimpleNamespace(transaction=_no_record))
    _assert_pages_are_fresh_dumps(app, http, [declared, rich], _includes_combinations())


def _no_record(given: object) -> None:
    raise AssertionError("a page read again was made, not spliced from kept parts")


def test_kept_bytes_follow_postings_edits_and_aggregations(app):
    http, mx, _, declared, declared_member, _ = _every_kind(app)
    everything = [frozenset(), frozenset(s.INCLUDES)]
    for _ in range(2):  # read twice: kept from then on
        _assert_pages_are_fresh_dumps(app, http, [declared], everything)
    assert transaction_bytes.KEPT.parts
    listed = f"/users/{declared}/transactions?from_date=2025-01-01&records_per_page=20"
    account = mx.get(f"/users/{declared}/members/{declared_member}/accounts", expect=200).json["accounts"][0]
    added = _admin(http, "POST", f"/members/{declared_member}/transactions", {
        "account_guid": account["guid"], "transactions": [{"description": "Hardware", "amount": 20.0, "status": "PENDING"}],
    })["transactions"][0]  # fmt: skip
    _admin(http, "POST", "/clock/advance", {"seconds": 600})
    mx.post(f"/users/{declared}/members/{declared_member}/aggregate", expect=202)
    mx.finish(declared, declared_member)
    _assert_pages_are_fresh_dumps(app, http, [declared], everything)
    shown = {t["guid"]: t for t in mx.get(listed, expect=200).json["transactions"]}
    assert (shown[added]["status"], shown[added]["amount"]) == ("PENDING", 20.0)

    _admin(http, "POST", f"/members/{declared_member}/transactions/{added}/post", {"amount": 21.5})
    _admin(http, "POST", "/clock/advance", {"seconds": 600})
    mx.post(f"/users/{declared}/members/{declared_member}/aggregate", expect=202)
    mx.finish(declared, declared_member)
    _assert_pages_are_fresh_dumps(app, http, [declared], everything)
    shown = {t["guid"]: t for t in mx.get(listed, expect=200).json["transactions"]}
    assert (shown[added]["status"], shown[added]["amount"]) == ("POSTED", 21.5)

    mx.put(f"/users/{declared}/transactions/{added}", json={"transaction": {"description": "Tools"}}, expect=200)
    _assert_pages_are_fresh_dumps(app, http, [declared], everything)
    assert {t["guid"]: t for t in mx.get(listed, expect=200).json["transactions"]}[added]["description"] == "Tools"


def test_kept_bytes_stay_within_their_bound(app, monkeypatch):
    _, _, _, declared, _, rich = _every_kind(app)
    transaction_bytes.KEPT.clear()
    monkeypatch.setattr(transaction_bytes.KEPT, "limit", 40_000)
    for _ in range(2):
        _assert_pages_are_fresh_dumps(app, FlaskHttp(app), [declared, rich], [frozenset(), frozenset(s.INCLUDES)])
    kept = transaction_bytes.KEPT
    assert 0 < kept.size <= 40_000
    assert kept.size == sum(len(part) + transaction_bytes.ENTRY_OVERHEAD for part in kept.parts.values())


def test_platform_time_writes_strftimes_text_for_any_datetime():
    """PlatformTime writes a timestamp from kept parts (its day's, minute's, second's text): the text strftime
    writes of it in UTC, for naive, UTC and offset datetimes across the years, microseconds dropped."""
    rng = random.Random(26)
    zones = [None, UTC, timezone(timedelta(0)), timezone(timedelta(hours=-7)), timezone(timedelta(hours=5, minutes=45))]
    for _ in range(20_000):
        zone = rng.choice(zones)
        at = datetime(rng.randrange(2, 9999), rng.randrange(1, 13), rng.randrange(1, 29), rng.randrange(24),
                      rng.randrange(60), rng.randrange(60), rng.randrange(1_000_000), tzinfo=zone)  # fmt: skip
        expected = (at.astimezone(UTC) if zone is not None else at).strftime("%Y-%m-%dT%H:%M:%SZ")
        assert PlatformTime.serialize_value(at) == expected
    assert PlatformTime.serialize_value(None) is None
