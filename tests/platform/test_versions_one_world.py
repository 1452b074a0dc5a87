"""One world, two versions: what is created through v20250224 or v20111101 (or MDX Real Time, SSO and Nexus)
is read through the others, the same user, the same member, the same job; every v20250224 answer is judged by
MX's v20250224 document and every v20111101 answer by MX's v20111101 document (tests/platform/support.py)."""

from __future__ import annotations

import pytest

from mocknexus.app import create_app
from mocknexus.config import Config
from tests.platform.support import Platform
from tests.support import API_KEY, CLIENT, FlaskHttp, api_token, session_headers


@pytest.fixture
def http() -> FlaskHttp:
    return FlaskHttp(create_app(Config(seed=13, job_time_scale=0)))


def nexus(http: FlaskHttp, user_id: str) -> dict:
    r = http.post("/sessions", json={"session": {"skip_aggregation": True}},
                  headers={"MD-API-TOKEN": api_token(http, user_id)})  # fmt: skip
    assert r.status == 200, r.json
    return session_headers(r.json["session"]["token"])


def test_created_in_v20250224_read_in_v20111101_and_nexus(http: FlaskHttp):
    current, legacy = Platform(http, client_id=CLIENT, version="v20250224"), Platform(http, client_id=CLIENT)
    user = current.user("both-versions")
    member = current.created("both-versions", "challenge", products=["account_verification"], id="both-member")
    job = member["most_recent_job_guid"]
    assert job.startswith("JOB-")
    # v20111101 reads the same member by its guids; Nexus (a session of the same user) reads the same job.
    old = legacy.get(f"/users/{user['guid']}/members/{member['guid']}", expect=200).json["member"]
    assert (old["id"], old["user_id"]) == ("both-member", "both-versions")
    headers = nexus(http, "both-versions")
    assert http.get(f"/members/{member['guid']}", headers=headers).json["member"]["most_recent_job_guid"] == job
    # The challenge is answered through v20111101, the job finished through v20250224's reads.
    assert legacy.settle(user["guid"], member["guid"])["connection_status"] == "CHALLENGED"
    legacy.answer(user["guid"], member["guid"])
    assert current.finish("both-versions", "both-member")["connection_status"] == "CONNECTED"
    assert (
        current.get("/users/both-versions/members/both-member", expect=200).json["member"]["most_recent_job_guid"]
        == job
    )
    numbers = legacy.get(f"/users/{user['guid']}/members/{member['guid']}/account_numbers", expect=200).json
    assert len(numbers["account_numbers"]) == 2


def test_created_in_v20111101_mdx_and_nexus_read_in_v20250224(http: FlaskHttp):
    current, legacy = Platform(http, client_id=CLIENT, version="v20250224"), Platform(http, client_id=CLIENT)
    # A user made through MDX Real Time is v20250224's, by its id.
    http.post(f"/{CLIENT}/users.json", json={"user": {"id": "mdx-made"}}, headers=API_KEY)
    mdx_user = current.get("/users/mdx-made", expect=200).json["user"]
    # A member made through v20111101 (skipping aggregation, as only v20111101 can) is verified through v20250224.
    made = legacy.member(mdx_user["guid"], "password", skip=True, id="legacy-member")
    assert current.get("/users/mdx-made/members/legacy-member", expect=200).json["member"]["guid"] == made["guid"]
    verified = current.post("/users/mdx-made/members/legacy-member/verify", expect=200).json["member"]
    job = verified["most_recent_job_guid"]
    current.finish("mdx-made", "legacy-member")
    headers = nexus(http, "mdx-made")
    nexus_member = http.get(f"/members/{made['guid']}", headers=headers).json["member"]
    assert (nexus_member["most_recent_job_guid"], nexus_member["connection_status"]) == (job, "CONNECTED")
    # A member made through Nexus is v20250224's too.
    institution = current.get("/institutions/scenario_bank", expect=200).json["institution"]
    credentials = http.get(f"/institutions/{institution['guid']}/credentials", headers=headers).json["credentials"]
    values = {"LOGIN": "nexus-login", "PASSWORD": "connected"}
    body = {"member": {"institution_guid": institution["guid"], "skip_aggregation": True,
                       "credentials": [{"guid": c["guid"], "value": values[c["field_name"]]} for c in credentials]}}  # fmt: skip
    created = http.post("/members", json=body, headers=headers)
    assert created.status in (200, 202), created.json
    by_nexus = created.json["member"]
    listed = current.get("/users/mdx-made/members", expect=200).json["members"]
    assert {m["guid"] for m in listed} == {made["guid"], by_nexus["guid"]}
