"""URLs Nexus and the Platform API both serve: `/institutions/{guid}` (Nexus, by guid) is the Platform's
`/institutions/{institution_code}`; the request's credentials decide whose it is, and the OpenAPI document
lists the path once, with both APIs' security and answers by media type (web/routing.py, ApiMap.twin)."""

from __future__ import annotations

import pytest

from mocknexus.app import create_app
from mocknexus.config import Config
from tests.platform.support import PLATFORM_JSON, basic
from tests.support import NEXUS_JSON, FlaskHttp

MX_BANK_GUID = "INS-1572a04c-912b-59bf-5841-332c7dfafaef"
NEXUS = {"MD-SESSION-TOKEN": "test_session"}


@pytest.fixture
def http() -> FlaskHttp:
    return FlaskHttp(create_app(Config()))


@pytest.mark.parametrize(
    ("path", "headers", "status", "media"),
    [
        (f"/institutions/{MX_BANK_GUID}", NEXUS, 200, NEXUS_JSON),
        (f"/institutions/{MX_BANK_GUID}/credentials", NEXUS, 200, NEXUS_JSON),
        ("/institutions/mxbank", basic(), 200, PLATFORM_JSON),
        ("/institutions/mxbank/credentials", basic(), 200, PLATFORM_JSON),
        ("/institutions/favorites", basic(), 200, PLATFORM_JSON),
        # To a Nexus client, `favorites` and a code are institution guids that do not exist.
        ("/institutions/favorites", NEXUS, 404, NEXUS_JSON),
        ("/institutions/mxbank", NEXUS, 404, NEXUS_JSON),
        # A Nexus session token wins: a client sending both is a Nexus client.
        (f"/institutions/{MX_BANK_GUID}", {"Authorization": basic()["Authorization"], **NEXUS}, 200, NEXUS_JSON),
    ],
)
def test_the_credentials_decide_which_api_answers(http, path, headers, status, media):
    r = http.get(path, headers=headers)
    assert (r.status, r.content_type) == (status, media), r.json


def test_the_document_lists_a_shared_path_once_with_both_apis(http):
    spec = http.get("/__admin/openapi.json").json
    assert "/institutions/{institution_code}" not in spec["paths"]
    read = spec["paths"]["/institutions/{guid}"]["get"]
    assert read["tags"] == ["Nexus", "Platform API"]
    assert {"sessionToken"} | {"basic"} <= {name for option in read["security"] for name in option}
    assert set(read["responses"]["200"]["content"]) == {NEXUS_JSON, PLATFORM_JSON}
    [guid] = [p for p in read["parameters"] if p["in"] == "path"]
    assert "favorites" in guid["schema"]["not"]["anyOf"][0]["enum"]


def test_a_user_path_is_the_platforms_not_a_client_id_named_users(http):
    # `/users/{user_guid}` and MDX's `/{client_id}/users` both match /users/users: literals first, as werkzeug.
    r = http.get("/users/users", headers=basic())
    assert (r.status, r.content_type, r.json["error"]["message"]) == (404, PLATFORM_JSON, "User not found.")
