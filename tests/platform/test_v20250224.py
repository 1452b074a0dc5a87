"""MX's current Platform API version, v20250224 (`Accept-Version: v20250224`): every operation mocknexus serves
in v20111101, answered with v20250224's shapes and rules, each success judged by MX's v20250224 document
(tests/platform/mx_document.py `V20250224`), each error in v20250224's error body."""

from __future__ import annotations

import pytest

from mocknexus.app import create_app
from mocknexus.config import Config
from tests.platform import mx_document
from tests.platform.support import Platform, basic
from tests.support import FlaskHttp

V = "v20250224"
AGGREGATION_ONLY = "mxbank_aggregation_only"


@pytest.fixture
def app():
    return create_app(Config(seed=7, job_time_scale=0))


@pytest.fixture
def mx(app) -> Platform:
    return Platform(FlaskHttp(app), version=V)


def test_every_operation_answers_as_mx_documents_it_in_v20250224(mx: Platform):
    user = mx.user("v3-user")
    u = "v3-user"  # every `{user_identifier}` by the partner's id; the guid-only paths by the guid
    g = user["guid"]
    mx.get("/users", expect=200)
    mx.get("/users?id=v3-user", expect=200)
    assert mx.get(f"/users/{u}", expect=200).json["user"]["guid"] == g
    mx.put(f"/users/{u}", json={"user": {"metadata": '{"plan": "gold"}'}}, expect=200)
    mx.get("/institutions?name=mx bank&supported_products=account_verification", expect=200)
    mx.get("/institutions/favorites", expect=200)
    institution = mx.get("/institutions/mxbank", expect=200).json["institution"]
    mx.get(f"/institutions/{institution['guid']}/credentials", expect=200)  # `{institution_identifier}`: a guid
    member = mx.created(u, "challenge", products=["account_verification"], id="v3-member")
    m = "v3-member"
    assert member["is_being_aggregated"] and member["most_recent_job_guid"].startswith("JOB-")
    mx.get(f"/users/{u}/members", expect=200)
    assert mx.settle(u, m)["connection_status"] == "CHALLENGED"
    mx.get(f"/users/{u}/members/{m}/credentials", expect=200)
    mx.answer(u, m)
    status = mx.finish(u, m)
    assert status["connection_status"] == "CONNECTED" and status["has_processed_account_numbers"], status
    mx.get(f"/users/{u}/members/{m}", expect=200)
    mx.put(f"/users/{u}/members/{m}", json={"member": {"metadata": "m"}}, expect=200)
    mx.post(f"/users/{u}/members/{member['guid']}/verify", expect=200)  # the guid works as well as the id
    mx.finish(u, m)
    numbers = mx.get(f"/users/{g}/members/{member['guid']}/account_numbers", expect=200).json["account_numbers"]
    mx.walk_accounts_and_jobs(u, m, numbers, g=g)
    widget = {"widget_type": "connect_widget", "locale": "fr-CA", "style": {"font_name": "Roboto"}}
    mx.post(f"/users/{g}/widget_urls", json={"widget_url": widget}, expect=200)
    # An OAuth member and its window.
    oauth = mx.post(f"/users/{u}/members", json={"member": {"institution_code": "mx_bank_oauth", "credentials": [],
                    "is_oauth": True, "id": "v3-oauth"}}, expect=200).json["member"]  # fmt: skip
    assert oauth["connection_status"] == "PENDING" and oauth["oauth_window_uri"]
    mx.get(f"/users/{u}/members/v3-oauth/oauth_window_uri", expect=200)
    # Micro-deposits (v20250224 keeps their paths and shapes).
    account = {"account_number": "333312345", "routing_number": "091000019", "account_type": "CHECKING"}
    md = mx.post(f"/users/{g}/micro_deposits", json={"micro_deposit": account}, expect=200).json
    d = md["micro_deposit"][0]["guid"]
    assert (
        mx.http.post(f"/__admin/clients/{mx.client_id}/micro_deposits/{d}/status", json={"status": "DEPOSITED"}).status
        == 200
    )
    mx.get(f"/users/{g}/micro_deposits", expect=200)
    amounts = {"micro_deposit": {"deposit_amount_1": 0.09, "deposit_amount_2": 0.09}}
    mx.put(f"/micro_deposits/{d}/verify", json=amounts, expect=200)
    mx.get(f"/users/{g}/micro_deposits/{d}", expect=200)
    mx.get(f"/users/{g}/account_verifications", expect=200)
    mx.delete(f"/users/{g}/micro_deposits/{d}", expect=204)
    mx.delete(f"/users/{u}/members/{m}", expect=204)
    mx.delete(f"/users/{u}", expect=204, Accept="application/json")
    # Every verification-path operation answered a success MX's v20250224 document accepts (the data plane's:
    # test_v20250224_data.py).
    assert mx.seen == set(mx_document.VERIFICATION_OPERATIONS)


def test_institutions_list_supported_products_and_filter_by_them(mx: Platform):
    mxbank = mx.get("/institutions/mxbank", expect=200).json["institution"]
    assert mxbank["supported_products"] == ["account_verification", "identity_verification", "transactions",
                                            "transaction_history"]  # fmt: skip
    assert {"guid", "created_at", "is_hidden"} <= set(mxbank) and "supports_account_verification" not in mxbank
    only = mx.get(f"/institutions/{AGGREGATION_ONLY}", expect=200).json["institution"]
    assert "account_verification" not in only["supported_products"]

    def codes(query: str) -> list[str]:
        return [i["code"] for i in mx.get(f"/institutions?{query}", expect=200).json["institutions"]]

    assert AGGREGATION_ONLY in codes("name=mx bank")
    assert AGGREGATION_ONLY not in codes("name=mx bank&supported_products=account_verification")
    # MX's query parameter spells one product `history` (its schema `transaction_history`): both filter.
    assert codes("supported_products=history") == codes("supported_products=transaction_history")
    assert codes("supported_products[]=account_verification&supported_products[]=identity_verification")
    assert (
        "supported_products" in mx.get("/institutions?supported_products=payments", expect=400).json["error"]["message"]
    )
    # v20111101's flags are not v20250224 parameters.
    mx.get("/institutions?supports_account_verification=true", expect=400)


def test_create_member_starts_what_its_products_ask(mx: Platform):
    guids = {user: mx.user(user)["guid"] for user in ("verifying", "identifying", "plain", "legacy")}
    verifying = mx.created("verifying", "password", products=["account_verification"])
    identifying = mx.created("identifying", "password", products=["identity_verification"])
    plain = mx.created("plain", "challenge")  # no data_request: MX aggregates
    assert mx.settle("plain", plain["guid"])["connection_status"] == "CHALLENGED"
    # v20250224 has no skip_aggregation: a body that still sends it starts the job all the same.
    assert mx.created("legacy", "password", skip_aggregation=True)["is_being_aggregated"]
    mx.finish("verifying", verifying["guid"])
    numbers = f"/users/{guids['verifying']}/members/{verifying['guid']}/account_numbers"  # MX: `{user_guid}` here
    assert mx.get(numbers, expect=200).json["account_numbers"]
    assert (
        mx.get(f"/users/verifying/members/{verifying['guid']}/account_owners", expect=200).json["account_owners"] == []
    )
    mx.finish("identifying", identifying["guid"])
    assert mx.get(f"/users/identifying/members/{identifying['guid']}/account_owners", expect=200).json["account_owners"]


def test_a_product_the_institution_lacks_is_mx_s_201(mx: Platform):
    mx.user("lacking")
    member = mx.created("lacking", "password", code=AGGREGATION_ONLY, products=["account_verification"], expect=201)
    assert member["error"]["error_message"] == "Member's institution does not support instant account verification."
    assert not member["is_being_aggregated"] and member["most_recent_job_guid"] is None
    # The member exists; it can still be aggregated.
    again = mx.get(f"/users/lacking/members/{member['guid']}", expect=200).json["member"]
    assert "error" not in again and again["connection_status"] == "CREATED"
    mx.post(f"/users/lacking/members/{member['guid']}/aggregate", expect=202)
    # A product that is not MX's is a 400 naming it; nothing is created.
    r = mx.post("/users/lacking/members", json={"member": {"institution_code": "mxbank", "credentials": []},
                                                "data_request": {"products": ["payments"]}}, expect=400)  # fmt: skip
    assert "products" in r.json["error"]["message"]
    assert len(mx.get("/users/lacking/members", expect=200).json["members"]) == 1


def test_the_leaner_account_and_never_null_keys(mx: Platform):
    mx.user("lean")
    m = mx.created("lean", "password", products=["account_verification"])["guid"]
    mx.finish("lean", m)
    account = mx.get("/users/lean/accounts", expect=200).json["accounts"][0]
    assert len(account) <= 58 and not [k for k in account if k.startswith("feed_") or k.endswith("_set_by")]
    assert "institution_guid" not in account and isinstance(account["is_closed"], bool)
    user = mx.post("/users", json={"user": {"id": "no-email"}}, expect=200).json["user"]
    assert "email" not in user  # v20250224: a string, never null


def test_widget_url_takes_v20250224_s_new_fields(mx: Platform):
    user = mx.user("widget-user")
    fields = {
        "widget_type": "connect_widget", "color_scheme": None, "current_microdeposit_guid": "MIC-123",
        "data_request": {"products": ["account_verification"]}, "deep_link_params": {"launch_integration": "direct-deposit"},
        "locale": "fr-CA", "style": {"font_name": "Roboto"}, "user_identifier": "widget-user",
        "ui_message_version": "4",  # a published client sends the integer as a string; MX takes it
    }  # fmt: skip
    url = mx.post(f"/users/{user['guid']}/widget_urls", json={"widget_url": fields}, expect=200).json["widget_url"]
    assert url["type"] == "connect_widget" and url["user_id"] == "widget-user"
    bad = mx.post(f"/users/{user['guid']}/widget_urls", json={"widget_url": {**fields, "style": {}}}, expect=400)
    assert "font_name" in bad.json["error"]["message"]


def test_errors_and_removed_operations_answer_as_mx_would(mx: Platform, app):
    r = mx.get("/users/nobody", expect=404)
    assert r.json["error"] == {"message": "User not found.", "status": "not_found", "type": "not_found_error"}
    assert r.content_type.startswith("application/json")
    user = mx.user("removed")
    # requestConnectWidgetURL is gone from v20250224: MX's answer for a path it does not know.
    gone = mx.post(f"/users/{user['guid']}/connect_widget_url", json={"config": {}}, expect=404)
    assert gone.json["error"]["status"] == "not_found"
    # The same request through v20111101 keeps v20111101's body.
    old = FlaskHttp(app).get("/users/nobody", headers=basic())
    assert old.status == 404 and set(old.json["error"]) == {"code", "message"}
