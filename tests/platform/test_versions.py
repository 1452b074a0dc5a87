"""The Platform API's version, chosen per request (apis/platform/versions.py): by `Accept-Version`, else by MX's
v1 media type in `Accept`, else v20111101; a version MX does not have is MX's 406. And the caller a request is
resolved into once (web/caller.py): credentials before the user, the user its path names, one world for both
versions."""

from __future__ import annotations

import pytest

from mocknexus.app import create_app
from mocknexus.config import Config
from tests.platform.support import PLATFORM_JSON, Platform, basic
from tests.support import FlaskHttp

V1_ACCEPT = {"Accept": PLATFORM_JSON}
V2011 = {"Accept": "application/json", "Accept-Version": "v20111101"}
V2025 = {"Accept": "application/json", "Accept-Version": "v20250224"}


@pytest.fixture
def http():
    return FlaskHttp(create_app(Config(seed=7, job_time_scale=0)))


def _get(http: FlaskHttp, path: str, **headers: str):
    auth = basic()
    auth.pop("Accept")
    return http.get(path, headers={**auth, **headers})


def test_v1_media_type_and_accept_version_v20111101_select_v20111101(http):
    user = Platform(http).user()
    for headers in (V1_ACCEPT, V2011):
        r = _get(http, f"/users/{user['guid']}", **headers)
        assert r.status == 200 and r.content_type == PLATFORM_JSON, headers
        assert r.json["user"]["guid"] == user["guid"]


def test_accept_version_v20250224_selects_it_in_the_same_world(http):
    user = Platform(http).user()  # made through v20111101
    r = _get(http, f"/users/{user['guid']}", **V2025)
    assert r.status == 200 and r.content_type == "application/json"  # MX's v20250224 answers plain JSON
    assert r.json["user"]["guid"] == user["guid"]


@pytest.mark.parametrize("version", ["v20990101", "20250224", "rc20260430", ""])
def test_an_unknown_version_is_mxs_406(http, version):
    user = Platform(http).user()
    r = _get(http, f"/users/{user['guid']}", Accept="application/json", **{"Accept-Version": version})
    assert r.status == 406
    assert r.json == {"error": {"code": 4060, "message": "The request didn't specify a valid API version."}}


def test_a_request_naming_no_version_is_answered_in_v20111101(http):
    user = Platform(http).user()
    for accept in ({"Accept": "application/json"}, {}):
        r = _get(http, f"/users/{user['guid']}", **accept)
        assert r.status == 200 and r.content_type == PLATFORM_JSON, accept


def test_credentials_are_checked_before_the_user_is_looked_up(http):
    assert http.get("/users/USR-nobody", headers=V1_ACCEPT).status == 401
    r = _get(http, "/users/USR-nobody", **V1_ACCEPT)
    assert r.status == 404 and r.json["error"]["message"] == "User not found."
    r = _get(http, "/users/USR-nobody/members/MBR-x", **V2025)
    assert r.status == 404 and r.content_type == "application/json"


def test_an_unknown_path_answers_in_the_media_type_of_the_api_the_request_speaks(http):
    r = _get(http, "/no/such/path", **V1_ACCEPT)
    assert r.status == 404 and r.content_type == PLATFORM_JSON
    assert r.json["error"]["message"] == "No such endpoint: GET /no/such/path."
    r = http.get("/no/such/path", headers={"Accept": "application/vnd.mx.nexus.v1+json"})
    assert r.status == 404 and r.content_type == "application/vnd.mx.nexus.v1+json"
    r = _get(http, "/no/such/path", **{"Accept-Version": "v20250224"})
    assert r.status == 404 and r.content_type == "application/json"  # that version's type
    assert _get(http, "/no/such/path", **{"Accept-Version": "v1999"}).status == 404  # no route: no version to refuse
    r = http.get("/no/such/path", headers={"MD-SESSION-TOKEN": "x", **basic()})  # a Nexus session wins
    assert r.content_type == "application/vnd.mx.nexus.v1+json"
