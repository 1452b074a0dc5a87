"""A team sandbox's faults, on real processes and a real PostgreSQL: a replica killed with -9 mid-flow loses
nothing and the other carries on; PostgreSQL restarting makes replicas answer MX's 503 (and their health check
503) meanwhile and recover by themselves; a database unreachable at start is a clear error naming the URL
without its password; the password shows nowhere (output, journal, inspector, control plane)."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time

import pytest
import requests

from mocknexus.client import AdminClient
from mocknexus.store.base import StoreUnavailable
from mocknexus.store.postgres import PostgresStore
from tests.postgres_server import PostgresServer
from tests.store.replicas import credentials, replicas, session, start_replica, stop
from tests.store.test_store_contract import decode, encode
from tests.support import free_port

pytestmark = [pytest.mark.live, pytest.mark.xdist_group("postgres_faults")]

KEY = {"MD-API-KEY": "k"}
MX_BANK = "INS-1572a04c-912b-59bf-5841-332c7dfafaef"
POLLS = {"MOCKNEXUS_JOB_TIME_SCALE": "0"}


def test_kill_9_of_a_replica_mid_flow_loses_nothing_and_the_other_carries_on(postgres_url, tmp_path):
    with replicas(postgres_url, tmp_path, 2, POLLS) as (one, two):
        auth = session(one.base, "k9", "flow")
        body = {"member": {"institution_guid": MX_BANK, "credentials": credentials(one.base, auth, "challenge")}}
        member = requests.post(f"{one.base}/members", json=body, headers=auth, timeout=10).json()["member"]["guid"]
        acknowledged: list[str] = []
        stop_writing = threading.Event()

        def writer(n: int) -> None:
            for i in range(10_000):
                if stop_writing.is_set():
                    return
                user_id = f"w{n}-{i}"
                try:
                    r = requests.post(
                        f"{one.base}/k9/users.json", json={"user": {"id": user_id}}, headers=KEY, timeout=10
                    )
                except requests.RequestException:
                    return  # the replica is gone
                if r.status_code == 200:
                    acknowledged.append(user_id)

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
        for t in threads:
            t.start()
        while len(acknowledged) < 150:
            time.sleep(0.01)
        one.proc.send_signal(signal.SIGKILL)  # mid-load: its writers are still sending
        one.proc.wait(10)
        stop_writing.set()
        for t in threads:
            t.join(30)

        ids = {u["id"] for u in AdminClient(two.base, client_id="k9").state()["users"]}
        missing = [u for u in acknowledged if u not in ids]
        print(
            f"kill -9: {len(acknowledged)} writes acknowledged by the killed replica, all {len(acknowledged) - len(missing)} found on the other"
        )
        assert missing == []
        # The flow begun on the killed replica goes on on the other: its session, its member, its job.
        status = ""
        for _ in range(10):
            status = requests.get(f"{two.base}/members/{member}", headers=auth, timeout=10).json()["member"][
                "connection_status"
            ]
            if status == "CHALLENGED":
                break
        assert status == "CHALLENGED"
        challenge = requests.get(f"{two.base}/members/{member}/challenges", headers=auth, timeout=10).json()[
            "challenges"
        ][0]
        answer = {"member": {"challenges": [{"guid": challenge["guid"], "value": "correct"}]}}
        assert (
            requests.put(f"{two.base}/members/{member}/resume", json=answer, headers=auth, timeout=10).status_code
            == 200
        )
        assert (
            AdminClient(two.base, client_id="k9").wait_for_member(member, "END", timeout=30)["connection_status"]
            == "CONNECTED"
        )
        assert (
            requests.post(
                f"{two.base}/k9/users.json", json={"user": {"id": "after"}}, headers=KEY, timeout=10
            ).status_code
            == 200
        )


def test_postgres_restarting_is_503s_meanwhile_then_replicas_recover_by_themselves(tmp_path):
    server = PostgresServer().init().start()  # its own server: this test stops it
    try:
        url = server.create_database("sandbox")
        with replicas(url, tmp_path, 2, POLLS) as (one, two):
            auth = session(one.base, "pgr", "before")
            server.stop("fast")
            for base in (one.base, two.base):
                down = requests.post(f"{base}/pgr/users.json", json={"user": {"id": "during"}}, headers=KEY, timeout=30)
                assert down.status_code == 503, down.text
                assert down.json()["error"]["code"] == 5030  # MX's error shape
                read = requests.get(f"{base}/members", headers=auth, timeout=30)
                assert read.status_code == 503 and read.json()["error"]["code"] == 5030
                health = requests.get(f"{base}/__admin/health", timeout=30)
                assert health.status_code == 503 and health.json()["store"]["answers"] is False
                assert health.json()["store"]["kind"] == "postgresql"
            server.start()
            for base in (one.base, two.base):  # no restart of the replicas: they reconnect on their own
                deadline = time.monotonic() + 60
                while requests.get(f"{base}/__admin/health", timeout=30).status_code != 200:
                    assert time.monotonic() < deadline, "the replica did not recover"
                    time.sleep(0.1)
                assert (
                    requests.get(f"{base}/members", headers=auth, timeout=30).status_code == 200
                )  # the session survived
            created = requests.post(
                f"{two.base}/pgr/users.json", json={"user": {"id": "after"}}, headers=KEY, timeout=30
            )
            assert created.status_code == 200
            assert one.proc.poll() is None and two.proc.poll() is None  # neither crashed
            # The password appears nowhere: not in either replica's output (the outage's log lines included),
            # nor in what the control plane, the journal or the inspector show.
            shown = [
                requests.get(f"{one.base}{path}", timeout=30).text
                for path in (
                    "/__admin/health",
                    "/__admin/state",
                    "/__admin/requests?limit=500",
                    "/__admin/clients",
                    "/__admin/ui",
                )
            ]
            for text in [one.output(), two.output(), *shown]:
                assert server.password not in text
            assert "postgresql://postgres@127.0.0.1" in one.output()  # the outage was logged, naming the store
            assert "Traceback" not in one.output() + two.output()
    finally:
        server.close()


def test_connections_made_after_a_database_restart_have_the_statements_prepared_again():
    """A store's statements are prepared on each connection (store/postgres_prepared.py); those the pool makes
    after PostgreSQL restarted have none until prepared again, at their first use."""
    server = PostgresServer().init().start()  # its own server: this test stops it
    try:
        store = PostgresStore(server.create_database("prepared"), encode, decode)
        world = store.partition("client:a")

        def every_kind_of_statement(value: int) -> None:
            with world.scope(optimistic=True), world.transaction():  # a lone read, a commit with its check
                world.get("users", "u")
                world.put("users", "u", value)
            with world.transaction():  # a world's lock with the read, a commit with it
                world.put("users", "v", world.get("users", "u"))
            world.delete("users", "gone")

        try:
            every_kind_of_statement(1)
            server.stop("fast")
            server.start()
            deadline = time.monotonic() + 60
            while True:  # the first use of a pooled connection may find it dead: a 503, then a new one
                try:
                    every_kind_of_statement(2)
                    break
                except StoreUnavailable:
                    assert time.monotonic() < deadline, "the store did not recover"
                    time.sleep(0.1)
            with world.scope():
                assert (world.get("users", "u"), world.get("users", "v")) == (2, 2)
        finally:
            store.close()
    finally:
        server.close()


def test_an_unreachable_database_at_start_is_a_clear_error_without_the_password(tmp_path):
    port = free_port()  # nobody listens there
    url = f"postgresql://sandbox:s3cret-word@127.0.0.1:{port}/team"
    out = subprocess.run(
        [sys.executable, "-m", "mocknexus", "serve", "--port", str(free_port()), "--store", url],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert out.returncode == 2
    assert f"cannot reach PostgreSQL at postgresql://sandbox@127.0.0.1:{port}/team" in out.stderr
    assert "s3cret-word" not in out.stderr + out.stdout
    assert "Traceback" not in out.stderr


def test_a_wrong_password_is_refused_at_start_without_showing_it(postgres_server, tmp_path):
    url = postgres_server.url().replace(postgres_server.password, "not-the-password")
    out = subprocess.run(
        [sys.executable, "-m", "mocknexus", "serve", "--port", str(free_port()), "--store", url],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert out.returncode == 2
    assert "password authentication failed" in out.stderr
    assert "not-the-password" not in out.stderr and postgres_server.password not in out.stderr


def test_health_names_the_store_and_times_its_answer(postgres_url, tmp_path):
    replica = start_replica(postgres_url, tmp_path)
    try:
        health = requests.get(f"{replica.base}/__admin/health", timeout=10).json()
        assert health["status"] == "ok"
        store = health["store"]
        assert store["kind"] == "postgresql" and store["answers"] is True and store["latency_ms"] >= 0
        assert store["location"].startswith("postgresql://postgres@127.0.0.1:") and ":pw-" not in store["location"]
    finally:
        stop(replica)
