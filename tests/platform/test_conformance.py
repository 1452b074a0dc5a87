"""Every Platform operation mocknexus serves, happy and error paths, each success judged by MX's own document
(tests/platform/mx_document.py): MX's success code, media type, every field at MX's JSON type, no key MX
does not declare; each error MX's status with MX's error body."""

from __future__ import annotations

import pytest

from mocknexus.app import create_app
from mocknexus.config import Config
from tests.platform import mx_document
from tests.platform.support import Platform, basic
from tests.support import FlaskHttp


@pytest.fixture
def app():
    return create_app(Config(seed=7, job_time_scale=0))


@pytest.fixture
def mx(app) -> Platform:
    return Platform(FlaskHttp(app))


def test_every_operation_answers_as_mx_documents_it(mx: Platform):
    user = mx.user()
    u = user["guid"]
    mx.get("/users", expect=200)
    mx.get(f"/users?id={user['id']}", expect=200)
    mx.get(f"/users/{u}", expect=200)
    mx.put(f"/users/{u}", json={"user": {"metadata": '{"plan": "gold"}'}}, expect=200)
    mx.get("/institutions?name=mx bank&supports_account_verification=true", expect=200)
    mx.get("/institutions/favorites", expect=200)
    mx.get("/institutions/mxbank", expect=200)
    member = mx.member(u, "challenge")
    m = member["guid"]
    mx.get(f"/users/{u}/members", expect=200)
    assert mx.settle(u, m)["connection_status"] == "CHALLENGED"
    mx.get(f"/users/{u}/members/{m}/credentials", expect=200)
    mx.answer(u, m)
    assert mx.settle(u, m)["connection_status"] == "CONNECTED"
    mx.get(f"/users/{u}/members/{m}", expect=200)
    mx.put(f"/users/{u}/members/{m}", json={"member": {"id": "partner-member-1", "metadata": "m"}}, expect=200)
    mx.post(f"/users/{u}/members/{m}/verify", expect=200)
    status = mx.finish(u, m)
    assert status["connection_status"] == "CONNECTED" and status["has_processed_account_numbers"], status
    numbers = mx.get(f"/users/{u}/members/{m}/account_numbers", expect=200).json["account_numbers"]
    mx.walk_accounts_and_jobs(u, m, numbers)
    mx.post(f"/users/{u}/widget_urls", json={"widget_url": {"widget_type": "connect_widget"}}, expect=200)
    # Micro-deposits (plain JSON, as MX's document declares them); the control plane deposits one now.
    account = {"account_number": "333312345", "routing_number": "091000019", "account_type": "CHECKING"}
    json_only = {"Accept": "application/json"}
    md = mx.post(f"/users/{u}/micro_deposits", json={"micro_deposit": account}, expect=200, **json_only).json
    g = md["micro_deposit"][0]["guid"]
    steer = f"/__admin/clients/{mx.client_id}/micro_deposits/{g}/status"
    assert mx.http.post(steer, json={"status": "DEPOSITED"}).status == 200
    mx.get(f"/users/{u}/micro_deposits", expect=200, **json_only)
    amounts = {"micro_deposit": {"deposit_amount_1": 0.09, "deposit_amount_2": 0.09}}
    mx.put(f"/micro_deposits/{g}/verify", json=amounts, expect=200, **json_only)
    mx.get(f"/users/{u}/micro_deposits/{g}", expect=200, **json_only)
    mx.get(f"/users/{u}/account_verifications", expect=200, **json_only)
    mx.delete(f"/users/{u}/micro_deposits/{g}", expect=204, **json_only)
    mx.delete(f"/users/{u}/members/{m}", expect=204)
    mx.delete(f"/users/{u}", expect=204)
    # Every listed operation answered a success MX's document accepts; the OAuth window URI is for OAuth
    # members only (a non-OAuth member's 400: the test below).
    verification = set(mx_document.OPERATIONS) - set(mx_document.DATA_OPERATIONS)
    assert verification - mx.seen == {"requestOAuthWindowURI"}


def test_the_challenges_of_a_member_that_is_not_challenged_are_204_and_resume_is_405(mx: Platform):
    u = mx.user()["guid"]
    m = mx.member(u, "password", skip=True)["guid"]
    assert mx.get(f"/users/{u}/members/{m}/challenges", expect=204).json is None
    r = mx.put(f"/users/{u}/members/{m}/resume", json={"member": {"challenges": [{"guid": "CRD-x", "value": "a"}]}})
    assert r.status == 405 and r.json["error"]["message"] == "Member is not challenged."


def test_oauth_window_uri_for_a_member_that_does_not_use_oauth_is_mxs_400(mx: Platform):
    u = mx.user()["guid"]
    m = mx.member(u, "password", skip=True)["guid"]
    r = mx.get(f"/users/{u}/members/{m}/oauth_window_uri?referral_source=BROWSER")
    assert r.status == 400 and r.json["error"]["message"] == "Member cannot use OAuth"


@pytest.mark.parametrize(
    ("password", "challenge_type"),
    [("mfa_text", "TEXT"), ("mfa_options", "OPTIONS"), ("mfa_token", "TOKEN"), ("mfa_image", "IMAGE_DATA"),
     ("mfa_image_options", "IMAGE_OPTIONS")],
)  # fmt: skip
def test_every_mfa_type_is_answered_through_resume(mx: Platform, password: str, challenge_type: str):
    u = mx.user()["guid"]
    m = mx.member(u, password, code="scenario_bank")["guid"]
    status = mx.settle(u, m)
    [challenge] = status["challenges"]
    assert status["connection_status"] == "CHALLENGED" and challenge["type"] == challenge_type
    if challenge_type == "IMAGE_DATA":
        assert challenge["image_data"]
    if challenge_type in ("OPTIONS", "IMAGE_OPTIONS"):
        assert challenge["options" if challenge_type == "OPTIONS" else "image_options"]
    assert mx.answer(u, m)["connection_status"] == "RESUMED"
    assert mx.settle(u, m)["connection_status"] == "CONNECTED"


def test_a_wrong_answer_is_rejected(mx: Platform):
    u = mx.user()["guid"]
    m = mx.member(u, "mfa_options", code="scenario_bank")["guid"]
    mx.settle(u, m)
    mx.answer(u, m, "incorrect")
    assert mx.settle(u, m)["connection_status"] == "REJECTED"


def test_same_job_running_is_202_and_another_job_is_409(mx: Platform):
    u = mx.user()["guid"]
    m = mx.member(u, "password", skip=True)["guid"]
    first = mx.post(f"/users/{u}/members/{m}/verify", expect=200).json["member"]
    assert first["is_being_aggregated"] is True
    again = mx.post(f"/users/{u}/members/{m}/verify", expect=202).json["member"]
    assert again["guid"] == m
    r = mx.post(f"/users/{u}/members/{m}/aggregate")
    assert r.status == 409 and r.json["error"]["message"]


def test_verification_without_account_numbers_reports_mxs_detail_code(mx: Platform):
    u = mx.user()["guid"]
    m = mx.member(u, "no_account_numbers", code="scenario_bank", skip=True)["guid"]
    mx.post(f"/users/{u}/members/{m}/verify", expect=200)
    mx.settle(u, m)
    member = mx.get(f"/users/{u}/members/{m}", expect=200).json["member"]
    assert member["connection_status"] == "CONNECTED" and member["most_recent_job_detail_code"] == 1000
    assert mx.get(f"/users/{u}/members/{m}/account_numbers", expect=200).json["account_numbers"] == []


def test_most_recent_job_guid_is_null_the_one_value_both_mx_sdks_parse(mx: Platform):
    u = mx.user()["guid"]
    member = mx.member(u, "password")
    assert member["most_recent_job_guid"] is None and member["most_recent_job_detail_text"] is None


def test_pagination_is_mxs(mx: Platform):
    for _ in range(12):
        mx.user()
    first = mx.get("/users?records_per_page=10", expect=200).json
    assert first["pagination"] == {"current_page": 1, "per_page": 10, "total_entries": 12, "total_pages": 2}
    second = mx.get("/users?records_per_page=10&page=2", expect=200).json
    assert len(second["users"]) == 2 and second["pagination"]["current_page"] == 2
    # MX: "If the value exceeds 100, the default value of 25 will be used instead."
    assert mx.get("/users?records_per_page=500", expect=200).json["pagination"]["per_page"] == 25
    # The institution lists take up to 1000.
    assert mx.get("/institutions?records_per_page=500", expect=200).json["pagination"]["per_page"] == 500


def test_errors_are_mxs_statuses_and_body(app, mx: Platform):
    http = FlaskHttp(app)
    assert http.get("/users", headers={"Accept": "application/vnd.mx.api.v1+json"}).status == 401
    assert http.get("/users", headers={**basic(), "Accept": "text/html"}).status == 406
    u = mx.user()["guid"]
    assert mx.get("/users/USR-nope").status == 404
    assert mx.get(f"/users/{u}/members/MBR-nope").status == 404
    assert mx.get(f"/users/{u}/accounts/ACT-nope").status == 404
    assert mx.get("/institutions/no_such_bank").status == 404
    assert mx.post("/users", json={"user": {"is_disabled": "yes"}}).status == 400
    assert mx.put(f"/users/{u}", json={"user": {}}).status == 400  # MX: PUT bodies cannot be empty
    assert mx.post(f"/users/{u}/members", json={"member": {"institution_code": "mxbank"}}).status == 400
    taken = mx.user()["id"]
    assert mx.post("/users", json={"user": {"id": taken}}).status == 409
    r = mx.post(
        f"/users/{u}/members", json={"member": {"institution_code": "mxbank", "credentials": [], "is_oauth": True}}
    )
    assert r.status == 400 and r.json["error"]["message"] == "Member cannot use OAuth"


def test_the_api_key_is_checked_when_set():
    http = FlaskHttp(create_app(Config(api_key="secret")))
    assert http.get("/users", headers=basic("any-client", "wrong")).status == 401
    assert http.get("/users", headers=basic("any-client", "secret")).status == 200


def test_each_client_id_is_its_own_world(app):
    http = FlaskHttp(app)
    alice, bob = Platform(http, client_id="alice"), Platform(http, client_id="bob")
    u = alice.user("same-id")["guid"]
    assert bob.get(f"/users/{u}").status == 404
    assert bob.user("same-id")["guid"] != u


def test_accept_types_mxs_sdks_send(app):
    http = FlaskHttp(app)
    for accept in ("application/vnd.mx.api.v1+json", "application/json", "application/json, text/plain, */*"):
        r = http.get("/institutions/mxbank", headers={**basic(), "Accept": accept})
        assert r.status == 200 and r.content_type == "application/vnd.mx.api.v1+json", accept


def test_a_user_without_an_id_is_a_whole_user(app, mx: Platform):
    # MX's create user takes every field as optional: such a user has `id: null` and works like any other.
    user = mx.post("/users", json={"user": {}}, expect=200).json["user"]
    assert user["id"] is None
    url = mx.post(
        f"/users/{user['guid']}/widget_urls", json={"widget_url": {"widget_type": "connect_widget"}}, expect=200
    )
    assert url.json["widget_url"]["user_id"] is None
    assert FlaskHttp(app).get(url.json["widget_url"]["url"].removeprefix("http://localhost")).status == 200
    m = mx.member(user["guid"], "password")["guid"]
    assert mx.settle(user["guid"], m)["connection_status"] == "CONNECTED"
    state = FlaskHttp(app).get(f"/__admin/clients/{mx.client_id}/state?reveal=true").json
    assert FlaskHttp(app).put(f"/__admin/clients/{mx.client_id}/state", json=state).status == 200
    assert mx.get(f"/users/{user['guid']}", expect=200).json["user"] == user


def test_updating_credentials_starts_a_job_and_use_cases_filter_the_list(mx: Platform):
    u = mx.user()["guid"]
    m = mx.member(u, "INVALID", skip=True, use_cases=["MONEY_MOVEMENT"])["guid"]
    assert [x["guid"] for x in mx.get(f"/users/{u}/members?use_case=MONEY_MOVEMENT", expect=200).json["members"]] == [m]
    assert mx.get(f"/users/{u}/members?use_case=PFM", expect=200).json["members"] == []
    credentials = mx.get(f"/users/{u}/members/{m}/credentials", expect=200).json["credentials"]
    password = next(c["guid"] for c in credentials if c["field_name"] == "PASSWORD")
    # MX Bank's docs: switch the test password through update member; a job starts (X-CALLBACK-PAYLOAD taken).
    body = {"member": {"credentials": [{"guid": password, "value": "password"}]}}
    updated = mx.put(f"/users/{u}/members/{m}", json=body, expect=200, **{"X-CALLBACK-PAYLOAD": "eyJhIjoxfQ=="})
    assert updated.json["member"]["is_being_aggregated"] is True
    assert mx.settle(u, m)["connection_status"] == "CONNECTED"


def test_a_denied_member_needs_updated_credentials(mx: Platform):
    u = mx.user()["guid"]
    m = mx.member(u, "UNAUTHORIZED")["guid"]
    assert mx.settle(u, m)["connection_status"] == "DENIED"
    member = mx.get(f"/users/{u}/members/{m}", expect=200).json["member"]
    assert member["needs_updated_credentials"] is True and member["connection_status_message"]
