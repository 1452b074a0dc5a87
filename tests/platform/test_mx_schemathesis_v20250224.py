"""schemathesis with MX's own v20250224 document as the schema (docs/reference/mx_platform_api_v20250224.yml),
restricted to the operations mocknexus serves, against a running server: generated requests, valid and
invalid, and no response may break MX's v20250224 response schemas, status codes or content types.

As for v20111101 (test_mx_schemathesis.py): the statuses MX's errors page names are added to each operation
(with v20250224's error body, `{"error": {"message", "status", "type"}}`), and create member's 201 (MX's
PR #179, mx_document.py); nothing else is changed. Every request carries `Accept-Version: v20250224` (the
version under test, which MX's v3 SDK sends on every call); half the generated cases name a real user,
member and account, by the partner's id where v20250224 takes an identifier. The counts of answers by
status print at the end (`-s`); MOCKNEXUS_FUZZ_EXAMPLES sets the depth.
"""

from __future__ import annotations

import json
from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode

from mocknexus.app import create_app
from mocknexus.config import Config
from mocknexus.domain.data.categories import PAYCHECK
from tests.platform import mx_document
from tests.platform.support import Platform, basic
from tests.platform.test_mx_schemathesis import EXAMPLES, mx_document_as_served, send_judged
from tests.support import LiveHttp, LiveServer

V = "v20250224"
ERROR_BODY = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["message", "status", "type"],
            "properties": {"message": {"type": "string"}, "status": {"type": "string"}, "type": {"type": "string"}},
        }
    },
}
pytestmark = [pytest.mark.fuzz, pytest.mark.live, pytest.mark.xdist_group("platform_mx_schemathesis_v20250224")]

SCHEMA = schemathesis.openapi.from_dict(
    mx_document_as_served(mx_document.V20250224, ERROR_BODY, set(mx_document.V20250224_OPERATIONS))
)
SCHEMA.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
TALLY: Counter = Counter()


@pytest.fixture(scope="module")
def server():
    with LiveServer(create_app(Config(seed=9, job_time_scale=0))) as live:
        mx = Platform(LiveHttp(live.url), client_id="schemathesis", version=V)
        user = mx.user("fuzz-user")
        # A member of every account type (the data plane's records too), its statements fetched.
        member = mx.created("fuzz-user", "all_accounts", products=["account_verification"], id="fuzz-member")
        mx.finish("fuzz-user", "fuzz-member")
        account = mx.get("/users/fuzz-user/accounts", expect=200).json["accounts"][0]
        for job in ("aggregate", "fetch_statements"):  # a verification finds accounts, not their transactions
            mx.post(f"/users/fuzz-user/members/fuzz-member/{job}", expect=202)
            mx.finish("fuzz-user", "fuzz-member")
        transaction = mx.get(f"/users/{user['guid']}/accounts/{account['guid']}/transactions", expect=200).json
        holding = mx.get(f"/users/{user['guid']}/investment_holdings", expect=200).json["investment_holdings"][0]
        statements = f"/users/{user['guid']}/members/{member['guid']}/statements"
        statement = mx.get(statements, expect=200).json["statements"][0]
        real = {
            "user_guid": user["guid"], "member_guid": member["guid"], "account_guid": account["guid"],
            "user_identifier": "fuzz-user", "member_identifier": "fuzz-member", "account_identifier": account["guid"],
            "institution_code": "mxbank", "institution_identifier": "mxbank",
            "transaction_guid": transaction["transactions"][0]["guid"],
            "transaction_identifier": transaction["transactions"][0]["guid"],
            "holding_guid": holding["guid"], "statement_guid": statement["guid"],
            "category_guid": PAYCHECK, "merchant_guid": "MCH-7ed79542-884d-2b1b-dd74-501c5cc9d25b",
        }  # fmt: skip
        yield live.url, real
    print(
        f"\nMX v20250224-document schemathesis: {sum(TALLY.values())} responses, by status {dict(sorted(TALLY.items()))}"
    )


@SCHEMA.parametrize()
@settings(
    max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck), database=None
)
def test_mx_v20250224_document_holds_for_every_response(case, server):
    url, real = server
    # MX's v3 SDK's headers; a generated Accept (the operations that take one as a parameter) stays.
    headers = {**basic("schemathesis", "key", V), **(case.headers or {})}
    headers["Authorization"] = basic("schemathesis", "key")["Authorization"]
    headers["Accept-Version"] = V
    case.headers = {**(case.headers or {}), "Accept-Version": V}  # the generated value would win otherwise
    response = send_judged(case, url, real, headers, TALLY)
    if response.status_code >= 400:
        assert set(json.loads(response.content)["error"]) == {"message", "status", "type"}
