"""Widget URLs: SSO v3 (JSON and XML), by type, and the Platform API endpoint MX's SDKs call; one-time tokens."""

from __future__ import annotations

import base64
from urllib.parse import urlparse

import pytest

from tests.support import API_KEY, CLIENT, new_user

SSO_JSON = "application/vnd.moneydesktop.sso.v3+json"
SSO_XML = "application/vnd.moneydesktop.sso.v3+xml"
PLATFORM = "application/vnd.mx.api.v1+json"
SSO_HEADERS = {**API_KEY, "Content-Type": SSO_JSON, "Accept": SSO_JSON}


def basic(client_id: str = "client-123", api_key: str = "test-key") -> dict:
    token = base64.b64encode(f"{client_id}:{api_key}".encode()).decode()
    return {"Authorization": f"Basic {token}", "Accept": PLATFORM, "Content-Type": "application/json"}


def widget_path(url: str) -> str:
    return urlparse(url).path


def test_sso_v3_json_with_mx_docs_body_answers_a_one_time_connect_url(http):
    user_id = new_user(http)
    body = {"url": {"is_mobile_webview": False, "style": {"font_name": "Roboto"}, "type": "connect_widget",
                    "use_cases": ["PFM"], "ui_message_version": 4}}  # fmt: skip
    r = http.post(f"/{CLIENT}/users/{user_id}/urls.json", json=body, headers=SSO_HEADERS)
    assert r.status == 200, r.json
    assert r.content_type.startswith(SSO_JSON)
    assert set(r.json) == {"url"} and r.json["url"]["type"] == "connect_widget"
    assert r.json["url"]["user_id"] == user_id
    path = widget_path(r.json["url"]["url"])
    assert path.startswith("/md/connect/")
    page = http.get(path)
    assert page.status == 200 and page.content_type.startswith("text/html")
    again = http.get(path)
    assert again.status == 410 and again.content_type.startswith("text/html")


def test_sso_v3_xml_request_and_answer_mobile_webview(app, http):
    user_id = new_user(http)
    client = app.test_client()
    body = "<url><type>connect_widget</type><is_mobile_webview>true</is_mobile_webview><mode>verification</mode></url>"
    r = client.post(f"/{CLIENT}/users/{user_id}/urls.xml", data=body,
                    headers={**API_KEY, "Content-Type": SSO_XML, "Accept": SSO_XML})  # fmt: skip
    assert r.status_code == 200, r.data
    assert r.mimetype == SSO_XML
    from mocknexus.web import xmlio

    answer = xmlio.loads(r.data)["url"]
    assert answer["type"] == "connect_widget" and answer["user_id"] == user_id
    assert widget_path(answer["url"]).startswith("/md/mobile_master/")
    bad = client.post(f"/{CLIENT}/users/{user_id}/urls.xml", data="<url><type>nope</type></url>",
                      headers={**API_KEY, "Content-Type": SSO_XML, "Accept": SSO_XML})  # fmt: skip
    assert bad.status_code == 400 and bad.mimetype == SSO_XML
    assert xmlio.loads(bad.data)["error"]["code"] == "4002"
    broken = client.post(f"/{CLIENT}/users/{user_id}/urls.xml", data="<url>", headers=API_KEY)
    assert broken.status_code == 400 and b"not well-formed" in broken.data


def test_url_by_type_and_unknown_types(http):
    user_id = new_user(http)
    r = http.get(f"/{CLIENT}/users/{user_id}/urls/connect_widget", headers=API_KEY)
    assert r.status == 200 and widget_path(r.json["url"]["url"]).startswith("/md/connect/")
    r = http.get(f"/{CLIENT}/users/{user_id}/urls/master_widget", headers=API_KEY)
    assert r.status == 400 and "connect_widget only" in r.json["error"]["message"]


@pytest.mark.parametrize(
    ("options", "problem"),
    [
        ({"color_scheme": "purple"}, "url.color_scheme"),
        ({"mode": "verification,tax"}, "url.mode"),
        ({"ui_message_version": 3}, "ui_message_version 4"),
        ({"ui_message_webview_url_scheme": "not a scheme"}, "url.ui_message_webview_url_scheme"),
        ({"is_mobile_webview": "yes"}, "url.is_mobile_webview"),
    ],
)
def test_bad_options_are_mx_400s(http, options, problem):
    user_id = new_user(http)
    r = http.post(f"/{CLIENT}/users/{user_id}/urls.json", json={"url": {"type": "connect_widget", **options}},
                  headers=SSO_HEADERS)  # fmt: skip
    assert r.status == 400 and problem in r.json["error"]["message"]


def test_sso_needs_the_api_key_and_a_known_user(http):
    r = http.post(f"/{CLIENT}/users/nobody/urls.json", json={"url": {"type": "connect_widget"}}, headers=SSO_HEADERS)
    assert r.status == 404
    r = http.post(f"/{CLIENT}/users/nobody/urls.json", json={"url": {"type": "connect_widget"}})
    assert r.status == 401


def test_platform_widget_urls_by_id_or_guid_with_basic_auth_and_cors(http):
    user_id = new_user(http)
    guid = http.get(f"/{CLIENT}/users/{user_id}.json", headers=API_KEY).json["user"]["guid"]
    for identifier in (user_id, guid):
        r = http.post(f"/users/{identifier}/widget_urls", json={"widget_url": {"widget_type": "connect_widget", "color_scheme": "dark"}},
                      headers={**basic(), "Origin": "http://partner.example"})  # fmt: skip
        assert r.status == 200, r.json
        assert r.content_type.startswith(PLATFORM)
        assert r.json["widget_url"]["type"] == "connect_widget" and r.json["widget_url"]["user_id"] == user_id
        assert r.headers["Access-Control-Allow-Origin"] == "http://partner.example"
    preflight = http.request("OPTIONS", f"/users/{user_id}/widget_urls", headers={"Origin": "http://partner.example"})
    assert preflight.status == 204
    assert "Authorization" in preflight.headers["Access-Control-Allow-Headers"]
    r = http.post(f"/users/{user_id}/widget_urls", json={"widget_url": {"widget_type": "connect_widget"}},
                  headers={"Accept": PLATFORM})  # fmt: skip
    assert r.status == 401 and r.headers["Access-Control-Allow-Origin"] == "*"


def test_platform_basic_auth_checks_configured_client_and_key(tmp_path):
    from mocknexus.app import create_app
    from mocknexus.config import Config
    from tests.support import FlaskHttp

    http = FlaskHttp(create_app(Config(client_id="client-123", api_key="test-key")))
    user_id = new_user(http)
    body = {"widget_url": {"widget_type": "connect_widget"}}
    assert http.post(f"/users/{user_id}/widget_urls", json=body, headers=basic()).status == 200
    assert http.post(f"/users/{user_id}/widget_urls", json=body, headers=basic(api_key="wrong")).status == 401
    assert http.post(f"/users/{user_id}/widget_urls", json=body, headers=basic(client_id="other")).status == 401


def test_tokens_expire_after_ten_minutes_on_the_emulator_clock(http, clock):
    user_id = new_user(http)
    r = http.post(f"/{CLIENT}/users/{user_id}/urls.json", json={"url": {"type": "connect_widget"}}, headers=SSO_HEADERS)
    path = widget_path(r.json["url"]["url"])
    clock.advance(600)
    page = http.get(path)
    assert page.status == 410
    unknown = http.get("/md/connect/not-a-token")
    assert unknown.status == 404 and unknown.content_type.startswith("text/html")


def test_opening_the_widget_opens_a_nexus_session_for_the_user(app, http):
    user_id = new_user(http)
    r = http.post(f"/{CLIENT}/users/{user_id}/urls.json", json={"url": {"type": "connect_widget"}}, headers=SSO_HEADERS)
    html = app.test_client().get(widget_path(r.json["url"]["url"])).data.decode()
    import json
    import re

    config = json.loads(re.search(r'<script type="application/json" id="mx-config">(.*?)</script>', html).group(1))
    me = http.get("/user", headers={"MD-SESSION-TOKEN": config["session_token"]})
    assert me.status == 200 and me.json["user"]["external_guid"] == user_id
    assert config["user_guid"] == me.json["user"]["guid"]
    assert config["session_guid"].startswith("SES-")
    assert http.get("/md/connect/assets/connect.js").content_type.startswith("text/javascript")
    assert http.get("/md/connect/assets/connect.css").content_type.startswith("text/css")


def test_the_page_is_self_contained_and_failures_are_pages_not_json(http):
    user_id = new_user(http)
    issue = {"url": {"type": "connect_widget"}}
    path = widget_path(
        http.post(f"/{CLIENT}/users/{user_id}/urls.json", json=issue, headers=SSO_HEADERS).json["url"]["url"]
    )
    page = http.get(path)
    assert page.headers["Content-Security-Policy"].startswith("default-src 'self'")
    # The user is deleted after the URL was issued: a page saying so.
    path = widget_path(
        http.post(f"/{CLIENT}/users/{user_id}/urls.json", json=issue, headers=SSO_HEADERS).json["url"]["url"]
    )
    assert http.delete(f"/{CLIENT}/users/{user_id}.json", headers=API_KEY).status == 204
    gone = http.get(path)
    assert gone.status == 404 and gone.content_type.startswith("text/html") and gone.json is None
    # An injected fault on the page itself: still a page, with the fault's status.
    fault = {"method": "GET", "path": "/md/connect/*", "status": 503}
    assert http.post("/__admin/faults", json=fault).status in (200, 201)
    faulted = http.get("/md/connect/anything")
    assert faulted.status == 503 and faulted.content_type.startswith("text/html")
