"""OAuth members through Nexus, in every MX dialect: creation, the one-time window URI and its options, MX's
ending (the complete page's message or the app's redirect), and MX's refusals."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest

from mocknexus.domain.core.clock import Clock
from tests.api.oauth_support import MX_BANK, MX_BANK_OAUTH, OAuthWorld, posted_message
from tests.conftest import START

DIALECTS = ("union", "g21", "v1")


@pytest.fixture(params=DIALECTS)
def world(request) -> OAuthWorld:
    return OAuthWorld.build(Clock(frozen_at=START), request.param)


def test_mx_bank_oauth_is_bundled_as_mx_publishes_it(world):
    r = world.http.get(f"/institutions/{MX_BANK_OAUTH}", headers=world.headers)
    institution = r.json["institution"]
    assert (institution["guid"], institution["name"]) == (MX_BANK_OAUTH, "MX Bank (Oauth)")
    assert institution.get("code", "mx_bank_oauth") == "mx_bank_oauth"  # g21 shows no code
    for key in ("supports_oauth", "supports_account_verification", "supports_account_identification"):
        assert institution.get(key, True) is True  # V1 keys
    creds = world.http.get(f"/institutions/{MX_BANK_OAUTH}/credentials", headers=world.headers).json
    assert creds == {"credentials": []}  # the user signs in at the bank, not here


def test_an_oauth_member_is_created_pending_with_a_one_time_uri_on_this_server(world):
    member = world.create()
    assert member["is_oauth"] is True and member["connection_status"] == "PENDING"
    assert member["connection_status_id"] == 21 and member["is_being_aggregated"] is False
    uri = urlsplit(member["oauth_window_uri"])
    assert (uri.scheme, uri.netloc) == ("http", "localhost")  # absolute, on this server
    assert uri.path == f"/oauth/predirect_to/{member['guid']}/" + uri.path.rsplit("/", 1)[1]
    read = world.member(member["guid"])
    assert read["connection_status"] == "PENDING" and read["is_oauth"] is True
    assert "oauth_window_uri" not in read  # only the create call (and the URI endpoint) hand it out
    page = world.page(member["oauth_window_uri"])
    assert page.status_code == 200 and "text/html" in page.content_type
    html = page.get_data(as_text=True)
    assert 'id="authorize"' in html and 'id="deny"' in html and "MX Bank (Oauth)" in html
    csp = page.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp


def test_authorize_posts_success_then_the_member_aggregates_and_verifies(world):
    member = world.create(member={"skip_aggregation": False})
    done = world.answer(member["oauth_window_uri"], "authorize")
    assert done.status_code == 200
    message = posted_message(done.get_data(as_text=True))
    assert message == {"mx": True, "type": "oauthComplete/success", "metadata": {"member_guid": member["guid"]}}
    assert "Thank you for completing OAuth." in done.get_data(as_text=True)
    settled = world.settle(member["guid"])
    assert settled["connection_status"] == "CONNECTED" and settled["successfully_aggregated_at"]
    accounts = world.http.get(f"/members/{member['guid']}/accounts", headers=world.headers).json["accounts"]
    assert len(accounts) == 2
    assert world.http.post(f"/members/{member['guid']}/verify", headers=world.headers).status == 200
    assert world.settle(member["guid"])["connection_status"] == "CONNECTED"
    numbers = world.http.get(f"/members/{member['guid']}/account_numbers", headers=world.headers).json
    assert len(numbers["account_numbers"]) == 2 and all(n["account_number"] for n in numbers["account_numbers"])
    assert world.http.post(f"/members/{member['guid']}/identify", headers=world.headers).status == 200
    world.settle(member["guid"])
    owners = world.http.get(f"/members/{member['guid']}/account_owners", headers=world.headers).json
    assert len(owners["account_owners"]) == 2


def test_skip_aggregation_connects_without_a_job(world):
    member = world.create(member={"skip_aggregation": True})
    world.answer(member["oauth_window_uri"], "authorize")
    read = world.member(member["guid"])
    assert read["connection_status"] == "CONNECTED" and read["is_being_aggregated"] is False
    assert read["most_recent_job_guid"] is None
    assert world.http.get(f"/members/{member['guid']}/accounts", headers=world.headers).json["accounts"] == []
    world.http.post(f"/members/{member['guid']}/verify", headers=world.headers)
    world.settle(member["guid"])
    numbers = world.http.get(f"/members/{member['guid']}/account_numbers", headers=world.headers).json
    assert len(numbers["account_numbers"]) == 2


def test_deny_posts_cancelled_and_leaves_the_member_pending_for_a_fresh_uri(world):
    member = world.create()
    done = world.answer(member["oauth_window_uri"], "deny")
    assert posted_message(done.get_data(as_text=True)) == {
        "mx": True,
        "type": "oauthComplete/error",
        "metadata": {"member_guid": member["guid"], "error_reason": "CANCELLED"},
    }
    assert world.member(member["guid"])["connection_status"] == "PENDING"
    assert world.page(member["oauth_window_uri"]).status_code == 410  # one-time
    fresh = world.fresh_uri(member["guid"])["member"]
    assert fresh["guid"] == member["guid"] and fresh["oauth_window_uri"] != member["oauth_window_uri"]
    world.answer(fresh["oauth_window_uri"], "authorize")
    assert world.settle(member["guid"])["connection_status"] == "CONNECTED"


def test_a_fresh_uri_retires_the_previous_one(world):
    member = world.create()
    fresh = world.fresh_uri(member["guid"])["member"]["oauth_window_uri"]
    assert world.page(member["oauth_window_uri"]).status_code == 404
    assert world.page(fresh).status_code == 200


def test_used_expired_and_unknown_uris_get_clear_error_pages(world):
    member = world.create()
    uri = member["oauth_window_uri"]
    world.answer(uri, "authorize")
    used = world.page(uri)
    assert used.status_code == 410 and "already been used" in used.get_data(as_text=True)
    assert world.answer(uri, "authorize").status_code == 410
    other = world.create(member={"skip_aggregation": True}, referral_source="BROWSER")
    world.clock.advance(601)  # ten minutes and a second
    expired = world.page(other["oauth_window_uri"])
    html = expired.get_data(as_text=True)
    assert expired.status_code == 410 and "has expired" in html
    # The opener (a waiting widget) still hears the end: MX's SESSION_ERROR; the member stays PENDING.
    assert posted_message(html)["metadata"] == {"member_guid": other["guid"], "error_reason": "SESSION_ERROR"}
    assert world.member(other["guid"])["connection_status"] == "PENDING"
    unknown = world.page(uri.rsplit("/", 1)[0] + "/not-a-token")
    assert unknown.status_code == 404 and "not valid" in unknown.get_data(as_text=True)
    wrong_member = world.page(
        world.fresh_uri(other["guid"])["member"]["oauth_window_uri"].replace(other["guid"], "MBR-x")
    )
    assert wrong_member.status_code == 404
    assert world.answer(world.fresh_uri(other["guid"])["member"]["oauth_window_uri"], "maybe").status_code == 400


def test_app_referral_redirects_to_client_redirect_url_with_the_result(world):
    member = world.create(referral_source="APP", client_redirect_url="http://127.0.0.1:9/back?keep=1")
    done = world.answer(member["oauth_window_uri"], "authorize")
    assert done.status_code == 303
    target = urlsplit(done.headers["Location"])
    assert (target.netloc, target.path) == ("127.0.0.1:9", "/back")
    assert parse_qsl(target.query) == [("keep", "1"), ("status", "success"), ("member_guid", member["guid"])]
    denied = world.create(referral_source="app", client_redirect_url="https://partner.example/oauth")
    r = world.answer(denied["oauth_window_uri"], "deny")
    assert r.headers["Location"] == (
        f"https://partner.example/oauth?status=error&member_guid={denied['guid']}&error_reason=CANCELLED"
    )


def test_a_webview_scheme_gets_mx_oauth_complete_deep_link(world):
    member = world.create(
        referral_source="APP", ui_message_webview_url_scheme="appscheme", client_redirect_url="https://x.example"
    )
    done = world.answer(member["oauth_window_uri"], "authorize")
    assert done.headers["Location"] == f"appscheme://oauth_complete?status=success&member_guid={member['guid']}"


def test_the_uri_endpoint_takes_mx_options_as_query_parameters(world):
    member = world.create()
    fresh = world.fresh_uri(
        member["guid"],
        referral_source="APP",
        client_redirect_url="https://partner.example/done",
        enable_app2app="false",
    )
    assert set(fresh) == {"member"} and set(fresh["member"]) == {"guid", "oauth_window_uri"}
    done = world.answer(fresh["member"]["oauth_window_uri"], "authorize")
    assert done.headers["Location"].startswith("https://partner.example/done?status=success")
    again = world.create()
    uri = world.fresh_uri(again["guid"], skip_aggregation="true")["member"]["oauth_window_uri"]
    world.answer(uri, "authorize")
    assert world.member(again["guid"])["is_being_aggregated"] is False  # skip_aggregation from the query
    assert world.fresh_uri(again["guid"], 400, referral_source="PIGEON")["error"]["code"]
    assert world.fresh_uri(again["guid"], 400, enable_app2app="maybe")["error"]["code"]


def test_browser_referral_keeps_app_only_options_unused(world):
    member = world.create(client_redirect_url="https://partner.example/done")  # BROWSER by default
    done = world.answer(member["oauth_window_uri"], "authorize")
    assert done.status_code == 200 and posted_message(done.get_data(as_text=True))["type"] == "oauthComplete/success"


def test_mx_refusals(world):
    refused = world.create(institution=MX_BANK, status=400)
    assert refused["error"]["message"] == "Member cannot use OAuth"
    creds = [{"guid": "CRD-9f61fb4c-912c-bd1e-b175-ccc7f0275cc1", "value": "mxuser"}]
    assert world.create(member={"credentials": creds}, status=400)["error"]["message"].startswith("An OAuth member")
    r = world.http.post("/members", json={"member": {"institution_guid": MX_BANK_OAUTH}}, headers=world.headers)
    assert r.status == 400 and "credentials" in r.json["error"]["message"]  # credentials required, not OAuth
    r = world.http.post(
        "/members", json={"member": {"institution_guid": MX_BANK_OAUTH, "credentials": []}}, headers=world.headers
    )
    assert r.status == 400 and "OAuth only" in r.json["error"]["message"]
    assert world.create(referral_source="PIGEON", status=400)["error"]["code"]
    assert world.create(member={"credentials": []})["connection_status"] == "PENDING"  # MX's SDKs send []
    pending = world.create()
    r = world.http.post(f"/members/{pending['guid']}/verify", headers=world.headers)
    assert r.status == 400 and "OAuth" in r.json["error"]["message"]


def test_the_uri_endpoint_refuses_a_member_without_oauth(world):
    r = world.http.post(
        "/members",
        json={
            "member": {
                "institution_guid": MX_BANK,
                "credentials": [
                    {"guid": "CRD-9f61fb4c-912c-bd1e-b175-ccc7f0275cc1", "value": "mxuser"},
                    {"guid": "CRD-e3d7ea81-aac7-05e9-fbdd-4b493c6e474d", "value": "password"},
                ],
            }
        },
        headers=world.headers,
    )
    body = world.fresh_uri(r.json["member"]["guid"], 400)
    assert body["error"]["message"] == "Member cannot use OAuth"
    assert world.fresh_uri("MBR-nope", 404)
    static = world.http.get(
        "/members/test_nexus_member/oauth_window_uri", headers={**world.headers, "MD-SESSION-TOKEN": "test_session"}
    )
    assert static.status in (400, 404)
