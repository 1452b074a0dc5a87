"""Issue 28, point 6: `client_redirect_url` follows the WebView scheme's rule (schemas/common: no javascript:,
data:, vbscript:, file:, an absolute URL), wherever it is taken, so it never ends in a 303 or in the
"Return to the app" link; and every answer a browser may read carries `X-Content-Type-Options: nosniff`."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from mocknexus.app import create_app
from mocknexus.config import Config
from mocknexus.domain.core.clock import Clock
from tests.api.oauth_support import OAuthWorld
from tests.api.test_hostile_widget_options import _platform, _sso
from tests.conftest import START
from tests.support import CLIENT, new_user

HOSTILE = ["javascript:alert(document.domain)", "JavaScript:x", " javascript:x", "java\tscript:x", "data:text/html,x",
           "vbscript:x", "file:///etc/passwd", "relative/path", "//evil.example/x"]  # fmt: skip


@pytest.mark.parametrize("url", HOSTILE)
def test_a_hostile_redirect_is_refused_by_nexus_oauth_create_and_window_uri(url):
    world = OAuthWorld.build(Clock(frozen_at=START))
    refused = world.create(status=400, referral_source="APP", client_redirect_url=url)
    assert "client_redirect_url" in refused["error"]["message"]
    assert world.http.get("/members", headers=world.headers).json["members"] == []
    member = world.create(referral_source="APP")
    refused = world.fresh_uri(member["guid"], 400, referral_source="APP", client_redirect_url=url)
    assert "client_redirect_url" in refused["error"]["message"]


@pytest.mark.parametrize("url", HOSTILE)
@pytest.mark.parametrize("endpoint", [_sso, _platform], ids=["sso", "platform"])
def test_a_hostile_redirect_is_refused_by_widget_urls(http, endpoint, url):
    r = endpoint(http, new_user(http), client_redirect_url=url)
    assert r.status == 400 and "client_redirect_url" in r.json["error"]["message"], r.json


def test_a_hostile_redirect_is_refused_by_the_platform_apis_create_and_window_uri():
    from tests.platform.test_oauth import OAUTH_MEMBER, _platform_world

    _, platform, user = _platform_world()
    members = f"/users/{user['guid']}/members"
    body = {"member": OAUTH_MEMBER, "referral_source": "APP", "client_redirect_url": "javascript:alert(1)"}
    assert "client_redirect_url" in platform.post(members, json=body, expect=400).json["error"]["message"]
    member = platform.post(members, json={"member": OAUTH_MEMBER}, expect=200).json["member"]
    query = urlencode({"referral_source": "APP", "client_redirect_url": "javascript:alert(1)"})
    platform.get(f"{members}/{member['guid']}/oauth_window_uri?{query}", expect=400)


@pytest.mark.parametrize("url", ["https://app.example.com/back?x=1", "com.example.app://oauth", "mx://done"])
def test_an_apps_url_still_ends_oauth_there(url):
    world = OAuthWorld.build(Clock(frozen_at=START))
    member = world.create(referral_source="APP", client_redirect_url=url)
    done = world.answer(member["oauth_window_uri"], "authorize")
    assert done.status_code == 303 and done.headers["Location"].startswith(url.split("?")[0])


def test_every_answer_carries_nosniff():
    app = create_app(Config(seed=7), clock=Clock(frozen_at=START))
    client = app.test_client()
    answers = [
        client.get("/__admin/health"),
        client.get("/__admin/ui/"),
        client.get("/__admin/openapi.json"),
        client.get("/nowhere<script>"),  # 404
        client.post(f"/{CLIENT}/users.json", data="{", headers={"MD-API-KEY": "k"}),  # 400
        client.get("/members", headers={"MD-SESSION-TOKEN": "nope"}),  # 401
        client.open("/members", method="PATCH"),  # 405
    ]
    for answer in answers:
        assert answer.headers.get("X-Content-Type-Options") == "nosniff", (answer.status, answer.headers)
