"""A threaded live server under many parallel clients: no errors, nothing lost, duplicated or crossed,
and no member ever seen in a state MX could not be in."""

from __future__ import annotations

import random
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import pytest

from mocknexus.app import create_app
from mocknexus.domain.core.statuses import ConnectionStatus, Group
from tests.support import CLIENT, LiveHttp, LiveServer, create_member, open_session

pytestmark = pytest.mark.live

CLIENTS = 200
RUNNING_ONLY = {s.name for s in ConnectionStatus if s.group is Group.PROCESSING} - {"CREATED"}
FAILURES = {s.name for s in ConnectionStatus if s.group is Group.FAILURE}


def impossible(member: dict) -> str | None:
    """Why a member as read could never be so at MX, or None."""
    status, running = member["connection_status"], member["is_being_aggregated"]
    if status == "CHALLENGED" and not running:
        return "CHALLENGED with no job waiting"
    if status in RUNNING_ONLY and not running:
        return f"{status} with no job running"
    if status in FAILURES and running:
        return f"{status} while a job runs"
    if status == "CONNECTED" and not running and not member["successfully_aggregated_at"]:
        return "CONNECTED and done, but never successfully aggregated"
    return None


def one_client(base_url: str) -> tuple[str, str, set[str]]:
    http = LiveHttp(base_url)
    headers = open_session(http)
    member = create_member(http, headers, password="challenge")
    guid = member["guid"]
    assert http.post(f"/members/{guid}/verify", headers=headers).status == 200
    for _ in range(10):  # job_time_scale 0: polls alone move the job
        m = http.get(f"/members/{guid}", headers=headers).json["member"]
        assert impossible(m) is None, m
        if m["connection_status"] == "CHALLENGED":
            break
    [challenge] = http.get(f"/members/{guid}/challenges", headers=headers).json["challenges"]
    body = {"member": {"challenges": [{"guid": challenge["guid"], "value": "correct"}]}}
    assert http.put(f"/members/{guid}/resume", json=body, headers=headers).status == 200
    for _ in range(10):
        m = http.get(f"/members/{guid}", headers=headers).json["member"]
        assert impossible(m) is None, m
        if not m["is_being_aggregated"]:
            break
    assert m["connection_status"] == "CONNECTED", m
    numbers = http.get(f"/members/{guid}/account_numbers", headers=headers).json["account_numbers"]
    assert len(numbers) == 2 and {n["member_guid"] for n in numbers} == {guid}
    listed = {x["guid"] for x in http.get("/members", headers=headers).json["members"]}
    return m["user_guid"], guid, listed


def test_200_parallel_verification_flows(config, clock):
    app = create_app(replace(config, job_time_scale=0), clock=clock)
    with LiveServer(app) as server, ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        results = list(pool.map(lambda _: one_client(server.url), range(CLIENTS)))
        state = LiveHttp(server.url).get(f"/__admin/clients/{CLIENT}/state").json
    assert all(listed == {guid} for _, guid, listed in results)  # each user sees exactly its own member
    users = {u["guid"]: u for u in state["users"]}
    members = {m["guid"]: m for m in state["members"]}
    accounts = state["accounts"]
    assert len(users) == CLIENTS and len(members) == CLIENTS  # MX's static test members are not stored
    for user_guid, guid, _ in results:
        assert users[user_guid]["member_guids"] == [guid]
        member = members[guid]
        assert member["user_guid"] == user_guid and member["connection_status"] == "CONNECTED"
        assert member["job"]["finished_at"] and member["job"]["outcome_applied"]
    per_member = Counter(a["member_guid"] for a in accounts)
    assert all(per_member[guid] == 2 for _, guid, _ in results)
    assert all(a["user_guid"] == members[a["member_guid"]]["user_guid"] for a in accounts)
    assert len({a["guid"] for a in accounts}) == len(accounts)


def test_racing_calls_on_one_member_never_show_an_impossible_state(config, clock):
    app = create_app(replace(config, job_time_scale=0), clock=clock)
    with LiveServer(app) as server:
        http = LiveHttp(server.url)
        headers = open_session(http)
        guid = create_member(http, headers, password="challenge")["guid"]
        seen: list[dict] = []

        def actor(seed: int) -> None:
            rng, client = random.Random(seed), LiveHttp(server.url)
            for _ in range(40):
                action = rng.choice(["read", "read", "verify", "aggregate", "answer", "challenges"])
                if action == "read":
                    seen.append(client.get(f"/members/{guid}", headers=headers).json["member"])
                elif action == "verify":
                    r = client.post(f"/members/{guid}/verify", headers=headers)
                    assert r.status in (200, 202, 409), r.json
                    if r.status != 409:
                        seen.append(r.json["member"])
                elif action == "aggregate":
                    assert client.get(f"/members/{guid}/aggregate", headers=headers).status in (200, 202, 409)
                elif action == "challenges":
                    assert client.get(f"/members/{guid}/challenges", headers=headers).status == 200
                else:
                    listed = client.get(f"/members/{guid}/challenges", headers=headers).json["challenges"]
                    answers = [{"guid": c["guid"], "value": "correct"} for c in listed] or [
                        {"guid": "CRD-x", "value": "x"}
                    ]
                    r = client.put(f"/members/{guid}/resume", json={"member": {"challenges": answers}}, headers=headers)
                    # 400: another thread answered first (stale guids); 405: no longer challenged.
                    assert r.status in (200, 400, 405), r.json
                    if r.status == 200:
                        seen.append(r.json["member"])

        with ThreadPoolExecutor(max_workers=16) as pool:
            list(pool.map(actor, range(16)))
        state = http.get(f"/__admin/clients/{CLIENT}/state").json
    problems = [(impossible(m), m) for m in seen if impossible(m)]
    assert problems == []
    assert len(seen) > 100
    member = next(m for m in state["members"] if m["guid"] == guid)
    job = member["job"]
    assert not job["challenges"] or (member["connection_status"] == "CHALLENGED" and not job["finished_at"])
