"""Many clients at once, each running the whole verification flow on its own keep-alive connection, run
after run: counts the flows that failed (a dropped or reset connection, an error status). No retries.

    python bench/flows.py                           # 300 concurrent flows x 10 runs against `mocknexus serve`
    python bench/flows.py --concurrency 50 --runs 2 # what tests/serving/test_serving_load.py runs every CI run
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import contextlib

from bench import servers
from bench.workloads import connection, one_flow


def concurrent_flows(url: str, concurrency: int, runs: int, connect: Callable[[], Any] | None = None) -> dict:
    """`concurrency` clients; in each run every client starts one flow at the same moment (a barrier), and
    reuses its connection from the previous run, so idle keep-alive connections are reused as well.
    `connect`: how a client connects (bench/stores.py: to several replicas in turn); default one to `url`."""
    connect = connect or (lambda: connection(url, timeout=60))
    barrier = threading.Barrier(concurrency)
    failures: collections.Counter[str] = collections.Counter()
    durations: list[float] = []
    lock = threading.Lock()

    def client() -> None:
        conn = connect()
        for _ in range(runs):
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait(120)
            try:
                took = one_flow(url, conn)
            except Exception as exc:  # any failure counts; the connection is replaced for the next run
                with lock:
                    failures[f"{type(exc).__name__}: {str(exc)[:80]}"] += 1
                conn.close()
                conn = connect()
                continue
            with lock:
                durations.append(took)
        conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    durations.sort()
    return {
        "concurrency": concurrency,
        "runs": runs,
        "flows": concurrency * runs,
        "ok": len(durations),
        "failed": sum(failures.values()),
        "failures": dict(failures),
        "seconds": elapsed,
        "p50_ms": durations[len(durations) // 2] * 1000 if durations else None,
        "p99_ms": durations[int(len(durations) * 0.99)] * 1000 if durations else None,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--concurrency", type=int, default=300)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--server", default="waitress", choices=list(servers.MOCKNEXUS))
    args = parser.parse_args()
    with servers.mocknexus(args.server, {"MOCKNEXUS_JOB_TIME_SCALE": "0"}) as server:
        result = concurrent_flows(server.url, args.concurrency, args.runs)
    print(json.dumps({"server": args.server, **result}, indent=2))
    return 1 if result["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
