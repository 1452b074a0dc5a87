"""--state-file: the state outlives the process (even a kill -9 mid-load) and is shared by worker processes."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from mocknexus.client import AdminClient, open_session
from tests.support import free_port

pytestmark = pytest.mark.live

KEY = {"MD-API-KEY": "k"}


def start(argv: list[str], env: dict, port: int) -> subprocess.Popen:
    proc = subprocess.Popen(argv, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/__admin/health", timeout=1).status_code == 200:
                return proc
        except (requests.ConnectionError, requests.Timeout):  # not listening yet, or its workers still booting
            time.sleep(0.05)
    proc.kill()
    raise AssertionError("server did not start")


def serve(state_file: Path, port: int) -> subprocess.Popen:
    argv = [sys.executable, "-m", "mocknexus", "serve", "--port", str(port), "--state-file", str(state_file)]
    return start(argv, {"MOCKNEXUS_JOB_TIME_SCALE": "0"}, port)


def test_a_restart_keeps_users_sessions_members_and_jobs(tmp_path):
    port, state = free_port(), tmp_path / "state.db"
    proc = serve(state, port)
    base = f"http://127.0.0.1:{port}"
    try:
        session = open_session(base, user_id="keeper")
        admin = AdminClient(base)
        admin.advance_clock(42)
        inst = requests.post(
            f"{base}/institutions/search", json={"institution": {"name": "MX Bank"}}, headers=session.headers, timeout=5
        ).json()["institutions"][0]
        creds = requests.get(
            f"{base}/institutions/{inst['guid']}/credentials", headers=session.headers, timeout=5
        ).json()["credentials"]
        values = {"LOGIN": "mxuser", "PASSWORD": "challenge"}
        body = {
            "member": {
                "institution_guid": inst["guid"],
                "credentials": [{"guid": c["guid"], "value": values[c["field_name"]]} for c in creds],
            }
        }
        member = requests.post(f"{base}/members", json=body, headers=session.headers, timeout=5).json()["member"]
        for _ in range(3):
            status = requests.get(f"{base}/members/{member['guid']}", headers=session.headers, timeout=5).json()[
                "member"
            ]["connection_status"]
        assert status == "CHALLENGED"
    finally:
        proc.terminate()
        proc.wait(10)
    proc = serve(state, port)
    try:
        again = requests.get(f"{base}/members/{member['guid']}", headers=session.headers, timeout=5)
        assert again.status_code == 200 and again.json()["member"]["connection_status"] == "CHALLENGED"
        assert requests.get(f"{base}/members/{member['guid']}/challenges", headers=session.headers, timeout=5).json()[
            "challenges"
        ]
        assert requests.get(f"{base}/mocknexus/users/keeper.json", headers=KEY, timeout=5).status_code == 200
        assert AdminClient(base).clock()["now"] > time.strftime("%Y")  # the clock state is kept too
    finally:
        proc.terminate()
        proc.wait(10)


def test_kill_9_in_the_middle_of_writes_loses_no_acknowledged_write(tmp_path):
    port, state = free_port(), tmp_path / "state.db"
    base = f"http://127.0.0.1:{port}"
    proc = serve(state, port)
    acknowledged: list[str] = []
    stop = threading.Event()

    def writer(n: int) -> None:
        i = 0
        while not stop.is_set():
            user_id = f"w{n}-{i}"
            try:
                r = requests.post(f"{base}/c/users.json", json={"user": {"id": user_id}}, headers=KEY, timeout=5)
            except requests.RequestException:
                return  # the server is gone
            if r.status_code == 200:
                acknowledged.append(user_id)
            i += 1

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    while len(acknowledged) < 400:
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)  # mid-load: writers are still sending
    proc.wait(10)
    stop.set()
    for t in threads:
        t.join(10)

    assert sqlite3.connect(state).execute("PRAGMA integrity_check").fetchone() == ("ok",)
    proc = serve(state, port)
    try:
        admin_state = AdminClient(base, client_id="c").state()
        ids = {u["id"] for u in admin_state["users"]}
        missing = [u for u in acknowledged if u not in ids]
        print(
            f"kill -9: {len(acknowledged)} writes acknowledged, {len(acknowledged) - len(missing)} found after restart"
        )
        assert missing == []
        for user_id in acknowledged[:: max(1, len(acknowledged) // 50)]:  # each readable by its id (the index too)
            assert requests.get(f"{base}/c/users/{user_id}.json", headers=KEY, timeout=5).status_code == 200
        # Consistent: the static fixtures intact, every user reachable, nothing half-written.
        assert requests.get(
            f"{base}/members/test_nexus_member/account_numbers", headers={"MD-SESSION-TOKEN": "test_session"}, timeout=5
        ).json()["account_numbers"]
        assert len({u["guid"] for u in admin_state["users"]}) == len(admin_state["users"])
    finally:
        proc.terminate()
        proc.wait(10)


def test_gunicorn_workers_share_one_state(tmp_path):
    port, state = free_port(), tmp_path / "state.db"
    argv = [
        sys.executable,
        "-m",
        "gunicorn",
        "--workers",
        "3",
        "--threads",
        "4",
        "--bind",
        f"127.0.0.1:{port}",
        "mocknexus.wsgi:app",
    ]
    proc = start(argv, {"MOCKNEXUS_STATE_FILE": str(state), "MOCKNEXUS_JOB_TIME_SCALE": "0"}, port)
    base = f"http://127.0.0.1:{port}"
    try:
        pids = set()
        sessions = [open_session(base, user_id=f"g{i}") for i in range(12)]  # each call on a new connection
        for s in sessions:
            r = requests.get(f"{base}/user", headers={**s.headers, "Connection": "close"}, timeout=5)
            assert r.status_code == 200 and r.json()["user"]["external_guid"] == s.user_id
        for _ in range(10):  # concurrent rounds until more than one worker has answered
            with ThreadPoolExecutor(max_workers=12) as pool:
                pids |= set(
                    pool.map(
                        lambda _: requests.get(
                            f"{base}/__admin/health", headers={"Connection": "close"}, timeout=10
                        ).headers["X-Mocknexus-Worker"],
                        range(24),
                    )
                )
            if len(pids) > 1:
                break
        assert len(pids) > 1  # several workers serve (and every /user call above, whichever answered, knew its session)
        AdminClient(base).advance_clock(1801)  # one worker moves the shared clock...
        for s in sessions:  # ...and every worker sees the sessions expired
            r = requests.get(f"{base}/user", headers={**s.headers, "Connection": "close"}, timeout=5)
            assert r.status_code == 401 and r.json()["error"]["code"] == 4011
    finally:
        proc.terminate()
        proc.wait(10)
