"""16 isolated test runs in parallel against one live server, as 16 CI workers sharing one container.

Each run has its own client id and does everything that used to break a shared server: it creates the same
user ids as every other run, advances its own clock past session expiry, injects faults on its own paths,
resets itself repeatedly, and runs full verification flows (MFA included). Every call's answer is checked
exactly, so a fault, a clock move or a reset leaking from another run would be an error here.

About 4 s on the memory store and 12 s on SQLite (2 CPUs): some 2,000 calls, every write taking SQLite's lock.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace

import pytest

from mocknexus.app import create_app
from mocknexus.client import AdminClient
from tests.support import API_KEY, LiveHttp, LiveServer, session_headers

pytestmark = pytest.mark.live

RUNS = 16
ROUNDS = 3
USER_IDS = ("user-1", "user-2")  # the same in every run


@dataclass
class Run:
    """One test run: its client id, its HTTP client, and what it has called since its last reset."""

    client_id: str
    http: LiveHttp
    admin: AdminClient
    calls: int = 0
    members: list[str] = field(default_factory=list)

    def call(self, method: str, path: str, status: int = 200, **kw) -> dict:
        r = self.http.request(method, path, **kw)
        self.calls += 1
        assert r.status == status, (self.client_id, method, path, r.status, r.json)
        return r.json

    def reset(self) -> None:
        self.admin.reset()
        self.calls, self.members = 0, []

    def session(self, user_id: str) -> dict:
        token = self.call("GET", f"/{self.client_id}/users/{user_id}/api_token.json", headers=API_KEY)
        opened = self.call(
            "POST", "/sessions", json={"session": {"skip_aggregation": True}},
            headers={"MD-API-TOKEN": token["api_token"]["token"]},
        )  # fmt: skip
        return session_headers(opened["session"]["token"])


def verification_flow(run: Run, headers: dict) -> None:
    """Search, credentials, member, verify, MFA (waited for on the server), answer, account numbers."""
    found = run.call("POST", "/institutions/search", json={"institution": {"name": "MX Bank"}}, headers=headers)
    institution = next(i for i in found["institutions"] if i["name"] == "MX Bank")["guid"]
    creds = run.call("GET", f"/institutions/{institution}/credentials", headers=headers)["credentials"]
    values = {"LOGIN": "mxuser", "PASSWORD": "challenge"}
    body = {"member": {"institution_guid": institution, "skip_aggregation": True,
                       "credentials": [{"guid": c["guid"], "value": values[c["field_name"]]} for c in creds]}}  # fmt: skip
    guid = run.call("POST", "/members", json=body, headers=headers)["member"]["guid"]
    run.members.append(guid)
    run.call("POST", f"/members/{guid}/verify", headers=headers)
    assert run.admin.wait_for_member(guid, "CHALLENGED", timeout=30)["connection_status"] == "CHALLENGED"
    [challenge] = run.call("GET", f"/members/{guid}/challenges", headers=headers)["challenges"]
    answer = {"member": {"challenges": [{"guid": challenge["guid"], "value": "correct"}]}}
    run.call("PUT", f"/members/{guid}/resume", json=answer, headers=headers)
    while run.call("GET", f"/members/{guid}", headers=headers)["member"]["is_being_aggregated"]:
        pass
    numbers = run.call("GET", f"/members/{guid}/account_numbers", headers=headers)["account_numbers"]
    assert numbers and {n["member_guid"] for n in numbers} == {guid}


def one_run(url: str, n: int) -> Run:
    client_id = f"run-{n}"
    run = Run(client_id, LiveHttp(url), AdminClient(url, client_id=client_id))
    for round_ in range(ROUNDS):
        run.reset()
        for user_id in USER_IDS:  # a 409 here would be another run's user
            run.call("POST", f"/{client_id}/users.json", json={"user": {"id": user_id}}, headers=API_KEY)
        headers = run.session("user-1")
        # A fault on this run's own path: its next call fails, the one after does not.
        run.admin.add_fault("/user", status=503, count=1)
        run.call("GET", "/user", headers=headers, status=503)
        run.call("GET", "/user", headers=headers)
        verification_flow(run, headers)
        # Past this run's session expiry; then a new session carries on.
        run.admin.advance_clock(1801)
        assert run.call("GET", "/members", headers=headers, status=401)["error"]["code"] == 4011
        headers = run.session("user-1")
        if round_ == ROUNDS - 1:
            verification_flow(run, run.session("user-2"))
        listed = run.call("GET", "/members", headers=headers)["members"]
        assert [m["guid"] for m in listed] == run.members[:1]
    return run


def test_16_isolated_runs_in_parallel_against_one_server(config, clock):
    app = create_app(replace(config, job_time_scale=0), clock=clock)
    with LiveServer(app) as server, ThreadPoolExecutor(max_workers=RUNS) as pool:
        runs = list(pool.map(lambda n: one_run(server.url, n), range(RUNS)))  # any error raises here
        admin = AdminClient(server.url)
        for run in runs:  # 0 cross-talk: each client's final state and journal hold exactly its own records
            state = run.admin.state()
            assert state["client_id"] == run.client_id
            assert sorted(u["id"] for u in state["users"]) == list(USER_IDS)
            assert sorted(m["guid"] for m in state["members"]) == sorted(run.members)
            assert {a["member_guid"] for a in state["accounts"]} == set(run.members)
            journal = run.admin.requests()
            assert len(journal) == run.calls
            assert {e["client_id"] for e in journal} == {run.client_id}
            assert [e["id"] for e in admin.requests(client_id=run.client_id)] == [e["id"] for e in journal]
            assert run.admin.clock()["now"] == "2026-01-01T12:30:01+00:00"  # one advance since its last reset
        assert {c["client_id"] for c in admin.clients()} == {run.client_id for run in runs}
        assert admin.clock()["now"] == "2026-01-01T12:00:00+00:00"  # the server's clock never moved


def test_whole_server_resets_in_the_middle_of_traffic_never_hang_or_crash(config, clock):
    """Resets drop every client's world while other threads are inside those worlds' transactions (indexing
    tokens in the root store): every call still answers, in MX's shape, and nothing deadlocks."""
    app = create_app(replace(config, job_time_scale=0), clock=clock)
    with LiveServer(app) as server:
        statuses: list[int] = []

        def traffic(n: int) -> None:
            http = LiveHttp(server.url)
            for i in range(15):
                client = f"busy-{n % 4}"
                r = http.post(f"/{client}/users.json", json={"user": {"id": f"u{n}-{i}"}}, headers=API_KEY)
                token = http.get(f"/{client}/users/u{n}-{i}/api_token.json", headers=API_KEY)
                statuses.extend([r.status, token.status])
                if token.status == 200:
                    opened = http.post("/sessions", headers={"MD-API-TOKEN": token.json["api_token"]["token"]})
                    statuses.append(opened.status)

        def resets() -> None:
            admin = AdminClient(server.url)
            for _ in range(20):
                admin.reset()

        with ThreadPoolExecutor(max_workers=9) as pool:
            done = [pool.submit(traffic, n) for n in range(8)] + [pool.submit(resets)]
            for future in done:
                future.result(timeout=120)  # a deadlock would time out here
    assert statuses and set(statuses) <= {200, 401, 404}  # a reset may forget a user or token mid-flow
