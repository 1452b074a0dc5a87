"""Every request form MX documents is accepted (issue 9, point 1), and bad input in these forms keeps its
clear MX-shaped 4xx with nothing stored."""

from __future__ import annotations

import pytest

from mocknexus.app import create_app
from mocknexus.config import Config
from mocknexus.web import xmlio
from tests.support import API_KEY, CLIENT, FlaskHttp, create_member, institution, new_user, open_session

MDX_XML = "application/vnd.moneydesktop.mdx.v5+xml"


@pytest.fixture
def headers(http):
    return open_session(http)


def _credentials(http, headers, name="MX Bank") -> dict[str, str]:
    bank = institution(http, headers, name)
    creds = http.get(f"/institutions/{bank['guid']}/credentials", headers=headers).json["credentials"]
    return {"institution": bank["guid"], **{c["field_name"]: c["guid"] for c in creds}}


@pytest.mark.parametrize("key", ["guid", "credential_guid"])
def test_credentials_keyed_either_way_in_create_and_update(http, headers, clock, key):
    ids = _credentials(http, headers)
    body = {
        "member": {
            "institution_guid": ids["institution"],
            "credentials": [{key: ids["LOGIN"], "value": "mxuser"}, {key: ids["PASSWORD"], "value": "LOCKED"}],
            "skip_aggregation": True,
        }
    }
    r = http.post("/members", json=body, headers=headers)
    assert r.status == 200, r.json
    guid = r.json["member"]["guid"]
    update = {"member": {"credentials": [{key: ids["PASSWORD"], "value": "password"}]}}
    assert http.put(f"/members/{guid}", json=update, headers=headers).status == 200
    for _ in range(10):
        clock.advance(3)
        member = http.get(f"/members/{guid}", headers=headers).json["member"]
    assert member["connection_status"] == "CONNECTED"  # the new password, not LOCKED, decided the job


def test_a_credential_without_any_guid_is_a_400_and_stores_nothing(http, headers):
    ids = _credentials(http, headers)
    body = {"member": {"institution_guid": ids["institution"], "credentials": [{"value": "mxuser"}]}}
    r = http.post("/members", json=body, headers=headers)
    assert r.status == 400 and r.json["error"]["code"] == 4001
    assert http.get("/members", headers=headers).json["members"] == []


def test_non_rooted_update_and_search_bodies(http, headers):
    member = create_member(http, headers, password="password")
    r = http.put(f"/members/{member['guid']}", json={"metadata": "unrooted"}, headers=headers)
    assert r.status == 200 and r.json["member"]["metadata"] == "unrooted"
    r = http.post("/institutions/search", json={"name": "MX Bank"}, headers=headers)
    assert r.status == 200 and r.json["institutions"][0]["name"] == "MX Bank"


@pytest.mark.parametrize(("form", "shown"), [("credentials", "UPDATED"), ("challenges", "RESUMED")])
def test_mfa_answers_through_update_member(http, headers, clock, form, shown):
    """G21 answers as `credentials` keyed by the challenge guid (and its members show UPDATED, as the guide
    says); V1 as `challenges` (RESUMED, as through resume)."""
    member = create_member(http, headers, password="challenge")
    http.post(f"/members/{member['guid']}/verify", headers=headers)
    for _ in range(5):
        clock.advance(3)
        http.get(f"/members/{member['guid']}", headers=headers)
    [challenge] = http.get(f"/members/{member['guid']}/challenges", headers=headers).json["challenges"]
    body = {"member": {form: [{"guid": challenge["guid"], "value": "correct"}]}}
    r = http.put(f"/members/{member['guid']}", json=body, headers=headers)
    assert r.status == 200 and r.json["member"]["connection_status"] == shown


def test_a_trailing_slash_on_any_path(http, headers):
    member = create_member(http, headers, password="password")
    assert http.get(f"/members/{member['guid']}/", headers=headers).status == 200
    assert http.get("/members/", headers=headers).status == 200
    assert http.post("/institutions/search/", json={"institution": {"name": "MX"}}, headers=headers).status == 200
    user = new_user(http)
    assert http.get(f"/{CLIENT}/users/{user}/api_token.json/", headers=API_KEY).status == 200


def test_md_api_key_on_nexus_calls_is_ignored(clock):
    http = FlaskHttp(create_app(Config(seed=7, api_key="the-real-key"), clock=clock))
    user = http.post(f"/{CLIENT}/users.json", json={"user": {"id": "u1"}}, headers={"MD-API-KEY": "the-real-key"})
    assert user.status == 200
    token = http.get(f"/{CLIENT}/users/u1/api_token.json", headers={"MD-API-KEY": "the-real-key"}).json
    r = http.post("/sessions", headers={"MD-API-TOKEN": token["api_token"]["token"], "MD-API-KEY": "another-key"})
    assert r.status == 200
    headers = {"MD-SESSION-TOKEN": r.json["session"]["token"], "MD-API-KEY": "another-key"}
    assert http.get("/members", headers=headers).status == 200


@pytest.mark.parametrize("accept", ["application/vnd.mx.nexus.v1+json", "application/json", "*/*", None])
def test_the_accept_values_real_clients_send(http, headers, accept):
    sent = {k: v for k, v in headers.items() if k != "Accept"} | ({"Accept": accept} if accept else {})
    assert http.get("/members", headers=sent).status == 200


def test_an_unknown_route_is_a_404_whatever_the_accept(http):
    for accept in ("application/xml", "text/html", "application/vnd.moneydesktop.sso.v3+xml"):
        r = http.get("/no/such/route", headers={"Accept": accept})
        assert r.status == 404 and r.json["error"]["code"] == 4040
    assert http.get("/members", headers={"Accept": "text/html", "MD-SESSION-TOKEN": "test_session"}).status == 406


def test_mdx_users_in_xml(http):
    body = xmlio.dumps(
        "user", {"id": "xml-user", "email": "x@example.com", "credit_score": "718", "is_disabled": False}
    )
    r = http.post(f"/{CLIENT}/users.xml", data=body, headers={"Content-Type": MDX_XML, **API_KEY})
    assert r.status == 200 and r.content_type.startswith(MDX_XML)
    r = http.get(f"/{CLIENT}/users/xml-user", headers={"Accept": MDX_XML, **API_KEY})
    assert r.status == 200 and r.content_type.startswith(MDX_XML)
    listed = http.client.get(f"/{CLIENT}/users.xml", headers=API_KEY)
    users = xmlio.loads(listed.data)["users"]["user"]
    assert (users["id"], users["credit_score"], users["is_disabled"]) == ("xml-user", "718", "false")
    read = http.get(f"/{CLIENT}/users/xml-user.json", headers=API_KEY).json["user"]
    assert read["credit_score"] == 718 and read["is_disabled"] is False


@pytest.mark.parametrize(
    "body",
    [
        b"<user><id>u",  # not well-formed
        b'<?xml version="1.0"?><!DOCTYPE user [<!ENTITY a "aaaa">]><user><id>&a;</id></user>',  # entities
        b"<user><id>bad id!</id></user>",  # an invalid field
        b"<user>" + b"<a>" * 5000 + b"</a>" * 5000 + b"</user>",  # nested too deep
    ],
)
def test_bad_xml_is_a_400_and_stores_nothing(http, body):
    """Asked in XML (`.xml`), refused in XML: the same envelope as JSON's, in MDX's XML media type."""
    r = http.client.post(f"/{CLIENT}/users.xml", data=body, headers={"Content-Type": MDX_XML, **API_KEY})
    assert r.status_code == 400 and r.mimetype == MDX_XML
    error = xmlio.loads(r.data)["error"]
    assert error["code"].startswith("400") and error["message"]
    assert http.get(f"/{CLIENT}/users.json", headers=API_KEY).json["users"] == []


def test_nexus_still_speaks_json_only(http, headers):
    r = http.post("/members", data="<member/>", headers={**headers, "Content-Type": "application/xml"})
    assert r.status == 415
