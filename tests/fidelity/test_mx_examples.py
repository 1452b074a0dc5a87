"""Every request MX publishes (docs/reference/mx-published-examples.md), sent as written to a live server in each
response dialect, its answer compared with MX's example: keys, JSON types, and (strictly, for g21 and v1)
no key a client of that generation does not know. Bodies, paths and responses are parsed from the document.

The only substitutions are the guide's own placeholders (`:client_id`, `:user_id`, `:member_guid`) and, in
its MFA answer, the challenge guid and `user-entered-value` (a live challenge has its own guid, and MX Bank's
right answer is `correct`).
"""

from __future__ import annotations

import json
import re
from datetime import datetime

import pytest

from mocknexus.domain.static_members.static_members import STATUS_NAMES
from mocknexus.web import xmlio
from tests.fidelity import mx_reference as ref
from tests.fidelity.mx_conformance import check
from tests.fidelity.mx_live import DIALECTS, MX, NEXUS, live_mx

# One worker runs the module, so its module-scoped server starts once per dialect.
pytestmark = pytest.mark.xdist_group("mx_examples")

S = ref.steps


@pytest.fixture(params=DIALECTS, scope="module")
def mx(request):
    with live_mx(request.param) as mx:
        yield mx


def test_the_reference_parses():
    assert set(S()) >= {f"1.{n}" for n in range(1, 12)}
    assert all(ref.key_sets()[d]["member"] for d in ("g21", "v1"))


@pytest.mark.live
def test_1_1_create_user(mx: MX):
    step = S()["1.1"]
    assert (step.method, step.path) == ("POST", "/:client_id/users.json")
    body = json.loads(json.dumps(step.blocks[0]))
    body["user"]["id"] = mx.fresh_id(body["user"]["id"])  # the guide's id, made unique per dialect's server
    r = mx.mdx("POST", mx.fill(step.path), body)
    assert r.status_code == 200, r.text
    user = r.json()["user"]
    check("user", user, mx.dialect, step.blocks[1]["user"])
    assert (user["credit_score"], user["phone"]) == (step.blocks[1]["user"]["credit_score"], "(505) 555-1234")


@pytest.mark.live
def test_1_2_api_token_in_xml_exactly_as_written(mx: MX):
    step = S()["1.2"]
    r = mx.call("GET", mx.fill(step.path), headers={"Accept": "application/vnd.moneydesktop.sso.v3+xml", **mx.key})
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("application/vnd.moneydesktop.sso.v3+xml")
    parsed = xmlio.loads(r.content)
    assert set(parsed) == set(step.inline[0]) and set(parsed["api_token"]) == set(step.inline[0]["api_token"])
    as_json = mx.call("GET", mx.fill(step.path).replace(".xml", ".json"), headers=mx.key)
    assert set(as_json.json()["api_token"]) == {"token"}


@pytest.mark.live
def test_1_3_open_session(mx: MX):
    step = S()["1.3"]
    r = mx.call("POST", step.path, step.inline[0], headers={"MD-API-TOKEN": mx.api_token(), **NEXUS})
    assert r.status_code == 200, r.text
    check("session", r.json()["session"], mx.dialect, step.inline[1]["session"])
    assert set(r.json()) == set(step.inline[1]) and len(r.json()["session"]["token"]) == 86


@pytest.mark.live
def test_1_4_search_institutions(mx: MX):
    step = S()["1.4"]
    r = mx.nexus(step.method, step.path, step.inline[0])
    assert r.status_code == 200, r.text
    body, example = r.json(), step.blocks[0]
    expected = {"g21": {"pagination_data", "institutions"}, "v1": {"institutions", "pagination"}}
    assert set(body) == expected.get(mx.dialect, expected["g21"] | expected["v1"])
    assert body["institutions"], "the guide's search finds its institution"
    for institution in body["institutions"]:
        check("institution", institution, mx.dialect, example["institutions"][0])
    if "pagination_data" in body:
        check("pagination_data", body["pagination_data"], mx.dialect, example["pagination_data"])
        assert body["pagination_data"]["records_on_current_page"] == len(body["institutions"])
    if "pagination" in body:
        check("pagination", body["pagination"], mx.dialect)
    assert mx.nexus("POST", step.path, {}).status_code == 400  # "an empty body is a 400"


@pytest.mark.live
def test_1_5_mx_bank_is_exactly_mx_bank(mx: MX):
    step = S()["1.5"]
    r = mx.nexus(step.method, step.path)
    assert r.status_code == 200, r.text
    got, documented = r.json()["credentials"], step.blocks[0]["credentials"]
    assert len(got) == len(documented)
    for mine, theirs in zip(got, documented, strict=True):
        check("credential", mine, mx.dialect, theirs)
        for key, value in theirs.items():
            if key.endswith("_at"):
                assert _instant(mine[key]) == _instant(value), key
            elif key in mine:
                assert mine[key] == value, f"{key}: {mine[key]!r} != MX's {value!r}"
    assert ("options" in got[0]) == (mx.dialect != "v1")


@pytest.mark.live
def test_every_bundled_institutions_credentials_have_mx_banks_shape(mx: MX):
    example = S()["1.5"].blocks[0]["credentials"][0]
    institutions = mx.nexus("POST", "/institutions/search", {"institution": {"name": ""}}).json()["institutions"]
    assert len(institutions) >= 4
    for institution in institutions:
        credentials = mx.nexus("GET", f"/institutions/{institution['guid']}/credentials").json()["credentials"]
        assert [c["display_order"] for c in credentials] == list(range(1, len(credentials) + 1))
        for credential in credentials:
            check("credential", credential, mx.dialect, example)
            assert credential["institution_guid"] == institution["guid"]


@pytest.mark.live
def test_1_6_to_1_8_create_verify_poll(mx: MX):
    create, verify, poll = S()["1.6"], S()["1.7"], S()["1.8"]
    r = mx.nexus("POST", create.path, create.blocks[0])  # verbatim: credential_guid keys, the guide's guids
    assert r.status_code == 200, r.text
    member = r.json()["member"]
    check("member", member, mx.dialect, create.blocks[1]["member"])
    assert (member["connection_status"], member["connection_status_id"]) == ("CREATED", 0)
    mx.member_guid = member["guid"]
    r = mx.nexus(verify.method, mx.fill(verify.path))
    assert r.status_code == 200, r.text
    verified = r.json()["member"]
    check("member", verified, mx.dialect, create.blocks[1]["member"])
    assert verified["is_being_aggregated"] is True and verified["most_recent_job_guid"]
    if "revision" in member:
        assert verified["revision"] > member["revision"]
    done = mx.poll_until(lambda m: not m["is_being_aggregated"], mx.fill(poll.path))
    check("member", done, mx.dialect, create.blocks[1]["member"])
    assert done["connection_status"] == "CONNECTED" and done["connection_status_id"] == 6
    assert done["successfully_aggregated_at"] and "is_oauth" in done


@pytest.mark.live
def test_1_9_mfa_answered_through_update_member(mx: MX):
    step = S()["1.9"]
    guid = mx.mx_bank_member("challenge")
    mx.nexus("POST", f"/members/{guid}/verify")
    mx.poll_until(lambda m: m["connection_status"] == "CHALLENGED", f"/members/{guid}")
    r = mx.nexus("GET", f"/members/{guid}/challenges")
    assert r.status_code == 200 and set(r.json()) == set(step.inline[0])
    [challenge] = r.json()["challenges"]
    check("challenge", challenge, mx.dialect, step.inline[0]["challenges"][0])
    example = step.blocks[0]
    answer = json.loads(
        json.dumps(example)
        .replace(example["member"]["credentials"][0]["credential_guid"], challenge["guid"])
        .replace("user-entered-value", "correct")
    )
    r = mx.nexus("PUT", f"/members/{guid}", answer)
    assert r.status_code == 200, r.text
    member = r.json()["member"]
    assert (member["connection_status"], member["connection_status_id"], member["is_being_aggregated"]) == (
        "UPDATED",
        15,
        True,
    )
    done = mx.poll_until(lambda m: not m["is_being_aggregated"], f"/members/{guid}")
    assert done["connection_status"] == "CONNECTED"


@pytest.mark.live
def test_1_10_account_numbers(mx: MX):
    step = S()["1.10"]
    guid = mx.connected_member()
    r = mx.nexus(step.method, step.path.replace(":member_guid", guid))
    assert r.status_code == 200, r.text
    assert set(r.json()) == set(step.blocks[0])
    numbers = r.json()["account_numbers"]
    assert numbers
    for number in numbers:
        check("account_number", number, mx.dialect, step.blocks[0]["account_numbers"][0])
        if mx.dialect != "v1":
            assert number["guid"].startswith("ACN-")


@pytest.mark.live
def test_1_11_the_brief_static_fixtures(mx: MX):
    text = S()["1.11"].text
    assert "`GET /members/unverified/account_numbers/`" in text
    r = mx.nexus("GET", "/members/unverified/account_numbers/", token="test_session")
    assert r.status_code == 200 and r.json() == {"account_numbers": []}
    r = mx.nexus("GET", "/members/test_nexus_member/account_numbers", token="test_session")
    for number in r.json()["account_numbers"]:
        check("account_number", number, mx.dialect, S()["1.10"].blocks[0]["account_numbers"][0])
    r = mx.nexus("POST", "/members/test_nexus_member/verify", token="test_session")
    check("member", r.json()["member"], mx.dialect, S()["1.6"].blocks[1]["member"])


@pytest.mark.live
@pytest.mark.parametrize("name", [*STATUS_NAMES, "test_member"])
def test_v1_test_endpoints_answer_every_status_name(mx: MX, name):
    r = mx.nexus("GET", f"/members/{name}", token="test_session")
    assert r.status_code == 200, r.text
    check("member", r.json()["member"], mx.dialect, *_members())


@pytest.mark.live
def test_v1_member_and_credentials(mx: MX):
    guid = mx.connected_member()
    check("member", mx.nexus("GET", f"/members/{guid}").json()["member"], mx.dialect, *_members())
    example = S()["1.5"].blocks[0]["credentials"][0]
    for path in (f"/member/{guid}/credentials", f"/members/{guid}/credentials"):  # MX's yaml spells it singular
        for credential in mx.nexus("GET", path).json()["credentials"]:
            check("credential", credential, mx.dialect, example)


@pytest.mark.live
def test_v1_search_body_and_query(mx: MX):
    body_text = ref.bullet(ref.v1_chapter(), "Search:").split("`;")[0]  # `{"institution": {"name", ...}}`
    keys = set(re.findall(r'"([a-z_]+)"', body_text)) - {"institution"}
    assert {"name", "url", "supports_account_verification", "account_types"} <= keys
    body = {"institution": {k: True for k in keys if k.startswith("supports_")} | {"name": "MX Bank"}}
    body["institution"]["account_types"] = ["CHECKING"]  # deprecated, still accepted
    r = mx.nexus("POST", "/institutions/search?page=1&records_per_page=10&iso_country_code=US", body)
    assert r.status_code == 200, r.text
    # The aggregation-only one is filtered; MX Bank (Oauth) verifies, identifies and has history too.
    assert [i["name"] for i in r.json()["institutions"]] == ["MX Bank", "MX Bank (Oauth)"]


@pytest.mark.live
def test_v1_identity(mx: MX):
    guid = mx.connected_member()
    r = mx.nexus("POST", f"/members/{guid}/identify", {"include_transactions": True})
    assert r.status_code == 200, r.text
    check("member", r.json()["member"], mx.dialect, *_members())
    mx.poll_until(lambda m: not m["is_being_aggregated"], f"/members/{guid}")
    owners = mx.nexus("GET", f"/members/{guid}/account_owners").json()["account_owners"]
    assert owners
    for owner in owners:
        check("account_owner", owner, mx.dialect)
        assert all(isinstance(v, str) for k, v in owner.items() if k not in ("first_name", "last_name"))
    identity = " ".join(ref.bullet(ref.v1_chapter(), "Identity:").split())
    message = re.search(r'400 "([^"]+)"', identity).group(1)
    other = mx.mx_bank_member("password", institution="MX Bank (Aggregation Only)")
    r = mx.nexus("POST", f"/members/{other}/identify")
    assert r.status_code == 400 and r.json()["error"]["message"] == message


@pytest.mark.live
def test_v1_account_number_by_account_and_delete(mx: MX):
    guid = mx.connected_member()
    account = mx.nexus("GET", f"/members/{guid}/account_numbers").json()["account_numbers"][0]["account_guid"]
    r = mx.nexus("GET", f"/accounts/{account}/account_number")
    for number in r.json()["account_numbers"]:
        check("account_number", number, mx.dialect, S()["1.10"].blocks[0]["account_numbers"][0])
    r = mx.nexus("DELETE", f"/members/{guid}")
    assert (r.status_code, r.json()) == (200, {})
    mx.member_guid = None


@pytest.mark.live
def test_section_3_members_list_and_accounts(mx: MX):
    guid = mx.connected_member()
    listed = mx.nexus("GET", "/members").json()
    expected = {"g21": {"members"}, "v1": {"members", "pagination"}, "union": {"members", "pagination"}}
    assert set(listed) == expected[mx.dialect]
    account = mx.nexus("GET", f"/members/{guid}/accounts").json()["accounts"][0]
    check("account", account, mx.dialect)
    assert account["account_type"] in (1, 2) and isinstance(account["account_type_name"], str)
    for change in ({"nickname": "Rainy day"}, {"is_hidden": True}):
        r = mx.nexus("PUT", f"/accounts/{account['guid']}", {"account": change})
        assert r.status_code == 200, r.text
        updated = r.json()["account"]
        check("account", updated, mx.dialect)
        assert updated.items() >= change.items()
    assert mx.nexus("GET", f"/accounts/{account['guid']}").json()["account"]["nickname"] == "Rainy day"


def _v1_member() -> dict:
    return ref.inline_objects(ref.bullet(ref.v1_chapter(), "Member ("))[0]["member"]


def _members() -> tuple[dict, dict]:
    """Both generations' member examples (G21's create, V1's read): together they give each key's types."""
    return S()["1.6"].blocks[1]["member"], _v1_member()


def _instant(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def test_the_bundled_copy_of_the_contract_is_the_shared_one():
    """docs/reference/ carries MX's examples so a plain clone can run these tests; where the project's shared
    reference sits beside the checkout (as in CI), the copy must not have drifted from it."""
    shared = ref.REFERENCE.parents[3] / "shared" / "reference" / ref.REFERENCE.name
    if not shared.exists():
        pytest.skip(f"no shared reference at {shared}")
    assert ref.REFERENCE.read_text() == shared.read_text(), "docs/reference/ is out of date: copy the shared file"
