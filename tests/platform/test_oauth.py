"""OAuth members through MX's Platform API: created PENDING with their consent page's URI, a fresh URI from
GET .../oauth_window_uri with MX's query options, and the consent ending the member as through Nexus."""

from __future__ import annotations

from urllib.parse import urlsplit

from mocknexus.app import create_app
from mocknexus.config import Config
from mocknexus.domain.clock import Clock
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
