"""Memory bounded by bytes (issue 21, point 2): the journal keeps a prefix of each body and says it was cut,
every journal shares one byte budget, and a flood of refused 1 MB requests leaves the server's memory flat."""

from __future__ import annotations

import json
from pathlib import Path

import requests

from mocknexus.app import create_app
from mocknexus.config import Config
from mocknexus.control import server_journal
from tests.serving.image_server import ImageServer
from tests.support import API_KEY, CLIENT, FlaskHttp


def _journal(http, client: str = CLIENT) -> list[dict]:
    return http.get(f"/__admin/clients/{client}/requests").json["requests"]


def test_a_long_body_is_kept_as_a_prefix_that_says_it_was_cut_with_secrets_masked(clock):
    http = FlaskHttp(create_app(Config(journal_body_bytes=120), clock=clock))
    body = {"user": {"id": "cut-user", "password": "hunter2-secret", "metadata": "x" * 5000}}
    r = http.post(f"/{CLIENT}/users.json", json=body, headers=API_KEY)
    assert r.status == 200
    [entry] = _journal(http)
    shown = entry["body"]
    size = len(json.dumps(body).encode())
    assert isinstance(shown, str) and shown.startswith(f"<{size} bytes of application/json, cut to the first 120>")
    assert "cut-user" in shown and "hunter2" not in shown and '"password": "****"' in shown
    assert len(shown) < 250
    # A short body is kept whole, as before.
    http.post(f"/{CLIENT}/users.json", json={"user": {"id": "short"}}, headers=API_KEY)
    assert _journal(http)[0]["body"] == {"user": {"id": "short"}}


def test_every_journal_shares_one_byte_budget_oldest_first(clock):
    from mocknexus.control.journal_entry import ENTRY_OVERHEAD

    budget = 200_000
    app = create_app(Config(journal_bytes=budget, journal_body_bytes=4096), clock=clock)
    http = FlaskHttp(app)
    clients = ["c-a", "c-b", "c-c"]
    for client in clients:  # worlds with state: their own journals
        assert http.post(f"/{client}/users.json", json={"user": {"id": "u"}}, headers=API_KEY).status == 200
    for i in range(150):
        client = clients[i % 3] if i % 2 else f"refused-{i}"  # half to the worlds, half refused before any
        headers = {**API_KEY, "Content-Type": "application/json"}
        assert http.post(f"/{client}/users.json", data=b"{" + b"x" * 6000, headers=headers).status == 400
    # Refused requests created no state: no world for the refused-* ids, yet they are journaled.
    listed = {c["client_id"] for c in http.get("/__admin/clients").json["clients"]}
    assert listed == set(clients)
    kept = http.get("/__admin/requests?limit=1000").json["requests"]
    assert any(e["client_id"].startswith("refused-") for e in kept)
    # Each entry holds about 4 KiB of body plus its overhead: the budget keeps some 40 of 153, across journals.
    assert 20 <= len(kept) <= budget // 4096
    ids = sorted(e["id"] for e in kept)
    everything = server_journal.journal_matching(app.extensions["mocknexus.worlds"])
    assert ids[-1] == max(e.id for e in everything)  # the newest are the ones kept
    assert ids == list(range(ids[0], ids[0] + len(ids)))  # and they are the most recent, across journals
    assert sum(e.footprint for e in everything) <= budget
    assert all(e.footprint >= ENTRY_OVERHEAD for e in everything)


def _rss_kib(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:")))


def test_a_flood_of_refused_one_megabyte_requests_leaves_memory_flat():
    with ImageServer() as server, requests.Session() as session:
        body = b"{" + b"x" * 1_000_000  # not JSON: every one is refused (400)
        headers = {**API_KEY, "Content-Type": "application/json"}

        def flood(n: int) -> None:
            for _ in range(n):
                r = session.post(f"{server.url}/{CLIENT}/users.json", data=body, headers=headers, timeout=30)
                assert r.status_code == 400

        flood(20)  # warm up: allocator pools, buffers
        before = _rss_kib(server.proc.pid)
        flood(300)
        grown_mib = (_rss_kib(server.proc.pid) - before) / 1024
        assert grown_mib < 40, f"RSS grew {grown_mib:.0f} MiB over 300 refused 1 MB requests"
        entries = session.get(f"{server.url}/__admin/requests?limit=5", timeout=10).json()["requests"]
        assert entries and "cut to the first" in str(entries[0]["body"])


def test_the_mdx_user_list_is_paginated_as_mx_pages_its_lists(http):
    for i in range(60):
        http.post(f"/{CLIENT}/users.json", json={"user": {"id": f"u{i:03d}"}}, headers=API_KEY)
    first = http.get(f"/{CLIENT}/users.json", headers=API_KEY).json
    assert len(first["users"]) == 25
    assert first["pagination"] == {"current_page": 1, "per_page": 25, "total_entries": 60, "total_pages": 3}
    last = http.get(f"/{CLIENT}/users.json?page=3&records_per_page=25", headers=API_KEY).json
    assert [u["id"] for u in last["users"]] == [f"u{i:03d}" for i in range(50, 60)]
    big = http.get(f"/{CLIENT}/users.json?records_per_page=5000", headers=API_KEY).json
    assert len(big["users"]) == 60 and big["pagination"]["per_page"] == 1000  # clamped to MX's 1000
    assert http.get(f"/{CLIENT}/users.json?page=zero", headers=API_KEY).status == 400
    xml = http.client.get(f"/{CLIENT}/users.xml?page=2", headers=API_KEY)
    assert xml.status_code == 200 and xml.data.count(b"<user>") == 25 and b"<id>u025</id>" in xml.data
