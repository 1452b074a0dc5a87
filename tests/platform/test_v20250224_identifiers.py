"""v20250224's identifiers and timestamp filters, through HTTP, each success judged by MX's v20250224 document
and each error in v20250224's error body (tests/platform/support.py):

- every path segment MX's v20250224 document names `{*_identifier}` takes the guid or the partner's `id`
  (users, members, accounts, transactions; an institution's code or guid), and the others take guids only;
  the server's table of them (apis/platform/versions.py) is held to MX's document;
- the timestamp filters are honoured to the second; v20111101's YYYY-MM-DD filters keep whole days.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from mocknexus.apis.platform.versions import VERSIONS
from mocknexus.app import create_app
from mocknexus.config import Config
from mocknexus.domain.core.clock import Clock
from tests.platform import mx_document
from tests.platform.coverage import platform_routes, served_operations
from tests.platform.support import Platform
from tests.support import FlaskHttp

V = "v20250224"
START = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
ADMIN = "/__admin/clients/platform-client"
# Four transactions on one account, two of them a second apart, one on another day; a savings transaction
# sharing an id with a checking one (an id names a transaction of its account).
CHECKING = [
    ("t-early", "2025-12-31T10:00:00+00:00"),
    ("t-second", "2025-12-31T10:00:01+00:00"),
    ("t-late", "2025-12-31T15:30:00+00:00"),
    ("t-before", "2025-12-30T08:00:00+00:00"),
]
DECLARED = {
    "name": "identified",
    "user_id": "ident-user",
    "accounts": [
        {"name": "Checking", "id": "chk-1", "account_number": "1234567890", "routing_number": "091000019",
         "transactions": [{"id": i, "description": i, "amount": 10, "transacted_at": at} for i, at in CHECKING]},
        {"name": "Savings", "id": "sav-1", "type": "SAVINGS", "account_number": "1234567891",
         "routing_number": "091000019",
         "transactions": [{"id": "t-early", "description": "Interest", "amount": 1, "type": "CREDIT",
                           "transacted_at": "2025-12-31T09:00:00+00:00"}]},
    ],
}  # fmt: skip


@pytest.fixture
def http() -> FlaskHttp:
    return FlaskHttp(create_app(Config(seed=5, job_time_scale=0), clock=Clock(frozen_at=START)))


@pytest.fixture
def mx(http: FlaskHttp) -> Platform:
    assert http.request("POST", f"{ADMIN}/test_accounts", json=DECLARED).status == 200
    return Platform(http, version=V)


def connect(mx: Platform, member_id: str, code: str = "mxbank") -> str:
    """A member of `ident-user` that found the declared accounts and their transactions, their numbers
    verified where the institution verifies; its guid."""
    if mx.get("/users?id=ident-user", expect=200).json["users"] == []:
        mx.user("ident-user")
    guid = mx.created("ident-user", "password", code=code, id=member_id)["guid"]
    assert mx.finish("ident-user", member_id)["connection_status"] == "CONNECTED"
    if code == "mxbank":
        mx.post(f"/users/ident-user/members/{member_id}/verify", expect=200)
        assert mx.finish("ident-user", member_id)["connection_status"] == "CONNECTED"
    return guid


def unix(text: str) -> int:
    return int(datetime.fromisoformat(text).timestamp())


def _identifier_segments(app) -> dict[str, frozenset[str]]:
    """endpoint -> the route's segments MX's v20250224 document names `{*_identifier}`, per served operation."""
    routes = platform_routes(app)
    rules = {rule.endpoint: rule.rule for rule in app.url_map.iter_rules()}
    found = {}
    for op in served_operations(app, V):
        method, template, _ = mx_document.DOCUMENTS[V].operations[op]
        endpoint = routes[(method, re.sub(r"\{[^}]+\}", "{}", template))]
        names = re.findall(r"\{([^}]+)\}", template)
        segments = re.findall(r"<(?:[^:>]+:)?([^>]+)>", rules[endpoint])
        found[endpoint] = frozenset(s for n, s in zip(names, segments, strict=True) if n.endswith("_identifier"))
    return found


def test_the_identifier_table_is_mx_s_v20250224_document():
    app = create_app(Config(seed=1))
    expected = {endpoint: names for endpoint, names in _identifier_segments(app).items() if names}
    assert dict(VERSIONS.by_name[V].identifiers) == expected
    assert not VERSIONS.by_name["v20111101"].identifiers  # v20111101's paths take guids only


def test_accounts_and_transactions_by_the_partner_s_ids(mx: Platform):
    member = connect(mx, "m-1")
    user = mx.get("/users/ident-user", expect=200).json["user"]["guid"]
    accounts = {a["id"]: a for a in mx.get(f"/users/{user}/accounts", expect=200).json["accounts"]}
    assert set(accounts) == {"chk-1", "sav-1"}  # MX's AccountResponse `id`: the partner's, as declared
    checking, savings = accounts["chk-1"]["guid"], accounts["sav-1"]["guid"]
    by_ids = "/users/ident-user/members/m-1/accounts/chk-1"
    # readAccountByMember / updateAccountByMember: the account's id or its guid, the same account.
    assert mx.get(by_ids, expect=200).json["account"]["guid"] == checking
    assert mx.get(f"/users/{user}/members/{member}/accounts/{checking}", expect=200).json == mx.get(by_ids).json
    renamed = mx.put(by_ids, json={"account": {"nickname": "Bills"}}, expect=200).json["account"]
    assert (renamed["guid"], renamed["nickname"]) == (checking, "Bills")
    # listAccountNumbersByAccount: `{user_identifier}` and `{account_identifier}`.
    numbers = mx.get("/users/ident-user/accounts/sav-1/account_numbers", expect=200).json["account_numbers"]
    assert [(n["account_guid"], n["account_number"]) for n in numbers] == [(savings, "1234567891")]
    # readTransactionByAccount / updateTransactionByAccount: a transaction's id names one of its account's.
    read = mx.get(f"{by_ids}/transactions/t-second", expect=200).json["transactions"]
    assert [(t["id"], t["account_guid"]) for t in read] == [("t-second", checking)]
    guid = read[0]["guid"]
    assert mx.get(f"{by_ids}/transactions/{guid}", expect=200).json["transactions"] == read
    assert (
        mx.get("/users/ident-user/members/m-1/accounts/sav-1/transactions/t-early").json["transactions"][0][
            "description"
        ]
        == "Interest"
    )
    updated = mx.put(f"{by_ids}/transactions/t-second", json={"transaction": {"description": "Rent"}}, expect=200)
    assert (updated.json["transaction"]["guid"], updated.json["transaction"]["description"]) == (guid, "Rent")
    # One world: v20111101 reads the change, by guids (its paths take no ids).
    old = Platform(mx.http)
    assert old.get(f"/users/{user}/transactions/{guid}", expect=200).json["transactions"][0]["description"] == "Rent"
    old.get(f"/users/{user}/members/{member}/accounts/chk-1", expect=404)


def test_an_account_id_names_the_account_of_the_member_in_the_path(mx: Platform):
    first, second = (
        connect(mx, "m-1"),
        connect(mx, "m-2", code="mxbank_aggregation_only"),
    )  # the declaration gives both members its accounts
    one = mx.get("/users/ident-user/members/m-1/accounts/chk-1", expect=200).json["account"]
    two = mx.get("/users/ident-user/members/m-2/accounts/chk-1", expect=200).json["account"]
    assert (one["member_guid"], two["member_guid"]) == (first, second) and one["guid"] != two["guid"]
    # Another member's account guid is not this member's account.
    mx.get(f"/users/ident-user/members/m-1/accounts/{two['guid']}", expect=404)


def test_unknown_identifiers_and_guid_only_segments_answer_mx_s_404(mx: Platform):
    member = connect(mx, "m-1")
    user = mx.get("/users/ident-user", expect=200).json["user"]["guid"]
    checking = mx.get("/users/ident-user/members/m-1/accounts/chk-1", expect=200).json["account"]["guid"]
    base = "/users/ident-user/members/m-1/accounts"
    for path in [
        f"{base}/nope",
        f"{base}/chk-1/transactions/nope",
        f"{base}/sav-1/transactions/t-second",  # a checking transaction's id, under savings
        "/users/ident-user/members/nope/accounts/chk-1",
        "/users/nope/members/m-1/accounts/chk-1",
        "/users/ident-user/accounts/nope/account_numbers",
        "/institutions/nope/credentials",
        # Segments MX's v20250224 document keeps as guids: a partner id names nothing there.
        f"/users/{user}/accounts/chk-1",  # readAccount: {user_guid}/{account_guid}
        "/users/ident-user/accounts",  # listUserAccounts' user by id works ...
        f"/users/{user}/members/{member}/accounts/chk-1/transactions",  # ... listTransactionsByAccountPerMember's not
        f"/users/{user}/members/m-1/account_numbers",  # listAccountNumbersByMember: {member_guid}
        f"/users/{user}/accounts/chk-1/transactions",  # listTransactionsByAccount: {account_guid}
    ]:
        if path == "/users/ident-user/accounts":
            mx.get(path, expect=200)
            continue
        error = mx.get(path, expect=404).json["error"]
        assert error["status"] == "not_found", (path, error)
    mx.put(f"{base}/chk-1/transactions/nope", json={"transaction": {"description": "x"}}, expect=404)
    mx.get(f"/users/{user}/members/{member}/accounts/{checking}/transactions", expect=200)


def test_institution_credentials_by_code_or_guid_and_an_institution_read_by_code(http: FlaskHttp):
    mx = Platform(http, version=V)
    institution = mx.get("/institutions/mxbank", expect=200).json["institution"]
    by_code = mx.get("/institutions/mxbank/credentials", expect=200).json
    assert mx.get(f"/institutions/{institution['guid']}/credentials", expect=200).json == by_code
    # readInstitution's segment is MX's `{institution_code}` in v20250224 too: a guid names nothing there.
    mx.get(f"/institutions/{institution['guid']}", expect=404)


def test_the_timestamp_filters_are_honoured_to_the_second(mx: Platform):
    member = connect(mx, "m-1")
    user = mx.get("/users/ident-user", expect=200).json["user"]["guid"]
    account = mx.get("/users/ident-user/members/m-1/accounts/chk-1", expect=200).json["account"]["guid"]
    path = f"/users/{user}/members/{member}/accounts/{account}/transactions"  # listTransactionsByAccountPerMember
    listed = f"/users/{user}/accounts/{account}/transactions"  # listTransactionsByAccount
    member_path = "/users/ident-user/members/m-1/transactions"  # listTransactionsByMember: by the ids

    def ids(query: str, at: str = path) -> list[str]:
        return sorted(t["id"] for t in mx.get(f"{at}?{query}", expect=200).json["transactions"] if t["id"])

    early, second, late = (unix(at) for _, at in CHECKING[:3])
    assert ids(f"from_date={late}") == ids(f"from_date={late}&to_date={late}") == ["t-late"]
    assert ids(f"from_date={second}") == ids(f"from_date={second}", listed) == ["t-late", "t-second"]
    assert ids(f"from_date={second + 1}") == ["t-late"]
    assert ids(f"to_date={early}") == ["t-before", "t-early"]
    assert ids(f"from_date={early}&to_date={second}") == ["t-early", "t-second"]
    assert ids(f"from_date={early + 1}&to_date={second - 1}") == []
    # A YYYY-MM-DD day (v20111101's form) is its whole day.
    assert ids("from_date=2025-12-31&to_date=2025-12-31") == ["t-early", "t-late", "t-second"]
    # Without from_date/to_date, MX's defaults (120 days back, 5 days forward): every one of them.
    assert ids("") == ["t-before", "t-early", "t-late", "t-second"]
    # The created and updated filters to the second: each was created by the aggregation that found it.
    created = datetime.fromisoformat(mx.get(path, expect=200).json["transactions"][0]["created_at"])
    at = int(created.timestamp())
    assert len(ids(f"from_created_at={at}")) == 4 and ids(f"from_created_at={at + 1}") == []
    assert ids(f"to_created_at={at - 1}") == [] and len(ids(f"to_updated_at={at}")) == 4
    assert ids(f"from_timestamp={at + 1}", member_path) == [] and len(ids(f"to_timestamp={at}", member_path)) == 5
    mx.get(path + "?from_date=noon", expect=400)


def test_v20111101_s_date_filters_stay_whole_days(mx: Platform):
    member = connect(mx, "m-1")
    old = Platform(mx.http)
    user = old.get("/users?id=ident-user", expect=200).json["users"][0]["guid"]
    path = f"/users/{user}/members/{member}/transactions"

    def ids(query: str) -> list[str]:
        return sorted(t["id"] for t in old.get(f"{path}?{query}", expect=200).json["transactions"] if t["id"])

    assert ids("from_date=2025-12-31&to_date=2025-12-31") == ["t-early", "t-early", "t-late", "t-second"]
    assert ids("to_date=2025-12-30") == ["t-before"]
    old.get(f"{path}?from_date={unix(CHECKING[1][1])}", expect=400)  # v20111101 takes no timestamps
