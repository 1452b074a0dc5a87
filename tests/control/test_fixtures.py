"""Fixture files: a user's directory merges over the bundled ones; mistakes fail with a precise message."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from mocknexus.app import create_app
from mocknexus.loader import FixtureError, load_catalog
from tests.support import FlaskHttp, create_member, open_session, poll_until_settled

SCENARIO = {"steps": [{"polls": 1}], "end": "LOCKED", "accounts": 0}
BANK = {
    "code": "acme",
    "name": "Acme Credit Union",
    "url": "https://acme.example",
    "credentials": [{"field_name": "username", "label": "Member ID", "type": "LOGIN"}],
    "default_scenario": "connected",
    "scenarios": [{"when": {"username": "locked"}, "scenario": "acme_locked"}],
}


def write(directory: Path, name: str, content) -> Path:
    path = directory / name
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return path


def test_a_user_directory_adds_institutions_and_scenarios(tmp_path, config, clock):
    write(tmp_path, "acme.json", {"version": 1, "institutions": [BANK], "scenarios": {"acme_locked": SCENARIO}})
    http = FlaskHttp(create_app(replace(config, fixtures=str(tmp_path)), clock=clock))
    headers = open_session(http)
    r = http.post("/institutions/search", json={"institution": {"name": "acme"}}, headers=headers)
    [acme] = r.json["institutions"]
    creds = http.get(f"/institutions/{acme['guid']}/credentials", headers=headers).json["credentials"]
    body = {
        "member": {"institution_guid": acme["guid"], "credentials": [{"guid": creds[0]["guid"], "value": "locked"}]}
    }
    member = http.post("/members", json=body, headers=headers).json["member"]
    assert poll_until_settled(http, headers, member["guid"], clock)["connection_status"] == "LOCKED"
    # The bundled institutions are still there.
    assert create_member(http, headers, password="password")["institution_code"] == "mxbank"


def test_yaml_files_load_too(tmp_path):
    write(
        tmp_path,
        "s.yaml",
        "version: 1\nscenarios:\n  slow:\n    steps: [{status: DELAYED, seconds: 60}]\n    end: CONNECTED\n",
    )
    assert load_catalog(tmp_path).scenarios["slow"].steps[0].seconds == 60


@pytest.mark.parametrize(
    "content, message",
    [
        (
            "{oops",
            "f.json: is not valid JSON: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)",
        ),
        ({"institutions": []}, "f.json: version: Missing data for required field."),
        ({"version": 2}, "f.json: version: must be 1"),
        (
            {"version": 1, "scenarios": {"x": {"end": "CONNECTED", "stepz": []}}},
            "f.json: scenarios.x.stepz: Unknown field.",
        ),
        (
            {"version": 1, "scenarios": {"x": {"end": "CHALLENGED"}}},
            "f.json: scenarios.x.end: Must be one of: PREVENTED, DENIED, REJECTED, LOCKED, CONNECTED, IMPEDED, "
            "DEGRADED, DISCONNECTED, DISCONTINUED, CLOSED, FAILED, DISABLED, IMPORTED, EXPIRED, IMPAIRED.",
        ),
        (
            {
                "version": 1,
                "scenarios": {
                    "x": {
                        "end": "CONNECTED",
                        "steps": [{"challenges": [{"type": "OPTIONS", "label": "?", "answer": "a"}]}],
                    }
                },
            },
            "f.json: scenarios.x.steps.0.challenges.0.options: a OPTIONS challenge needs a non-empty 'options' list",
        ),
        (
            {"version": 1, "institutions": [{**BANK, "scenarios": [{"when": {"pin": "1"}, "scenario": "connected"}]}]},
            "f.json: institutions.0.scenarios.0.when: rule names credential field(s) pin, which the institution does not have",
        ),
        (
            {
                "version": 1,
                "scenarios": {
                    "x": {
                        "end": "CONNECTED",
                        "steps": [{"challenges": [{"type": "TEXT", "label": "?", "answer": "a"}], "next": "nowhere"}],
                    }
                },
            },
            "f.json: scenarios.x.steps.0.next: 'nowhere' is neither a step name of this scenario nor an end status or 'retry'",
        ),
    ],
)
def test_bad_fixture_files_name_the_file_the_place_and_the_fault(tmp_path, content, message):
    write(tmp_path, "f.json", content)
    with pytest.raises(FixtureError) as caught:
        load_catalog(tmp_path)
    assert str(caught.value) == f"{tmp_path}/{message}"


def test_an_institution_naming_an_unknown_scenario_fails_after_merging(tmp_path):
    write(tmp_path, "f.json", {"version": 1, "institutions": [BANK]})
    with pytest.raises(FixtureError, match=r"institution acme: scenarios.0.scenario: unknown scenario 'acme_locked'"):
        load_catalog(tmp_path)
