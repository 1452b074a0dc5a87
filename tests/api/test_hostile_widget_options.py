"""Widget URL options (issue 21, points 7 and 9): dangerous message schemes are refused with MX's 400 before
any URL is made, and MX's leniency is ours: a published client's `"ui_message_version": "4"` is accepted
(and the OpenAPI document says so), while what MX refuses stays refused."""

from __future__ import annotations

import pytest

from mocknexus.app import create_app
from mocknexus.config import Config
from mocknexus.domain.core.clock import Clock
from mocknexus.schemas.common import DANGEROUS_SCHEMES
from tests.api.oauth_support import OAuthWorld
from tests.api.test_widget_urls import SSO_HEADERS, basic
from tests.conftest import START
from tests.support import CLIENT, new_user

DANGEROUS_STARTS = tuple(f"{scheme}:" for scheme in DANGEROUS_SCHEMES)


def _sso(http, user_id: str, **options):
    return http.post(f"/{CLIENT}/users/{user_id}/urls.json", json={"url": {"type": "connect_widget", **options}},
                     headers=SSO_HEADERS)  # fmt: skip


def _platform(http, user_id: str, **options):
    body = {"widget_url": {"widget_type": "connect_widget", **options}}
    return http.post(f"/users/{user_id}/widget_urls", json=body, headers=basic())


@pytest.mark.parametrize("scheme", ["javascript", "JavaScript", "data", "vbscript", "http", "HTTPS", "file"])
@pytest.mark.parametrize("endpoint", [_sso, _platform], ids=["sso", "platform"])
def test_dangerous_message_schemes_are_refused(http, endpoint, scheme):
    user_id = new_user(http)
    r = endpoint(http, user_id, is_mobile_webview=True, ui_message_webview_url_scheme=scheme)
    assert r.status == 400, r.json
    assert r.json["error"]["code"] // 10 == 400 and "ui_message_webview_url_scheme" in r.json["error"]["message"]


@pytest.mark.parametrize("scheme", ["mx", "appscheme", "com.example.app", "httpx", "datastore"])
def test_an_apps_own_scheme_is_accepted(http, scheme):
    r = _sso(http, new_user(http), is_mobile_webview=True, ui_message_webview_url_scheme=scheme)
    assert r.status == 200, r.json


@pytest.mark.parametrize("endpoint", [_sso, _platform], ids=["sso", "platform"])
def test_ui_message_version_as_a_digit_string_is_accepted(http, endpoint):
    # What a published Java client sends against MX's integration environment.
    r = endpoint(http, new_user(http), ui_message_version="4")
    assert r.status == 200, r.json


@pytest.mark.parametrize("value", ["3", "four", "4.0", " 4", 4.5, True])
def test_what_mx_refuses_stays_refused(http, value):
    r = _sso(http, new_user(http), ui_message_version=value)
    assert r.status == 400, r.json


def test_the_openapi_document_gives_both_forms():
    document = create_app(Config()).test_client().get("/__admin/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    forms = [
        props["ui_message_version"]
        for props in (s.get("properties", {}) for s in schemas.values())
        if "ui_message_version" in props
    ]
    assert forms
    for form in forms:
        assert {"type": "integer", "enum": [4], "default": 4} in form["anyOf"]
        assert {"type": "string", "enum": ["4"]} in form["anyOf"]
    credit = next(
        s["properties"]["credit_score"] for s in schemas.values() if "credit_score" in s.get("properties", {})
    )
    assert any(f.get("type") == "string" for f in credit["anyOf"])


def test_the_scheme_rule_is_in_the_openapi_document():
    document = create_app(Config()).test_client().get("/__admin/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    for widget_request in ("SsoUrlFields", "PlatformWidgetUrlFields"):
        assert "[jJ][aA][vV][aA]" in schemas[widget_request]["properties"]["ui_message_webview_url_scheme"]["pattern"]


# The same rule wherever the option is taken (one validator, schemas/common.MESSAGE_SCHEME): Nexus's OAuth
# create-member body and oauth_window_uri query here, the Platform API's in tests/platform/test_oauth.py.
@pytest.mark.parametrize("scheme", ["javascript", "JAVASCRIPT", "data", "vbscript", "http", "https", "file", ""])
def test_dangerous_schemes_are_refused_by_nexus_oauth_create_and_window_uri(scheme):
    world = OAuthWorld.build(Clock(frozen_at=START))
    refused = world.create(status=400, referral_source="APP", ui_message_webview_url_scheme=scheme)
    assert "ui_message_webview_url_scheme" in refused["error"]["message"]
    assert world.http.get("/members", headers=world.headers).json["members"] == []  # nothing was created
    member = world.create(referral_source="APP")
    refused = world.fresh_uri(member["guid"], 400, referral_source="APP", ui_message_webview_url_scheme=scheme)
    assert "ui_message_webview_url_scheme" in refused["error"]["message"]
    done = world.answer(member["oauth_window_uri"], "authorize")  # the window it had is still the one
    assert "Location" not in done.headers or not done.headers["Location"].lower().startswith(DANGEROUS_STARTS)


def test_an_apps_own_scheme_still_ends_nexus_oauth_in_its_deep_link():
    world = OAuthWorld.build(Clock(frozen_at=START))
    member = world.create(referral_source="APP", ui_message_webview_url_scheme="com.example.app")
    done = world.answer(member["oauth_window_uri"], "authorize")
    assert done.headers["Location"].startswith("com.example.app://oauth_complete?status=success")
