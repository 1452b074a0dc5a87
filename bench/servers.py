"""Server processes on loopback for the benchmark: started, timed to their first 200, measured, stopped.

Every candidate is started as a separate process with the command a user (or the image) would run.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
# What the image ran before waitress: gunicorn, one process (the state is in memory), 8 threads.
GUNICORN_GTHREAD = ["-m", "gunicorn", "--workers", "1", "--threads", "8", "--bind", "127.0.0.1:{port}"]
GUNICORN_GEVENT = ["-m", "gunicorn", "--workers", "1", "--worker-class", "gevent", "--worker-connections", "1000",
                   "--bind", "127.0.0.1:{port}"]  # fmt: skip

# name -> argv serving mocknexus. "waitress" is `mocknexus serve`, which is also the image's command.
MOCKNEXUS = {
    "waitress": [PY, "-m", "mocknexus", "serve", "--port", "{port}"],
    "gunicorn_gthread": [PY, *GUNICORN_GTHREAD, "mocknexus.wsgi:app"],
    "gunicorn_gevent": [PY, *GUNICORN_GEVENT, "mocknexus.wsgi:app"],
    "werkzeug": [PY, "bench/werkzeug_serve.py", "mocknexus.wsgi:app", "{port}"],
}
# The same servers around bench/bare_app.py: the ceiling of the stack.
BARE = {
    "waitress": [PY, "bench/waitress_serve.py", "bench.bare_app:app", "{port}"],
    "gunicorn_gthread": [PY, *GUNICORN_GTHREAD, "bench.bare_app:app"],
    "werkzeug": [PY, "bench/werkzeug_serve.py", "bench.bare_app:app", "{port}"],
}
QUIET = {"MOCKNEXUS_LOG_LEVEL": "WARNING"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def first_free(ports: range | list[int]) -> int:
    """The first of `ports` nobody listens on (a bench's own range, so that it runs beside other servers)."""
    for port in ports:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {ports}")


def port_range(text: str) -> range:
    """`18800-18899` (or one port) as a range."""
    first, _, last = text.partition("-")
    return range(int(first), int(last or first) + 1)


def get(url: str, path: str, headers: dict | None = None, timeout: float = 10) -> tuple[int, bytes]:
    host, port = url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


class Server:
    """One server process on 127.0.0.1."""

    def __init__(
        self, name: str, argv: list[str], port: int, health: str, env: dict | None = None, cwd: str | Path = ROOT
    ) -> None:
        self.name, self.port, self.health = name, port, health
        self.url = f"http://127.0.0.1:{port}"
        started = time.perf_counter()
        self.proc = subprocess.Popen(
            argv,
            env={**os.environ, "MOCKNEXUS_HOST": "127.0.0.1", **(env or {})},
            cwd=cwd,  # another checkout's: `python -m mocknexus` imports the one it runs in (bench/flow_cpu.py)
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = started + 60
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{name} exited with {self.proc.returncode}")
            try:
                if get(self.url, health, timeout=1)[0] == 200:
                    break
            except OSError:
                time.sleep(0.01)
        else:
            self.stop()
            raise RuntimeError(f"{name} did not answer {health}")
        self.startup_s = time.perf_counter() - started

    def rss_mb(self) -> float:
        """Resident memory of the process and its children (gunicorn's workers)."""
        total = 0
        for pid in [self.proc.pid, *_children(self.proc.pid)]:
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            except OSError:
                pass
        return total / 1024

    def cpu_seconds(self) -> float:
        """CPU time (user + system) the process and its children have used so far: a server's cost per
        request, which other load on the machine changes far less than its throughput."""
        ticks = 0
        for pid in [self.proc.pid, *_children(self.proc.pid)]:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            ticks += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
        return ticks / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(10)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)


def _children(pid: int) -> list[int]:
    try:
        found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    kids = [int(p) for p in found]
    return kids + [g for k in kids for g in _children(k)]


@contextmanager
def running(name: str, argv: list[str], health: str = "/__admin/health", env: dict | None = None) -> Iterator[Server]:
    port = free_port()
    server = Server(name, [a.replace("{port}", str(port)) for a in argv], port, health, env)
    try:
        yield server
    finally:
        server.stop()


def mocknexus(kind: str = "waitress", env: dict | None = None):
    """mocknexus under one of the candidate servers (default: the chosen one, as the image runs it)."""
    return running(f"mocknexus ({kind})", MOCKNEXUS[kind], env={**QUIET, **(env or {})})


def from_checkout(checkout: str, store: str | None = None, named_threads: bool = False) -> Server:
    """`mocknexus serve` (waitress) run in another checkout (`python -m` imports the one it runs in), its polls
    alone moving jobs, on `store` (memory if None); `named_threads`: through bench/thread_names.py, so the system
    knows each thread by its name. The caller stops it."""
    port = free_port()
    env = {**QUIET, "MOCKNEXUS_JOB_TIME_SCALE": "0", **({"MOCKNEXUS_STORE": store} if store else {})}
    argv = [a.replace("{port}", str(port)) for a in MOCKNEXUS["waitress"]]
    if named_threads:
        argv[1:3] = [str(Path(__file__).with_name("thread_names.py"))]
    return Server(f"mocknexus ({checkout})", argv, port, "/__admin/health", env, cwd=checkout)


def bare(kind: str):
    return running(f"bare flask ({kind})", BARE[kind])
