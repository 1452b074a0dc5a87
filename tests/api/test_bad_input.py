"""Bad input: always MX's error shape and a 4xx, never a traceback or HTML, and never a change of state."""

from __future__ import annotations

from dataclasses import replace

import pytest

from mocknexus.app import create_app
from tests.support import API_KEY, CLIENT, FlaskHttp, create_member, institution, open_session


def assert_mx_error(r, status: int, code: int, message: str | None = None) -> None:
    assert r.status == status, r.json
    assert r.json is not None and set(r.json) == {"error"}, r.json
    assert r.json["error"]["code"] == code
    assert isinstance(r.json["error"]["message"], str) and r.json["error"]["message"]
    if message is not None:
        assert r.json["error"]["message"] == message


@pytest.fixture
def headers(http):
    return open_session(http)


@pytest.mark.parametrize("body", [None, {}, {"institution": {}}])
def test_an_empty_search_is_a_400(http, headers, body):
    r = http.post("/institutions/search", json=body, headers=headers)
    assert_mx_error(r, 400, 4001)


def test_malformed_json_is_a_400(http, headers):
    r = http.post("/members", data="{not json", headers=headers)
    assert_mx_error(r, 400, 4000, "The request body is not valid JSON.")


def test_a_body_that_is_not_an_object_is_a_400(http, headers):
    r = http.post("/members", json=["member"], headers=headers)
    assert_mx_error(r, 400, 4000, "The request body must be a JSON object.")


def test_deeply_nested_json_is_a_400_not_a_crash(http, headers):
    r = http.post("/members", data="[" * 100_000 + "]" * 100_000, headers=headers)
    assert_mx_error(r, 400, 4000)


@pytest.mark.parametrize(
    "member, code, fragment",
    [
        ({"credentials": []}, 4001, "member.institution_guid: Missing data for required field."),
        ({"institution_guid": "INS-x"}, 4001, "member.credentials: Missing data for required field."),
        ({"institution_guid": 5, "credentials": []}, 4002, "member.institution_guid: Not a valid string."),
        ({"institution_guid": "INS-x", "credentials": "mxuser"}, 4002, "member.credentials: Not a valid list."),
        ({"institution_guid": "INS-x", "credentials": [], "skip_aggregation": "yes"}, 4002, "Not a valid boolean."),
        ({"institution_guid": "INS-x", "credentials": [{"guid": "CRD-1"}]}, 4001, "member.credentials.0.value"),
    ],
)
def test_wrong_types_and_missing_fields_name_the_field(http, headers, member, code, fragment):
    r = http.post("/members", json={"member": member}, headers=headers)
    assert_mx_error(r, 400, code)
    assert fragment in r.json["error"]["message"]


def test_credential_guids_that_are_not_the_institutions_are_refused(http, headers):
    bank = institution(http, headers)
    body = {"member": {"institution_guid": bank["guid"], "credentials": [{"guid": "CRD-stale", "value": "mxuser"}]}}
    r = http.post("/members", json=body, headers=headers)
    assert_mx_error(
        r,
        400,
        4000,
        "The credential guids submitted are no longer valid. "
        "Check the Institution Required Credentials endpoint for the most recent credentials.",
    )


def test_missing_credentials_are_refused(http, headers):
    bank = institution(http, headers)
    creds = http.get(f"/institutions/{bank['guid']}/credentials", headers=headers).json["credentials"]
    username = next(c for c in creds if c["field_name"] == "LOGIN")
    body = {
        "member": {"institution_guid": bank["guid"], "credentials": [{"guid": username["guid"], "value": "mxuser"}]}
    }
    assert_mx_error(http.post("/members", json=body, headers=headers), 400, 4001, "Missing credentials: PASSWORD.")
    assert http.get("/members", headers=headers).json["members"] == []


def test_an_unknown_institution_is_a_422(http, headers):
    body = {"member": {"institution_guid": "INS-nope", "credentials": [{"guid": "CRD-1", "value": "v"}]}}
    assert_mx_error(http.post("/members", json=body, headers=headers), 422, 4220)


def test_a_duplicate_member_is_a_422(http, headers):
    create_member(http, headers, password="password")
    bank = institution(http, headers)
    creds = http.get(f"/institutions/{bank['guid']}/credentials", headers=headers).json["credentials"]
    values = {"LOGIN": "mxuser", "PASSWORD": "other"}
    body = {
        "member": {
            "institution_guid": bank["guid"],
            "credentials": [{"guid": c["guid"], "value": values[c["field_name"]]} for c in creds],
        }
    }
    assert_mx_error(http.post("/members", json=body, headers=headers), 422, 4220)
    assert len(http.get("/members", headers=headers).json["members"]) == 1


def test_an_xml_body_is_a_415(http, headers):
    r = http.post("/members", data="<member/>", headers={**headers, "Content-Type": "application/xml"})
    assert_mx_error(r, 415, 4150)


def test_unknown_paths_and_methods_answer_in_mx_shape(http, headers):
    assert_mx_error(http.get("/no/such/thing", headers=headers), 404, 4040)
    r = http.request("PATCH", "/members", headers=headers)
    assert_mx_error(r, 405, 4050)
    assert "GET" in r.headers["Allow"]


def test_an_unknown_member_is_a_404(http, headers):
    assert_mx_error(http.get("/members/MBR-nope", headers=headers), 404, 4040, "Member not found.")


def test_a_bad_page_number_is_a_400(http, headers):
    r = http.post("/institutions/search?page=abc", json={"institution": {"name": ""}}, headers=headers)
    assert_mx_error(r, 400, 4002)
    assert "page" in r.json["error"]["message"]


def test_an_oversized_body_is_a_413_in_mx_shape(config, clock):
    http = FlaskHttp(create_app(replace(config, max_body_bytes=1000), clock=clock))
    headers = open_session(http)
    r = http.post("/members", data="x" * 5000, headers=headers)
    assert_mx_error(r, 413, 4130)


def test_an_overlong_string_is_a_400(http, headers):
    body = {"member": {"institution_guid": "INS-" + "x" * 5000, "credentials": []}}
    assert_mx_error(http.post("/members", json=body, headers=headers), 400, 4002)


def test_mdx_refuses_an_invalid_user_id(http):
    r = http.post(f"/{CLIENT}/users.json", json={"user": {"id": "no spaces please"}}, headers=API_KEY)
    assert_mx_error(r, 400, 4002)
    users = http.get(f"/{CLIENT}/users.json", headers=API_KEY).json["users"]
    assert all(u["id"] != "no spaces please" for u in users)


def test_a_crash_is_a_500_in_mx_shape_without_a_traceback(app, http, headers, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(app.extensions["mocknexus.worlds"].get(CLIENT).emulator, "list_members", boom)
    r = http.get("/members", headers=headers)
    assert_mx_error(r, 500, 5000, "An internal error occurred.")
    assert "secret" not in str(r.json)
