"""The two flows MX documents, run unchanged against a live server in each response dialect:

- G21: the Verification Guide's API-only flow (section 1), in order: the api_token in XML, credentials keyed
  by `credential_guid` with MX Bank's real guids (hard-coded, as MX's samples do), password `challenge`,
  the MFA answer through update member;
- V1: today's reference: `guid` keys, the answer through resume, account numbers by account, identity.
"""

from __future__ import annotations

import pytest

from mocknexus.web import xmlio
from tests.fidelity import mx_reference as ref
from tests.fidelity.mx_conformance import check
from tests.fidelity.mx_live import DIALECTS, MX, NEXUS, live_mx

pytestmark = pytest.mark.live

MX_BANK = ref.steps()["1.5"].blocks[0]["credentials"]  # MX's published MX Bank credentials
MX_BANK_GUID = MX_BANK[0]["institution_guid"]
LOGIN, PASSWORD = (c["guid"] for c in MX_BANK)


@pytest.fixture(params=DIALECTS)
def mx(request):
    with live_mx(request.param) as mx:
        yield mx


def test_the_guides_api_only_flow(mx: MX):
    s = ref.steps()
    # 1.1 create a user (MDX Real Time), 1.2 its api_token as the guide asks for it (XML).
    user = dict(s["1.1"].blocks[0]["user"], id=mx.fresh_id("U-39XBF7"))
    assert mx.mdx("POST", f"/{mx.client_id}/users.json", {"user": user}).status_code == 200
    xml_accept = {"Accept": "application/vnd.moneydesktop.sso.v3+xml", **mx.key}
    r = mx.call("GET", f"/{mx.client_id}/users/{user['id']}/api_token.xml", headers=xml_accept)
    token = xmlio.loads(r.content)["api_token"]["token"]
    # 1.3 a session.
    r = mx.call("POST", "/sessions", s["1.3"].inline[0], headers={"MD-API-TOKEN": token, **NEXUS})
    mx.token = r.json()["session"]["token"]
    # 1.4 search (for MX Bank), 1.5 its credentials: MX's guids.
    r = mx.nexus("POST", "/institutions/search?records_per_page=2&page=1", {"institution": {"name": "MX Bank"}})
    assert MX_BANK_GUID in [i["guid"] for i in r.json()["institutions"]]
    served = mx.nexus("GET", f"/institutions/{MX_BANK_GUID}/credentials").json()["credentials"]
    assert [c["guid"] for c in served] == [LOGIN, PASSWORD]
    # 1.6 create the member the guide's way.
    body = {
        "member": {
            "credentials": [
                {"credential_guid": LOGIN, "value": "mxuser"},
                {"credential_guid": PASSWORD, "value": "challenge"},
            ],
            "institution_guid": MX_BANK_GUID,
            "metadata": "Additional information",
            "skip_aggregation": True,
        }
    }
    r = mx.nexus("POST", "/members", body)
    assert r.status_code == 200, r.text
    guid = r.json()["member"]["guid"]
    # 1.7 verify, 1.8 poll.
    r = mx.nexus("POST", f"/members/{guid}/verify")
    assert r.status_code == 200 and r.json()["member"]["is_being_aggregated"] is True
    member = mx.poll_until(lambda m: m["connection_status"] == "CHALLENGED", f"/members/{guid}")
    check("member", member, mx.dialect, s["1.6"].blocks[1]["member"])
    # 1.9 MFA: read the question, answer it through update member, keyed by the challenge's guid.
    [challenge] = mx.nexus("GET", f"/members/{guid}/challenges").json()["challenges"]
    answer = {"member": {"credentials": [{"credential_guid": challenge["guid"], "value": "correct"}]}}
    r = mx.nexus("PUT", f"/members/{guid}", answer | {"metadata": "Additional information", "skip_aggregation": True})
    assert r.status_code == 200, r.text
    assert r.json()["member"]["connection_status"] == "UPDATED" and r.json()["member"]["is_being_aggregated"]
    member = mx.poll_until(lambda m: not m["is_being_aggregated"], f"/members/{guid}")
    assert (member["connection_status"], member["connection_status_id"]) == ("CONNECTED", 6)
    # 1.10 the account numbers.
    numbers = mx.nexus("GET", f"/members/{guid}/account_numbers").json()["account_numbers"]
    assert len(numbers) == 2
    for number in numbers:
        check("account_number", number, mx.dialect, s["1.10"].blocks[0]["account_numbers"][0])


@pytest.mark.parametrize("rooted", [True, False])
def test_the_v1_flow_with_resume(mx: MX, rooted: bool):
    institution = mx.nexus("POST", "/institutions/search", {"institution": {"name": "MX Bank"}}).json()
    bank = next(i for i in institution["institutions"] if i["guid"] == MX_BANK_GUID)
    credentials = mx.nexus("GET", f"/institutions/{bank['guid']}/credentials").json()["credentials"]
    values = {"LOGIN": "mxuser", "PASSWORD": "challenge"}
    body = {
        "member": {
            "institution_guid": bank["guid"],
            "credentials": [{"guid": c["guid"], "value": values[c["field_name"]]} for c in credentials],
            "skip_aggregation": True,
        }
    }
    guid = mx.nexus("POST", "/members", body).json()["member"]["guid"]
    early = {"challenges": [{"guid": "CRD-none-yet", "value": "correct"}]}
    assert mx.nexus("PUT", f"/members/{guid}/resume", early).status_code == 405  # not CHALLENGED
    assert mx.nexus("POST", f"/members/{guid}/verify").status_code == 200
    mx.poll_until(lambda m: m["connection_status"] == "CHALLENGED", f"/members/{guid}")
    [challenge] = mx.nexus("GET", f"/members/{guid}/challenges").json()["challenges"]
    challenges = {"challenges": [{"guid": "CRD-not-issued", "value": "correct"}]}
    assert mx.nexus("PUT", f"/members/{guid}/resume", challenges).status_code == 400  # invalid: 400
    challenges = {"challenges": [{"guid": challenge["guid"], "value": "correct"}]}
    r = mx.nexus("PUT", f"/members/{guid}/resume", {"member": challenges} if rooted else challenges)
    assert r.status_code == 200, r.text
    assert r.json()["member"]["connection_status"] == "RESUMED"
    member = mx.poll_until(lambda m: not m["is_being_aggregated"], f"/members/{guid}")
    assert member["connection_status"] == "CONNECTED"
    accounts = mx.nexus("GET", f"/members/{guid}/account_numbers").json()["account_numbers"]
    by_account = mx.nexus("GET", f"/accounts/{accounts[0]['account_guid']}/account_number").json()
    assert by_account["account_numbers"] == [accounts[0]]
    # Identification runs through the same scenario: MX Bank's `challenge` password asks again.
    assert mx.nexus("POST", f"/members/{guid}/identify", {"include_transactions": False}).status_code == 200
    assert mx.nexus("GET", f"/members/{guid}/account_owners").json() == {"account_owners": []}  # not yet
    mx.poll_until(lambda m: m["connection_status"] == "CHALLENGED", f"/members/{guid}")
    [challenge] = mx.nexus("GET", f"/members/{guid}/challenges").json()["challenges"]
    mx.nexus("PUT", f"/members/{guid}/resume", {"challenges": [{"guid": challenge["guid"], "value": "correct"}]})
    mx.poll_until(lambda m: not m["is_being_aggregated"], f"/members/{guid}")
    owners = mx.nexus("GET", f"/members/{guid}/account_owners").json()["account_owners"]
    assert {o["account_guid"] for o in owners} == {a["account_guid"] for a in accounts}
    assert len({o["owner_name"] for o in owners}) == 1  # one person owns the member's accounts
