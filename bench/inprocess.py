#!/usr/bin/env python3
"""The hot path's own CPU cost, in process: a member read through Nexus and through the Platform API, and
bench/bare_app.py's read, each called straight through WSGI (no server, no socket, no load generator) and
timed in this process's CPU seconds, so that other work on the machine changes the figures far less than
it changes wrk's.

    python bench/inprocess.py                 # 5 rounds of 3000 calls each, alternating the three reads
    python bench/inprocess.py --rounds 3 --calls 1000
    python bench/inprocess.py --store postgresql   # the Nexus member read on PostgreSQL beside memory's
    python bench/inprocess.py --store postgresql --flows 50   # and the one-client flow's CPU, in both processes

With `--store postgresql` it starts a PostgreSQL server as the tests do (tests/postgres_server.py: pgserver's
binaries, TCP with a password), builds the app on it and on the memory store, and times the Nexus member read on
both, alternating, for the least and the median of the rounds: this process's CPU per read, the round trip's
system calls included; and the database's own CPU per read (its processes', from /proc, where there is one).

It measures the tree it is in (run it from another checkout to compare commits on one machine). What it
leaves out (the server, the socket, HTTP parsing) is the same for every read: quote bench/run.py for the
record, and this for what one change to the request path costs.
"""

from __future__ import annotations

import argparse
import base64
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from werkzeug.test import EnvironBuilder

from bench.bare_app import app as bare
from mocknexus.app import create_app
from mocknexus.config import Config

BASIC = "Basic " + base64.b64encode(b"mocknexus:bench-key").decode()
PLATFORM = {"Authorization": BASIC, "Accept": "application/vnd.mx.api.v1+json"}


def _prepare(app: Any) -> tuple[dict, dict]:
    """A Nexus session's member and a Platform user's member (MX Bank): the environs of their reads."""
    client = app.test_client()
    key = {"MD-API-KEY": "bench"}
    client.post("/mocknexus/users.json", json={"user": {"id": "reader"}}, headers=key)
    token = client.get("/mocknexus/users/reader/api_token.json", headers=key).json["api_token"]["token"]
    session = client.post("/sessions", json={"session": {}}, headers={"MD-API-TOKEN": token}).json["session"]
    nexus = {"MD-SESSION-TOKEN": session["token"], "Accept": "application/vnd.mx.nexus.v1+json"}
    found = client.post("/institutions/search", json={"institution": {"name": "MX Bank"}}, headers=nexus).json
    inst = next(i for i in found["institutions"] if i["name"] == "MX Bank")
    creds = client.get(f"/institutions/{inst['guid']}/credentials", headers=nexus).json["credentials"]
    values = {"LOGIN": "mxuser", "PASSWORD": "password"}
    answers = [{"guid": c["guid"], "value": values[c["field_name"]]} for c in creds]
    body = {"member": {"institution_guid": inst["guid"], "credentials": answers, "skip_aggregation": True}}
    member = client.post("/members", json=body, headers=nexus).json["member"]["guid"]
    user = client.post("/users", json={"user": {"id": "platform-reader"}}, headers=PLATFORM).json["user"]["guid"]
    body = {"member": {"institution_code": "mxbank", "credentials": answers, "skip_aggregation": True}}
    platform = client.post(f"/users/{user}/members", json=body, headers=PLATFORM).json["member"]["guid"]
    return (
        EnvironBuilder(path=f"/members/{member}", headers=nexus).get_environ(),
        EnvironBuilder(path=f"/users/{user}/members/{platform}", headers=PLATFORM).get_environ(),
    )


def _cpu_per_call(app: Callable, environ: dict, calls: int) -> float:
    statuses: list[str] = []

    def start_response(status: str, headers: list, exc_info: Any = None) -> Callable:
        statuses.append(status)
        return lambda data: None

    started = time.process_time()
    for _ in range(calls):
        for _chunk in app(dict(environ), start_response):
            pass
    spent = time.process_time() - started
    assert all(s.startswith("200") for s in statuses), set(statuses)
    return spent / calls * 1e6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--calls", type=int, default=3000)
    parser.add_argument("--store", choices=["memory", "postgresql"], default="memory")
    parser.add_argument("--flows", type=int, default=0, help="with --store postgresql: also N one-client flows each")
    args = parser.parse_args(argv)
    if args.store == "postgresql":
        return _postgresql(args.rounds, args.calls, args.flows)
    app = create_app(Config(seed=7, job_time_scale=0, log_level="WARNING"))
    nexus, platform = _prepare(app)
    bare_environ = EnvironBuilder(path="/members/MBR-x", headers={"MD-SESSION-TOKEN": "x"}).get_environ()
    reads = {"nexus_read": (app, nexus), "platform_read": (app, platform), "bare_read": (bare, bare_environ)}
    for wsgi, environ in reads.values():  # warm-up: caches, the route cache, the fast dumper's plans
        _cpu_per_call(wsgi, environ, 200)
    found: dict[str, list[float]] = {name: [] for name in reads}
    for _ in range(args.rounds):
        for name, (wsgi, environ) in reads.items():
            found[name].append(_cpu_per_call(wsgi, environ, args.calls))
    us = {name: statistics.median(runs) for name, runs in found.items()}
    print(f"in-process reads: {args.calls} calls x {args.rounds} rounds (median), CPU microseconds per call")
    for name, value in us.items():
        print(f"  {name:<15}{value:>8.1f} us   {1e6 / value:>7.0f} calls/CPU-s")
    for name in ("nexus_read", "platform_read"):
        print(f"  {name} vs bare: {us['bare_read'] / us[name]:.2f}")
    return 0


def _postgresql(rounds: int, calls: int, flows: int = 0) -> int:
    """The Nexus member read on a PostgreSQL store (one replica) and on the memory store, alternating; then, with
    `flows`, the one-client flow (bench/workloads.py) on each, alternating flow by flow."""
    from tests.postgres_server import PostgresServer

    server = PostgresServer().init().start()
    try:
        apps = {
            "memory": create_app(Config(seed=7, job_time_scale=0, log_level="WARNING")),
            "postgresql": create_app(
                Config(seed=7, job_time_scale=0, log_level="WARNING", store=server.create_database("inprocess"))
            ),
        }
        reads = {name: (app, _prepare(app)[0]) for name, app in apps.items()}
        for wsgi, environ in reads.values():  # warm-up: the copies, the prepared read, the route cache
            _cpu_per_call(wsgi, environ, 300)
        found: dict[str, list[float]] = {name: [] for name in reads}
        database: list[float] = []  # the PostgreSQL server's own CPU per call, round by round
        for _ in range(rounds):
            for name, (wsgi, environ) in reads.items():
                before = _server_cpu(server.data) if name == "postgresql" else None
                found[name].append(_cpu_per_call(wsgi, environ, calls))
                if before is not None:
                    database.append((_server_cpu(server.data) - before) / calls * 1e6)  # type: ignore[operator]
        print(f"in-process Nexus member reads: {calls} calls x {rounds} rounds, CPU microseconds per call")
        for name, runs in found.items():
            print(f"  {name:<12} least {min(runs):>7.1f} us   median {statistics.median(runs):>7.1f} us")
        print(f"  memory / postgresql (least): {min(found['memory']) / min(found['postgresql']):.2f}")
        if database and _server_cpu(server.data) is not None:
            print(
                f"  the PostgreSQL server's own CPU (its processes): least {min(database):.1f} us   "
                f"median {statistics.median(database):.1f} us per call"
            )
        if flows:
            _flows(apps, server.data, flows)
        for app in apps.values():  # the background thread, then the pool, before the server stops
            app.extensions["mocknexus.background"].stop()
        apps["postgresql"].extensions["mocknexus.store"][1].close()
    finally:
        server.close()
    return 0


class _TestConnection:
    """What bench/workloads.py's flow calls an HTTP connection, over Flask's test client (no socket)."""

    def __init__(self, app: Any) -> None:
        self.client, self.reply = app.test_client(), None

    def request(self, method: str, path: str, body: str | None = None, headers: dict | None = None) -> None:
        self.reply = self.client.open(path, method=method, data=body, headers=headers)

    def getresponse(self) -> Any:
        reply = self.reply
        return type("Reply", (), {"status": reply.status_code, "read": lambda _self: reply.get_data()})()


def _flows(apps: dict[str, Any], data: Path, count: int) -> None:
    """The one-client flow on each app, alternating: this process's CPU a flow (the test client's included, alike
    for both), and on PostgreSQL the database's (its processes', from /proc)."""
    from bench import workloads

    conns = {name: _TestConnection(app) for name, app in apps.items()}
    for conn in conns.values():
        workloads.one_flow("", conn)  # type: ignore[arg-type]  # warm-up: the world, the copies
    cpu: dict[str, list[float]] = {name: [] for name in conns}
    database = 0.0
    for _ in range(count):
        for name, conn in conns.items():
            before, started = _server_cpu(data), time.process_time()
            workloads.one_flow("", conn)  # type: ignore[arg-type]
            cpu[name].append((time.process_time() - started) * 1000)
            after = _server_cpu(data)
            if name == "postgresql" and before is not None and after is not None:
                database += after - before
    print(f"in-process one-client flows: {count} each, CPU milliseconds per flow (median)")
    for name, runs in cpu.items():
        print(f"  {name:<12} {statistics.median(runs):>7.2f} ms")
    print(f"  the PostgreSQL server's own CPU: {database / count * 1000:.2f} ms per flow (mean)")


def _server_cpu(data: Path) -> float | None:
    """CPU seconds used so far by the PostgreSQL server whose data directory is `data`: its postmaster and the
    processes it started (the connections' backends), from /proc (None where there is none); other servers on
    the machine are not counted."""
    try:
        postmaster = int((data / "postmaster.pid").read_text().split()[0])
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:  # gone meanwhile
                continue
            if int(entry.name) == postmaster or int(fields[1]) == postmaster:  # fields[1]: the parent's id
                total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / ticks
    except (OSError, ValueError, IndexError):
        return None


if __name__ == "__main__":
    sys.exit(main())
