"""One URL space for three APIs: each URL belongs to its most specific path template (web/routing.py), and
the server, the 405's Allow header and the OpenAPI document all say the same."""

from __future__ import annotations

import pytest

from mocknexus.app import create_app
from mocknexus.config import Config
from tests.support import FlaskHttp

AUTH = {"MD-SESSION-TOKEN": "test_session", "MD-API-KEY": "k"}


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        # /institutions/search is POST only, although /institutions/{guid} would take GET.
        ("GET", "/institutions/search", "POST"),
        ("OPTIONS", "/institutions/search", "POST"),
        # /members/users is Nexus's /members/{guid}, not MDX's /{client_id}/users with client_id "members".
        ("POST", "/members/users", "DELETE, GET, HEAD, PUT"),
        ("PATCH", "/members/MBR-1", "DELETE, GET, HEAD, PUT"),
    ],
)
def test_a_method_the_owning_template_does_not_serve_is_a_405_listing_its_methods(method, path, allow):
    r = FlaskHttp(create_app(Config())).request(method, path, headers=AUTH)
    assert r.status == 405 and r.json["error"]["code"] == 4050
    assert r.headers["Allow"] == allow


def test_the_owning_template_serves_its_own_methods():
    http = FlaskHttp(create_app(Config()))
    r = http.get("/members/users", headers=AUTH)  # a member read: no such member
    assert r.status == 404 and r.json["error"]["message"] == "Member not found."


def test_the_document_excludes_the_values_another_template_owns():
    spec = FlaskHttp(create_app(Config())).get("/__admin/openapi.json").json
    [client_id] = [p for p in spec["paths"]["/{client_id}/users"]["get"]["parameters"] if p["in"] == "path"]
    assert {"members", "accounts", "institutions"} <= set(client_id["schema"]["not"]["anyOf"][0]["enum"])
    [guid] = spec["paths"]["/institutions/{guid}"]["get"]["parameters"]
    assert "search" in guid["schema"]["not"]["anyOf"][0]["enum"]
    user_id = next(
        p for p in spec["paths"]["/{client_id}/users/{user_id}"]["get"]["parameters"] if p["name"] == "user_id"
    )
    assert user_id["schema"]["not"]["anyOf"][1] == {"pattern": r"(\.json|\.xml)$"}


def test_the_document_declares_the_api_key_optional_unless_one_is_set():
    anything = FlaskHttp(create_app(Config())).get("/__admin/openapi.json").json
    assert anything["paths"]["/{client_id}/users"]["get"]["security"] == [{"apiKey": []}, {}]
    strict = FlaskHttp(create_app(Config(api_key="secret"))).get("/__admin/openapi.json").json
    assert strict["paths"]["/{client_id}/users"]["get"]["security"] == [{"apiKey": []}]


def test_deliberate_exceptions_are_declared_in_the_document():
    spec = FlaskHttp(create_app(Config())).get("/__admin/openapi.json").json
    unchecked = {
        (path, method): op["x-mocknexus-unchecked"]
        for path, ops in spec["paths"].items()
        for method, op in ops.items()
        if "x-mocknexus-unchecked" in op
    }
    # Only positive-data acceptance is ever waived, each time with its reason, and only where the document
    # cannot say it: snapshots, XML bodies (text), waits that time out, scenario names, widget types. The one
    # other: MX's category reads, whose {category_guid} `default` is a sibling route (the list of defaults), which
    # a generated negative call reaches with the list's 200.
    sibling = {("/categories/{category_guid}", "get"), ("/users/{user_guid}/categories/{category_guid}", "get")}
    assert {check for key, reasons in unchecked.items() if key not in sibling for check in reasons} == {
        "positive_data_acceptance"
    }
    for key in sibling:
        assert set(unchecked[key]) == {"negative_data_rejection", "response_schema_conformance"}
    assert all(reason for reasons in unchecked.values() for reason in reasons.values())
    assert set(unchecked["/__admin/state", "put"]) == {"positive_data_acceptance"}
    expected = {
        ("/__admin/state", "put"),
        ("/__admin/clients/{client_id}/state", "put"),
        ("/__admin/requests/wait", "get"),
        ("/__admin/members/{guid}/wait", "get"),
        ("/__admin/clients/{client_id}/scenarios", "post"),
        ("/{client_id}/users/{user_id}/urls/{widget_type}", "get"),
        ("/{client_id}/users.xml", "post"),
        ("/{client_id}/users.json", "post"),
    }
    assert expected <= set(unchecked)
    assert ("/members", "post") not in unchecked and ("/__admin/faults", "post") not in unchecked
