"""A page's transactions written straight from their inputs (apis/platform/transaction_text.py) are byte for byte
marshmallow's dump of their records, encoded as every answer is: for every kind of transaction (generated,
declared, injected, posted by hand, edited; strings that need escapes, non-ASCII text, `%` and braces, times
with an offset, whole-number amounts), every `includes`, both API versions and every dialect; the writer is
used wherever it can be, and its amounts are orjson's text."""

from __future__ import annotations

import random
import struct
from datetime import date

import orjson
import pytest
from marshmallow import fields, post_dump

from mocknexus.apis.platform import transaction_bytes, transaction_text
from mocknexus.apis.platform.schemas import transactions as s
from mocknexus.apis.platform.schemas.v20250224 import transactions as s25
from mocknexus.app import create_app
from mocknexus.config import Config
from mocknexus.domain.data import views
from mocknexus.domain.data.listing import Query
from mocknexus.schemas.dialects import DIALECTS, view
from mocknexus.web.http import encode
from tests.platform.support import Platform
from tests.platform.test_data_dump import CLIENT, _admin, _every_kind, _includes_combinations

# What declared transactions may say, each to be written as the encoder writes it: strings the encoder escapes
# (in a page of their own, a month earlier), non-ASCII text, `%` and braces, times whose date in UTC is another
# day, two differing only in their description, whole-number and extreme amounts, a memo and an id.
ODD = [
    {"description": 'The "Quoted" Shop', "original_description": 'POS "QUOTED" \\ SHOP\n#12', "amount": 12.0,
     "transacted_at": "2025-11-20T12:00:00+00:00"},
    {"description": "Control", "original_description": "CTRL \x01 TEXT", "amount": 5.25,
     "transacted_at": "2025-11-20T13:00:00+00:00"},
    {"description": "Café Zürich {1}", "original_description": "CAFÉ ZÜRICH 100% {n} \u2028", "amount": 7.5,
     "transacted_at": "2025-12-29T23:30:00-07:00"},
    {"description": "Plain Store", "original_description": "PLAIN STORE 42", "amount": 0.01, "status": "PENDING",
     "transacted_at": "2025-12-30T01:15:00+05:45"},
    {"description": "Other Store", "original_description": "PLAIN STORE 42", "amount": 99_999_999.99,
     "transacted_at": "2025-12-30T12:00:00+00:00"},
    {"description": "With Memo", "original_description": "MEMO 1", "amount": 3, "memo": "m", "id": "p-9",
     "transacted_at": "2025-12-30T12:30:00+00:00"},
    {"description": "With Memo", "original_description": "MEMO 2", "amount": 4, "memo": "n", "id": "p-10",
     "transacted_at": "2025-12-30T12:40:00+00:00"},
]  # fmt: skip


@pytest.fixture
def app():
    return create_app(Config(seed=13, job_time_scale=0))


def _odd_world(app) -> tuple[Platform, list[str]]:
    """`_every_kind`'s world and a declared login whose transactions say odd things: (its client, users)."""
    http, mx, _, declared, _, rich = _every_kind(app)
    _admin(http, "POST", "/test_accounts", {"name": "odd", "user_id": "odd", "accounts": [{
        "name": "Odd Checking", "type": "CHECKING", "account_number": "5555555555", "routing_number": "091000019",
        "balance": 10.0, "transactions_per_day": 2, "transactions": ODD}]})  # fmt: skip
    odd = mx.user("odd")["guid"]
    member = mx.member(odd, "password", background_aggregation_is_disabled=True)["guid"]
    mx.finish(odd, member)
    return mx, [declared, rich, odd]


def _pages(app, users: list[str]):
    """Every page of 20 of each user's transactions since 2025: (inputs, page)."""
    emulator = app.extensions["mocknexus.worlds"].get(CLIENT).emulator
    for user_guid in users:
        user = emulator.get_user(user_guid)
        number, pages = 1, 1
        while number <= pages:
            given, page = emulator.list_transaction_inputs(user, Query(from_date=date(2025, 1, 1)), number, 20)
            yield given, page
            number, pages = number + 1, page.total_pages


def test_pages_written_from_inputs_are_marshmallows_dump_encoded(app):
    mx, users = _odd_world(app)
    given = [g for listed, _ in _pages(app, users) for g in listed]
    assert any("\\" in g.raw.original_description for g in given) and len({g.raw.description for g in given}) > 30
    assert any(g.edit is not None for g in given) and any(g.raw.transacted_at.utcoffset() for g in given)
    written, plain = _check_every_page(app, users)
    assert written >= plain > 0  # every page of plain text is written from its inputs
    # A user's partner id changed: its transactions say so at once (whatever was written of them before).
    mx.put(f"/users/{users[-1]}", json={"user": {"id": "odd-renamed"}}, expect=200)
    assert _check_every_page(app, users[-1:])[0] > 0


def _check_every_page(app, users: list[str]) -> tuple[int, int]:
    """Each page of `users`' transactions, written in each version, `includes` and dialect, is the encoded dump
    of its records: (pages written from their inputs, pages whose text needs no escape)."""
    pages = list(_pages(app, users))
    written = plain = 0
    for lists in (s.transaction_list, s25.transaction_list):
        for includes in _includes_combinations():
            for dialect in DIALECTS:
                schema = view(lists(includes), dialect)
                item = transaction_bytes.item_schema(schema)
                assert transaction_text.plan_of(item) is not None, (lists.__module__, includes, dialect)
                for given, page in pages:
                    records = [views.transaction(g) for g in given]
                    fresh = encode(schema.dump({"transactions": records, "pagination": page}))
                    assert transaction_bytes._made(schema, given, page) == fresh, (includes, dialect, page)
                    text = transaction_text.transactions_text(item, given)
                    if text is not None:
                        assert fresh.startswith(b'{"transactions":[' + text.encode() + b"],")
                    written += text is not None
                    plain += all(_plain(g) for g in given)
    return written, plain


def _plain(given: views.RecordInputs) -> bool:
    raw = given.raw
    return not transaction_text._NEEDS_ESCAPE(raw.original_description)


def test_amount_text_is_orjsons_wherever_it_gives_one():
    rng = random.Random(26)
    values: list[float | int] = [0.0, -0.0, 1.0, 100, -7, 1e15, 1e16, 1e-4, 1e-5, float("inf"), float("nan"), 2**60]
    for _ in range(50_000):
        values += [round(rng.uniform(-1e6, 1e6), 2), 10 ** rng.uniform(-6, 18) * rng.choice((1, -1))]
        values.append(struct.unpack("d", rng.getrandbits(64).to_bytes(8, "little"))[0])
    given = 0
    for value in values:
        text = transaction_text._amount_text(value)
        if text is not None:
            assert text == orjson.dumps(float(value)).decode(), value
            given += 1
    assert given > 80_000
    assert transaction_text._amount_text(1e16) is None and transaction_text._amount_text(float("nan")) is None
    assert transaction_text._amount_text(-0.0) == "-0.0" and transaction_text._amount_text(0.0) == "0.0"


def test_a_schema_that_could_read_a_hole_some_other_way_is_written_the_ordinary_way():
    class Computed(s.PlatformTransaction):
        month = fields.Function(lambda record: record.transacted_at.month)

    class Hooked(s.PlatformTransaction):
        @post_dump
        def _more(self, data: dict, **kwargs: object) -> dict:
            return data

    class OtherKind(s.PlatformTransaction):
        transacted_at = fields.DateTime()

    class AsText(s.PlatformTransaction):
        amount = fields.Float(as_string=True)

    for schema in (Computed(), Hooked(), OtherKind(), AsText()):
        assert transaction_text.plan_of(schema) is None, type(schema).__name__
    assert transaction_text.plan_of(s.PlatformTransaction()) is not None
