"""OAuth members through MX's Platform API: created PENDING with their consent page's URI, a fresh URI from
GET .../oauth_window_uri with MX's query options, and the consent ending the member as through Nexus."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

import pytest

from mocknexus.app import create_app
from mocknexus.config import Config
from mocknexus.domain.core.clock import Clock
from tests.conftest import START
from tests.platform.support import Platform
from tests.support import FlaskHttp


def test_an_oauth_member_through_the_platform_api():
    app = create_app(Config(seed=7), clock=Clock(frozen_at=START))
    platform = Platform(FlaskHttp(app))
    user = platform.user()
    body = {"member": {"institution_code": "mx_bank_oauth", "credentials": [], "is_oauth": True}}
    member = platform.post(f"/users/{user['guid']}/members", json=body).json["member"]
    assert member["is_oauth"] is True and member["connection_status"] == "PENDING"
    assert urlsplit(member["oauth_window_uri"]).path.startswith(f"/oauth/predirect_to/{member['guid']}/")
    query = "?referral_source=APP&client_redirect_url=https%3A%2F%2Fapp.example%2Fback"
    fresh = platform.get(f"/users/{user['guid']}/members/{member['guid']}/oauth_window_uri{query}", expect=200)
    uri = fresh.json["member"]["oauth_window_uri"]
    assert uri != member["oauth_window_uri"]
    done = app.test_client().post(urlsplit(uri).path, data={"action": "authorize"})
    assert done.headers["Location"] == f"https://app.example/back?status=success&member_guid={member['guid']}"
    read = platform.get(f"/users/{user['guid']}/members/{member['guid']}", expect=200).json["member"]
    assert read["connection_status"] != "PENDING"
    mxbank = platform.member(user["guid"], "password", skip=True)
    refused = platform.get(f"/users/{user['guid']}/members/{mxbank['guid']}/oauth_window_uri", expect=400)
    assert refused.json["error"]["message"] == "Member cannot use OAuth"


def _platform_world() -> tuple:
    app = create_app(Config(seed=7), clock=Clock(frozen_at=START))
    platform = Platform(FlaskHttp(app))
    return app, platform, platform.user()


OAUTH_MEMBER = {"institution_code": "mx_bank_oauth", "credentials": [], "is_oauth": True}


def test_mx_top_level_create_options_end_a_platform_oauth_member_in_the_apps_scheme():
    """MX's MemberCreateRequestBody carries referral_source, client_redirect_url, ui_message_webview_url_scheme
    and enable_app2app beside `member`: the consent ends where they say, as through Nexus."""
    app, platform, user = _platform_world()
    body = {"member": OAUTH_MEMBER, "referral_source": "APP", "ui_message_webview_url_scheme": "com.example.app"}
    member = platform.post(f"/users/{user['guid']}/members", json=body, expect=200).json["member"]
    done = app.test_client().post(urlsplit(member["oauth_window_uri"]).path, data={"action": "authorize"})
    assert done.headers["Location"] == f"com.example.app://oauth_complete?status=success&member_guid={member['guid']}"
    body = {"member": OAUTH_MEMBER, "referral_source": "APP", "client_redirect_url": "https://app.example/back"}
    member = platform.post(f"/users/{user['guid']}/members", json=body, expect=200).json["member"]
    done = app.test_client().post(urlsplit(member["oauth_window_uri"]).path, data={"action": "deny"})
    assert done.headers["Location"].startswith("https://app.example/back?status=error&member_guid=")
    browser = platform.post(f"/users/{user['guid']}/members", json={"member": OAUTH_MEMBER}, expect=200)
    done = app.test_client().post(urlsplit(browser.json["member"]["oauth_window_uri"]).path, data={"action": "deny"})
    assert "Location" not in done.headers  # BROWSER, MX's default: the complete page posts its message


@pytest.mark.parametrize("scheme", ["javascript", "JavaScript", "data", "vbscript", "http", "HTTPS", "file", ""])
def test_dangerous_message_schemes_are_refused_by_platform_create_and_window_uri(scheme):
    _, platform, user = _platform_world()
    members = f"/users/{user['guid']}/members"
    body = {"member": OAUTH_MEMBER, "referral_source": "APP", "ui_message_webview_url_scheme": scheme}
    refused = platform.post(members, json=body, expect=400)
    assert "ui_message_webview_url_scheme" in refused.json["error"]["message"]
    assert platform.get(members, expect=200).json["members"] == []  # nothing was created
    member = platform.post(members, json={"member": OAUTH_MEMBER}, expect=200).json["member"]
    query = urlencode({"referral_source": "APP", "ui_message_webview_url_scheme": scheme})
    refused = platform.get(f"{members}/{member['guid']}/oauth_window_uri?{query}", expect=400)
    assert "ui_message_webview_url_scheme" in refused.json["error"]["message"]


def test_a_platform_update_takes_no_message_scheme():
    """MX's MemberUpdateRequestBody holds `member` alone: an option beside it is ignored (as MX ignores
    unknown fields), so no update can set a scheme, safe or not."""
    _, platform, user = _platform_world()
    member = platform.member(user["guid"], "password", skip=True)
    path = f"/users/{user['guid']}/members/{member['guid']}"
    body = {"member": {"metadata": "m"}, "ui_message_webview_url_scheme": "javascript"}
    assert platform.put(path, json=body, expect=200).json["member"]["metadata"] == "m"
