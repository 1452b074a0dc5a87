"""Institution search and credentials."""

from __future__ import annotations

import pytest

from tests.support import open_session


@pytest.fixture
def headers(http):
    return open_session(http)


def search(http, headers, query="", **criteria):
    return http.post(f"/institutions/search{query}", json={"institution": criteria}, headers=headers)


def test_an_empty_name_lists_every_institution(http, headers):
    r = search(http, headers, name="")
    assert r.status == 200
    assert {i["code"] for i in r.json["institutions"]} == {
        "mxbank",
        "mx_bank_oauth",  # MX's OAuth test institution
        "mxbank_aggregation_only",
        "scenario_bank",
        "wells_fargo_guide_example",  # the Verification Guide's example institution, with its guids
    }


def test_search_by_name_is_case_insensitive_substring(http, headers):
    assert [i["code"] for i in search(http, headers, name="aggregation ONLY").json["institutions"]] == [
        "mxbank_aggregation_only"
    ]
    assert search(http, headers, name="no such bank").json == {
        "pagination_data": {
            "total_records_found": 0,
            "total_pages": 0,
            "current_page": 1,
            "records_on_current_page": 0,
        },
        "institutions": [],
        "pagination": {"current_page": 1, "per_page": 25, "total_entries": 0, "total_pages": 0},
    }


def test_search_by_url(http, headers):
    found = search(http, headers, url="https://www.mx.com").json["institutions"]
    assert [i["code"] for i in found] == ["mxbank"]


def test_search_filters_by_country(http, headers):
    found = search(http, headers, "?iso_country_code=CA", name="").json["institutions"]
    assert [i["code"] for i in found] == ["mxbank", "scenario_bank"]


def test_search_pages(http, headers):
    r = search(http, headers, "?page=2&per_page=1", name="")
    # Page sizes are clamped into MX's documented 10..1000.
    assert r.json["pagination"] == {"current_page": 2, "per_page": 10, "total_entries": 5, "total_pages": 1}
    assert r.json["institutions"] == []


def test_institution_shape_and_credentials(http, headers):
    bank = search(http, headers, name="MX Bank").json["institutions"][0]
    assert bank["guid"] == "INS-1572a04c-912b-59bf-5841-332c7dfafaef"
    assert bank["iso_country_code"] == ["US", "CA"] and bank["created_at"].endswith("Z")
    assert http.get(f"/institutions/{bank['guid']}", headers=headers).json["institution"] == bank
    creds = http.get(f"/institutions/{bank['guid']}/credentials", headers=headers).json["credentials"]
    assert [(c["field_name"], c["field_type_name"], c["field_type"], c["display_order"]) for c in creds] == [
        ("LOGIN", "LOGIN", 3, 1),
        ("PASSWORD", "PASSWORD", 1, 2),
    ]
    # MX's own guids for MX Bank's credentials (its sample code hard-codes them).
    assert [c["guid"] for c in creds] == [
        "CRD-9f61fb4c-912c-bd1e-b175-ccc7f0275cc1",
        "CRD-e3d7ea81-aac7-05e9-fbdd-4b493c6e474d",
    ]
    assert all(c["guid"].startswith("CRD-") for c in creds)


@pytest.mark.both_stores
def test_credential_guids_are_stable_across_restarts(config, clock):
    from mocknexus.app import create_app
    from tests.support import FlaskHttp

    def guids():
        http = FlaskHttp(create_app(config, clock=clock))
        h = open_session(http)
        bank = search(http, h, name="MX Bank").json["institutions"][0]
        return [c["guid"] for c in http.get(f"/institutions/{bank['guid']}/credentials", headers=h).json["credentials"]]

    assert guids() == guids()


def test_an_unknown_institution_is_404(http, headers):
    assert http.get("/institutions/INS-nope/credentials", headers=headers).status == 404
