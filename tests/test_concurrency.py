"""A threaded live server under parallel clients: no errors, and no record lost or crossed between users."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

from mocknexus.app import create_app
from tests.support import LiveHttp, LiveServer, create_member, open_session

CLIENTS = 24


def one_client(base_url: str, index: int) -> tuple[str, set[str]]:
    http = LiveHttp(base_url)
    headers = open_session(http)
    member = create_member(http, headers, password="password")
    assert http.post(f"/members/{member['guid']}/verify", headers=headers).status == 200
    for _ in range(10):  # job_time_scale 0: polls alone move the job
        m = http.get(f"/members/{member['guid']}", headers=headers).json["member"]
        assert not (m["connection_status"] != "CONNECTED" and m["successfully_aggregated_at"]), m
        if not m["is_being_aggregated"]:
            break
    assert m["connection_status"] == "CONNECTED", m
    numbers = http.get(f"/members/{member['guid']}/account_numbers", headers=headers).json["account_numbers"]
    assert numbers and {n["member_guid"] for n in numbers} == {member["guid"]}
    listed = {x["guid"] for x in http.get("/members", headers=headers).json["members"]}
    return member["guid"], listed


def test_parallel_flows_on_a_threaded_server(config, clock):
    app = create_app(replace(config, job_time_scale=0), clock=clock)
    with LiveServer(app) as server, ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        results = list(pool.map(lambda i: one_client(server.url, i), range(CLIENTS)))
    guids = [guid for guid, _ in results]
    assert len(set(guids)) == CLIENTS
    assert all(listed == {guid} for guid, listed in results)  # each user sees exactly its own member
