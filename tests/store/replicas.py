"""mocknexus replicas for the team-sandbox tests: real `mocknexus serve --store postgresql://...` processes on free
ports, sharing one database of the tests' own PostgreSQL server. Each replica's output goes to a file the tests
read (no password may appear there)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import requests

from mocknexus.client import open_session
from tests.support import free_port

MX_BANK = "INS-1572a04c-912b-59bf-5841-332c7dfafaef"


class Replica:
    def __init__(self, proc: subprocess.Popen, base: str, log: Path) -> None:
        self.proc = proc
        self.base = base
        self.log = log

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def start_replica(url: str, log_dir: Path, env: dict[str, str] | None = None, *args: str) -> Replica:
    """A replica on a free port, once it answers its health check (started again on another port if the port
    was taken meanwhile by another test's server)."""
    for _ in range(5):
        port = free_port()
        log = log_dir / f"replica-{port}.log"
        argv = [sys.executable, "-m", "mocknexus", "serve", "--port", str(port), "--store", url, *args]
        with log.open("wb") as out:
            proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})})
        base = f"http://127.0.0.1:{port}"
        if _listening(proc, base):
            return Replica(proc, base, log)
    raise AssertionError("replica did not start: " + log.read_text())


def _listening(proc: subprocess.Popen, base: str) -> bool:
    deadline = time.monotonic() + 60
    while proc.poll() is None:  # until it listens (a start-up, not a timing assumption)
        try:
            if requests.get(f"{base}/__admin/health", timeout=2).status_code == 200:
                return proc.poll() is None
        except (requests.ConnectionError, requests.Timeout):
            assert time.monotonic() < deadline, "replica did not start"
            time.sleep(0.05)
    return False


def stop(replica: Replica) -> None:
    if replica.proc.poll() is None:
        replica.proc.terminate()
        try:
            replica.proc.wait(15)
        except subprocess.TimeoutExpired:
            replica.proc.kill()
            replica.proc.wait(10)


@contextmanager
def replicas(url: str, log_dir: Path, count: int, env: dict[str, str] | None = None) -> Iterator[list[Replica]]:
    with ExitStack() as stack:
        started = []
        for _ in range(count):
            replica = start_replica(url, log_dir, env)
            stack.callback(stop, replica)
            started.append(replica)
        yield started


def session(base: str, client_id: str, user_id: str) -> dict[str, str]:
    return open_session(base, user_id=user_id, client_id=client_id).headers


def credentials(base: str, headers: dict, password: str, username: str = "mxuser") -> list[dict]:
    fields = requests.get(f"{base}/institutions/{MX_BANK}/credentials", headers=headers, timeout=10).json()
    values = {"LOGIN": username, "PASSWORD": password}
    return [{"guid": f["guid"], "value": values[f["field_name"]]} for f in fields["credentials"]]
