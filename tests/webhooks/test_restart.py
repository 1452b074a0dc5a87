"""Webhooks over a state file: pending deliveries survive kill -9 and go out after a restart; two worker
processes on one state file send each delivery once. Real `mocknexus serve` processes and a real receiver."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

from mocknexus.client import AdminClient, open_session
from mocknexus.webhook_receiver import WebhookReceiver
from tests.support import CLIENT, free_port

pytestmark = [pytest.mark.live, pytest.mark.xdist_group("webhooks_restart")]


@contextmanager
def serving(state: Path) -> Iterator[tuple[subprocess.Popen, str]]:
    """`mocknexus serve` on the state file, on a free port. The server must be ours: one that exits at once
    (its port taken meanwhile by another test's server) is started again on another port, instead of the
    health check finding the other server."""
    for _ in range(5):
        port = free_port()
        argv = [sys.executable, "-m", "mocknexus", "serve", "--port", str(port), "--state-file", str(state)]
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        if _listening(proc, base):
            break
    else:
        raise AssertionError("server did not start")
    try:
        yield proc, base
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(10)


def _listening(proc: subprocess.Popen, base: str) -> bool:
    deadline = time.monotonic() + 30
    while proc.poll() is None:  # until it listens (a start-up, not a timing assumption)
        try:
            if requests.get(f"{base}/__admin/health", timeout=1).status_code == 200:
                return proc.poll() is None
        except (requests.ConnectionError, requests.Timeout):
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.05)
    return False


def members(base: str, count: int) -> list[str]:
    """`count` members of one user of CLIENT (no aggregation: one MEMBER created webhook each)."""
    session = open_session(base, client_id=CLIENT)
    guids = []
    for i in range(count):
        body = {"member": {"institution_guid": "INS-1572a04c-912b-59bf-5841-332c7dfafaef", "skip_aggregation": True,
                           "credentials": _credentials(base, session.headers, f"user{i}")}}  # fmt: skip
        r = requests.post(f"{base}/members", json=body, headers=session.headers, timeout=10)
        assert r.status_code == 200, r.text
        guids.append(r.json()["member"]["guid"])
    return guids


def _credentials(base: str, headers: dict, username: str) -> list[dict]:
    url = f"{base}/institutions/INS-1572a04c-912b-59bf-5841-332c7dfafaef/credentials"
    fields = requests.get(url, headers=headers, timeout=10).json()["credentials"]
    values = {"LOGIN": username, "PASSWORD": "password"}
    return [{"guid": f["guid"], "value": values[f["field_name"]]} for f in fields]


def test_pending_deliveries_survive_kill_9_and_go_out_after_a_restart(tmp_path):
    state = tmp_path / "state.db"
    with WebhookReceiver() as receiver:
        receiver.respond_with(500)  # the partner is down: every delivery waits for a retry
        with serving(state) as (first, base):
            admin = AdminClient(base, client_id=CLIENT)
            admin.configure_webhooks(receiver.url)
            guids = members(base, 3)
            pending = admin.wait_for_deliveries(type="MEMBER", status="pending", attempts=1, count=3, timeout=20)
            assert {d["member_guid"] for d in pending} == set(guids)
            os.kill(first.pid, signal.SIGKILL)
            first.wait(10)
        receiver.respond_with(204)  # the partner is back
        with serving(state) as (_, base):
            admin = AdminClient(base, client_id=CLIENT)
            admin.advance_clock(20)  # the first retry falls due
            for guid in guids:
                receiver.wait_for("MEMBER", guid, timeout=20)
            done = admin.wait_for_deliveries(type="MEMBER", status="delivered", count=3, timeout=20)
            assert all([a["status_code"] for a in d["attempts"]] == [500, 204] for d in done)


def test_two_workers_on_one_state_file_send_each_delivery_once(tmp_path):
    state = tmp_path / "state.db"
    with WebhookReceiver() as receiver, serving(state) as (_, one), serving(state) as (_, two):
        AdminClient(one, client_id=CLIENT).configure_webhooks(receiver.url)  # the other worker learns it from the store
        guids = members(one, 6) + members(two, 6)
        done = AdminClient(two, client_id=CLIENT).wait_for_deliveries(
            type="MEMBER", status="delivered", count=12, timeout=30
        )
        assert all(len(d["attempts"]) == 1 for d in done)
        for guid in guids:
            receiver.wait_for("MEMBER", guid, timeout=20)
        received = receiver.of_type("MEMBER", accepted_only=False)
        assert sorted(w.member_guid for w in received) == sorted(guids)  # once each, whichever worker sent it
