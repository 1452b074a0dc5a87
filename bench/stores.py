"""The stores side by side, in one run: the member read and the one-client flow on the memory store, SQLite
(--store file), PostgreSQL behind one replica and behind two replicas on one database, then many concurrent
flows across two PostgreSQL replicas (every call of a flow going to the other replica than the one before).

    python bench/run.py --stores-only          # this section alone (a few minutes)
    python bench/run.py --stores-only --quick  # seconds

PostgreSQL is a real server started here from pgserver's bundled binaries (tests/postgres_server.py), on
127.0.0.1 with a password, as the tests start it; `pip install -e '.[test]'` brings pgserver.
Goals (issue 27): PostgreSQL's member read at least 0.6 of memory's, its one-client flow p95 within 2x memory's;
300 concurrent flows across two replicas all ok.
"""

from __future__ import annotations

import contextlib
import http.client
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

from bench import flows, loadgen, servers, workloads

POLLS = {"MOCKNEXUS_JOB_TIME_SCALE": "0"}  # the flow's polls alone move its job


class Alternating:
    """One client's connection that sends each call to the next replica in turn (a load balancer's
    round robin, at its most unfavourable: no two calls of a flow on one replica in a row)."""

    def __init__(self, urls: list[str]) -> None:
        self.conns = [workloads.connection(u, timeout=60) for u in urls]
        self.turn = 0
        self.current: http.client.HTTPConnection = self.conns[0]

    def request(self, *args: object, **kwargs: object) -> None:
        self.current = self.conns[self.turn % len(self.conns)]
        self.turn += 1
        self.current.request(*args, **kwargs)  # type: ignore[arg-type]

    def getresponse(self) -> http.client.HTTPResponse:
        return self.current.getresponse()

    def close(self) -> None:
        for conn in self.conns:
            conn.close()


def _read_load(urls: list[str], path: str, headers: dict, seconds: float, connections: int, load: Callable) -> dict:
    """The member read on every replica at once (connections split among them): requests/s summed, the
    slowest replica's latencies."""
    found: list[dict] = []
    share = max(1, connections // len(urls))
    threads = [
        threading.Thread(target=lambda u=u: found.append(load(u + path, headers, seconds, share, None))) for u in urls
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {
        "rps": sum(f["rps"] for f in found),
        "requests": sum(f["requests"] for f in found),
        "p50_ms": max(f["p50_ms"] for f in found),
        "p99_ms": max(f["p99_ms"] for f in found),
        "non_2xx": sum(f["non_2xx"] for f in found),
        "socket_errors": sum(f["socket_errors"] for f in found),
    }


def _flow_times(connects: dict[str, Callable[[], object]], count: int) -> dict[str, dict]:
    """`count` one-client flows per store, interleaved round by round (one flow of each store in turn, as the
    member read goes round-robin): a change of load on the machine hits every store alike."""
    conns = {name: connect() for name, connect in connects.items()}
    for conn in conns.values():
        workloads.one_flow("", conn)  # warm-up
    found: dict[str, list[float]] = {name: [] for name in conns}
    for _ in range(count):
        for name, conn in conns.items():
            found[name].append(workloads.one_flow("", conn))
    results = {}
    for name, times in found.items():
        times.sort()
        results[name] = {
            "flows": count,
            "p50_ms": times[len(times) // 2] * 1000,
            "p95_ms": times[int(len(times) * 0.95)] * 1000,
        }
    return results


def measure(*, runs: int, seconds: float, connections: int, load: Callable, flow_count: int, concurrency: int,
            concurrent_runs: int) -> dict:  # fmt: skip
    from tests.postgres_server import PostgresServer

    results: dict = {}
    pg = PostgresServer().init().start()
    try:
        with tempfile.TemporaryDirectory() as scratch, contextlib.ExitStack() as stack:
            sqlite = str(Path(scratch) / "state.db")
            one_db, two_db = pg.create_database("bench_one"), pg.create_database("bench_two")
            setups = {
                "memory": [{}],
                "sqlite": [{"MOCKNEXUS_STORE": sqlite}],
                "postgresql_1_replica": [{"MOCKNEXUS_STORE": one_db}],
                "postgresql_2_replicas": [{"MOCKNEXUS_STORE": two_db}, {"MOCKNEXUS_STORE": two_db}],
            }
            started = {
                name: [stack.enter_context(servers.mocknexus("waitress", {**POLLS, **env})).url for env in envs]
                for name, envs in setups.items()
            }
            # Member read: each store's member made on its first replica, read on all (the session is shared).
            targets = {name: (urls, *workloads.prepare_member(urls[0])) for name, urls in started.items()}
            found: dict[str, list[dict]] = {name: [] for name in targets}
            for _ in range(runs):  # round-robin over the stores: a change of load on the machine hits all alike
                for name, (urls, path, headers) in targets.items():
                    found[name].append(_read_load(urls, path, headers, seconds, connections, load))
            results["member_read"] = {name: loadgen.median(f) for name, f in found.items()}
            # One client's flow, every call of it alternating between the replicas where there are two; the
            # stores' flows interleaved.
            results["flow"] = _flow_times(
                {name: (lambda urls=urls: Alternating(urls)) for name, urls in started.items()}, flow_count
            )
            pg_two = started["postgresql_2_replicas"]
            results["concurrent_flows_2_replicas"] = flows.concurrent_flows(
                pg_two[0], concurrency, concurrent_runs, connect=lambda: Alternating(pg_two)
            )
    finally:
        pg.close()
    memory_read, memory_flow = results["member_read"]["memory"], results["flow"]["memory"]
    results["ratios"] = {
        f"{name}_read_vs_memory": read["rps"] / memory_read["rps"] for name, read in results["member_read"].items()
    } | {f"{name}_flow_p95_vs_memory": flow["p95_ms"] / memory_flow["p95_ms"] for name, flow in results["flow"].items()}
    return results


def table(r: dict) -> str:
    lines = ["Stores (waitress; member read: requests/s summed over the replicas; flow: one client, ms)", ""]
    lines.append(f"{'store':<24}{'read rps':>10}{'p50 ms':>9}{'p99 ms':>9}{'vs memory':>11}"
                 f"{'flow p50':>10}{'flow p95':>10}{'vs memory':>11}")  # fmt: skip
    for name, read in r["member_read"].items():
        flow = r["flow"][name]
        lines.append(
            f"{name:<24}{read['rps']:>10.0f}{read['p50_ms']:>9.2f}{read['p99_ms']:>9.2f}"
            f"{r['ratios'][name + '_read_vs_memory']:>11.2f}{flow['p50_ms']:>10.1f}{flow['p95_ms']:>10.1f}"
            f"{r['ratios'][name + '_flow_p95_vs_memory']:>11.2f}"
        )
    c = r["concurrent_flows_2_replicas"]
    lines += [
        "",
        f"concurrent flows across 2 PostgreSQL replicas: {c['concurrency']} clients x {c['runs']} runs = "
        f"{c['flows']} flows: {c['ok']} ok, {c['failed']} failed in {c['seconds']:.1f} s "
        f"(p50 {c['p50_ms'] or 0:.0f} ms, p99 {c['p99_ms'] or 0:.0f} ms)",
    ]
    if c["failures"]:
        lines.append(f"  failures: {c['failures']}")
    return "\n".join(lines)
