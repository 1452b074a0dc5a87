"""One world, two APIs: a user made through the Platform API is the MDX Real Time user of the same id (and
guid), and a member made through either API is read, verified and answered through the other."""

from __future__ import annotations

import pytest

from mocknexus.app import create_app
from mocknexus.config import Config
from tests.platform.support import Platform
from tests.support import API_KEY, CLIENT, FlaskHttp, api_token, create_member, session_headers


@pytest.fixture
def http() -> FlaskHttp:
    return FlaskHttp(create_app(Config(seed=11, job_time_scale=0)))


def nexus_session(http: FlaskHttp, user_id: str) -> dict:
    r = http.post(
        "/sessions", json={"session": {"skip_aggregation": True}}, headers={"MD-API-TOKEN": api_token(http, user_id)}
    )
    assert r.status == 200, r.json
    return session_headers(r.json["session"]["token"])


def test_a_platform_user_is_the_mdx_user_of_its_id(http: FlaskHttp):
    mx = Platform(http, client_id=CLIENT)
    user = mx.user("shared-user")
    mdx = http.get(f"/{CLIENT}/users/shared-user.json", headers=API_KEY)
    assert mdx.status == 200 and mdx.json["user"]["guid"] == user["guid"]
    # ... and an MDX user is the Platform's, by its guid.
    created = http.post(f"/{CLIENT}/users.json", json={"user": {"id": "mdx-user"}}, headers=API_KEY).json["user"]
    assert mx.get(f"/users/{created['guid']}", expect=200).json["user"]["id"] == "mdx-user"


def test_created_through_the_platform_finished_through_nexus(http: FlaskHttp):
    mx = Platform(http, client_id=CLIENT)
    user = mx.user()
    member = mx.member(user["guid"], "challenge", id="partner-member-7")
    nexus = nexus_session(http, user["id"])
    listed = http.get("/members", headers=nexus).json["members"]
    assert [(m["guid"], m["external_guid"]) for m in listed] == [(member["guid"], "partner-member-7")]
    for _ in range(5):  # Nexus polls the job along
        read = http.get(f"/members/{member['guid']}", headers=nexus).json["member"]
        if read["connection_status"] == "CHALLENGED":
            break
    challenges = http.get(f"/members/{member['guid']}/challenges", headers=nexus).json["challenges"]
    answers = [{"guid": c["guid"], "value": "correct"} for c in challenges]
    assert (
        http.put(f"/members/{member['guid']}/resume", json={"member": {"challenges": answers}}, headers=nexus).status
        == 200
    )
    assert mx.settle(user["guid"], member["guid"])["connection_status"] == "CONNECTED"
    assert (
        mx.get(f"/users/{user['guid']}/members/{member['guid']}", expect=200).json["member"]["id"] == "partner-member-7"
    )


def test_created_through_nexus_verified_and_answered_through_the_platform(http: FlaskHttp):
    mx = Platform(http, client_id=CLIENT)
    user = mx.user()
    nexus = nexus_session(http, user["id"])
    member = create_member(http, nexus, "challenge", skip=True)
    u, m = user["guid"], member["guid"]
    assert [x["guid"] for x in mx.get(f"/users/{u}/members", expect=200).json["members"]] == [m]
    mx.post(f"/users/{u}/members/{m}/verify", expect=200)
    assert mx.settle(u, m)["connection_status"] == "CHALLENGED"
    mx.answer(u, m)
    assert mx.settle(u, m)["connection_status"] == "CONNECTED"
    numbers = http.get(f"/members/{m}/account_numbers", headers=nexus).json["account_numbers"]
    platform_numbers = mx.get(f"/users/{u}/members/{m}/account_numbers", expect=200).json["account_numbers"]
    assert sorted(n["account_number"] for n in numbers) == sorted(n["account_number"] for n in platform_numbers)
    assert len(numbers) == 2


def test_another_users_member_is_not_found(http: FlaskHttp):
    mx = Platform(http, client_id=CLIENT)
    owner, other = mx.user()["guid"], mx.user()["guid"]
    m = mx.member(owner, "password", skip=True)["guid"]
    assert mx.get(f"/users/{other}/members/{m}").status == 404


def test_faults_and_the_journal_apply_to_platform_calls(http: FlaskHttp):
    mx = Platform(http, client_id=CLIENT)
    u = mx.user()["guid"]
    fault = {"path": "/users/*/members", "method": "GET", "status": 503, "count": 1}
    assert http.post(f"/__admin/clients/{CLIENT}/faults", json=fault).status in (200, 201)
    assert mx.get(f"/users/{u}/members").status == 503
    assert mx.get(f"/users/{u}/members").status == 200
    journal = http.get(f"/__admin/clients/{CLIENT}/requests").json
    paths = [entry["path"] for entry in journal["requests"]]
    assert f"/users/{u}/members" in paths
