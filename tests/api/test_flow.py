"""The whole verification flow, as a client written against MX runs it, over both transports."""

from __future__ import annotations

import pytest

from mocknexus.domain.core.datagen import is_valid_aba
from tests.support import API_KEY, CLIENT, FlaskHttp, LiveHttp, LiveServer, session_headers

# The main flow is the end-to-end check that the SQLite store serves what the memory store serves.
pytestmark = pytest.mark.both_stores


def run_full_flow(http, clock) -> dict:
    # 1. MDX Real Time: create the user.
    r = http.post(
        f"/{CLIENT}/users.json", json={"user": {"id": "partner-42", "email": "p42@example.com"}}, headers=API_KEY
    )
    assert r.status == 200
    assert r.json["user"]["id"] == "partner-42" and r.json["user"]["guid"].startswith("USR-")
    assert r.content_type.startswith("application/vnd.moneydesktop.mdx.v5+json")

    # 2. SSO: a one-time api_token.
    r = http.get(f"/{CLIENT}/users/partner-42/api_token.json", headers=API_KEY)
    assert r.status == 200
    api_token = r.json["api_token"]["token"]

    # 3. Nexus session, api_token in the MD-API-TOKEN header as MX's clients send it.
    r = http.post("/sessions", json={"session": {"skip_aggregation": True}}, headers={"MD-API-TOKEN": api_token})
    assert r.status == 200
    assert r.content_type.startswith("application/vnd.mx.nexus.v1+json")
    headers = session_headers(r.json["session"]["token"])

    # 4. Search institutions.
    r = http.post(
        "/institutions/search?page=1&records_per_page=10", json={"institution": {"name": "MX Bank"}}, headers=headers
    )
    assert r.status == 200
    assert r.json["pagination"] == {"current_page": 1, "per_page": 10, "total_entries": 3, "total_pages": 1}
    bank = next(i for i in r.json["institutions"] if i["code"] == "mxbank")
    assert bank["supports_account_verification"] is True

    # 5. Its credentials.
    r = http.get(f"/institutions/{bank['guid']}/credentials", headers=headers)
    assert r.status == 200
    creds = {c["field_name"]: c for c in r.json["credentials"]}
    assert set(creds) == {"LOGIN", "PASSWORD"}

    # 6. Create the member without aggregating; the password "challenge" asks one TEXT question.
    body = {
        "member": {
            "institution_guid": bank["guid"],
            "credentials": [
                {"guid": creds["LOGIN"]["guid"], "value": "mxuser"},
                {"guid": creds["PASSWORD"]["guid"], "value": "challenge"},
            ],
            "skip_aggregation": True,
        }
    }
    r = http.post("/members", json=body, headers=headers)
    assert r.status == 200
    member = r.json["member"]
    assert member["guid"].startswith("MBR-")
    assert member["connection_status"] == "CREATED" and member["is_being_aggregated"] is False
    guid = member["guid"]

    # 7. Verify; the job is running, and the first poll still shows it running.
    r = http.post(f"/members/{guid}/verify", headers=headers)
    assert r.status == 200
    assert r.json["member"]["is_being_aggregated"] is True
    assert r.json["member"]["most_recent_job_guid"].startswith("JOB-")
    first = http.get(f"/members/{guid}", headers=headers).json["member"]
    assert first["is_being_aggregated"] is True and first["connection_status"] != "CHALLENGED"
    assert http.get(f"/members/{guid}/account_numbers", headers=headers).json == {"account_numbers": []}

    # 8. Poll until challenged.
    for _ in range(10):
        clock.advance(3)
        member = http.get(f"/members/{guid}", headers=headers).json["member"]
        if member["connection_status"] == "CHALLENGED":
            break
    assert member["connection_status"] == "CHALLENGED" and member["is_being_aggregated"] is True
    assert member["connection_status_id"] == 3

    # 9. List the challenges.
    r = http.get(f"/members/{guid}/challenges", headers=headers)
    assert r.status == 200
    [challenge] = r.json["challenges"]
    assert challenge["type"] == "TEXT" and challenge["guid"].startswith("CRD-") and challenge["label"]
    assert "answer" not in challenge

    # 10. Answer by updating the member.
    r = http.put(
        f"/members/{guid}",
        json={"member": {"challenges": [{"guid": challenge["guid"], "value": "correct"}]}},
        headers=headers,
    )
    assert r.status == 200
    assert r.json["member"]["connection_status"] == "RESUMED" and r.json["member"]["is_being_aggregated"] is True

    # 11. Poll until done.
    for _ in range(10):
        clock.advance(3)
        member = http.get(f"/members/{guid}", headers=headers).json["member"]
        if not member["is_being_aggregated"]:
            break
    assert member["connection_status"] == "CONNECTED" and member["is_being_aggregated"] is False
    assert member["successfully_aggregated_at"] is not None

    # 12. Account numbers.
    r = http.get(f"/members/{guid}/account_numbers", headers=headers)
    assert r.status == 200
    numbers = r.json["account_numbers"]
    assert len(numbers) == 2
    for n in numbers:
        assert n["member_guid"] == guid and n["account_guid"].startswith("ACT-")
        assert is_valid_aba(n["routing_number"]) and n["account_number"].isdigit()
        assert n["passed_validation"] is True
    one = http.get(f"/accounts/{numbers[0]['account_guid']}/account_number", headers=headers).json
    assert one == {"account_numbers": [numbers[0]]}
    return {"numbers": numbers}


def test_full_flow_through_the_flask_test_client(app, clock):
    run_full_flow(FlaskHttp(app), clock)


@pytest.mark.live
def test_full_flow_against_a_live_server(app, clock):
    with LiveServer(app) as server:
        run_full_flow(LiveHttp(server.url), clock)


@pytest.mark.parametrize("seed, same", [(7, True), (8, False)])
def test_the_same_seed_gives_the_same_data(config, clock, seed, same, request):
    from dataclasses import replace

    from mocknexus.app import create_app

    first = run_full_flow(FlaskHttp(create_app(config, clock=clock)), clock)["numbers"]
    other = replace(config, seed=seed, state_file=config.state_file and config.state_file + ".second")
    if config.store.startswith("postgresql://"):  # the second server's own database
        other = replace(
            other, store=request.getfixturevalue("postgres_server").create_database(f"second_{seed}_{id(other)}")
        )
    second = run_full_flow(FlaskHttp(create_app(other, clock=clock)), clock)["numbers"]
    strip = [(n["account_number"], n["routing_number"]) for n in first]
    again = [(n["account_number"], n["routing_number"]) for n in second]
    assert (strip == again) is same
