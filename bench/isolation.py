#!/usr/bin/env python3
"""What client-id isolation costs: member reads and whole verification flows with 1 and with 100 active
client ids, on two servers started side by side and measured alternately, within one run.

    python bench/isolation.py                      # 2-3 minutes; prints a table, writes bench/isolation.json
    python bench/isolation.py --baseline 2041cbc   # also a server built from that commit (before client ids)
    python bench/isolation.py --quick              # a tiny configuration (seconds), as the smoke test runs it

"1 client": one client id has a user, a session and a member; every read and every flow uses it.
"100 clients": 100 client ids each have a user, a session, a member and a finished flow; reads spread
round-robin over the 100 clients' members (each connection its own client), and flow k runs under client
k mod 100. The ratio 100/1 is the cost of many worlds; --baseline adds the cost of worlds at all.

Servers run under gunicorn (one worker), which every commit can serve, so --baseline compares like with like;
jobs move by polls alone. Requests go through bench/workloads.py's helpers.
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import signal
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.servers import free_port  # noqa: E402
from bench.workloads import call, mx_bank_member, verify_with_mfa  # noqa: E402

KEY = {"MD-API-KEY": "bench", "Content-Type": "application/json"}


# ---- a server ---------------------------------------------------------------------------------------------


@contextmanager
def server(source: Path, threads: int):
    """mocknexus from `source` (a checkout) under gunicorn, one worker, on a free port."""
    port = free_port()
    argv = [sys.executable, "-m", "gunicorn", "--workers", "1", "--threads", str(threads),
            "--bind", f"127.0.0.1:{port}", "mocknexus.wsgi:app"]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(source), "MOCKNEXUS_JOB_TIME_SCALE": "0", "MOCKNEXUS_LOG_LEVEL": "ERROR"}
    proc = subprocess.Popen(argv, cwd=source, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if call(Conn(port), "GET", "/__admin/health", {}) is not None:
                    break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError(f"server from {source} did not start") from None
                time.sleep(0.05)
        yield port
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(10)


class Conn(http.client.HTTPConnection):
    def __init__(self, port: int) -> None:
        super().__init__("127.0.0.1", port, timeout=30)


# ---- the workloads ----------------------------------------------------------------------------------------


def new_session(conn: Conn, client_id: str, user_id: str) -> dict:
    call(conn, "POST", f"/{client_id}/users.json", KEY, {"user": {"id": user_id}})
    token = call(conn, "GET", f"/{client_id}/users/{user_id}/api_token.json", KEY)["api_token"]["token"]
    opened = call(conn, "POST", "/sessions", {"MD-API-TOKEN": token, **KEY}, {"session": {"skip_aggregation": True}})
    return {"MD-SESSION-TOKEN": opened["session"]["token"], "Content-Type": "application/json"}


def flow(conn: Conn, client_id: str, user_id: str) -> None:
    """The 12-step verification flow with one MFA question, as a client runs it."""
    verify_with_mfa(conn, new_session(conn, client_id, user_id))


def populate(port: int, clients: int) -> list[tuple[str, dict]]:
    """Each client id: a user with a session and a member (and, for more than one, a finished flow)."""
    conn, reads = Conn(port), []
    for n in range(clients):
        client_id = f"client-{n}"
        h = new_session(conn, client_id, "reader")
        reads.append((f"/members/{mx_bank_member(conn, h, 'password')}", h))
        if clients > 1:
            flow(conn, client_id, "warm")
    return reads


def load(port: int, reads: list[tuple[str, dict]], seconds: float, connections: int) -> dict:
    """Keep-alive reads from `connections` threads, thread i reading reads[i % len(reads)]... round-robin."""
    latencies: list[float] = []
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def worker(i: int) -> None:
        conn, mine, k = Conn(port), [], i
        while time.perf_counter() < stop_at:
            path, h = reads[k % len(reads)]
            k += connections
            t = time.perf_counter()
            call(conn, "GET", path, h)
            mine.append(time.perf_counter() - t)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    latencies.sort()
    return {"rps": len(latencies) / seconds, "p50_ms": latencies[len(latencies) // 2] * 1000,
            "p99_ms": latencies[int(len(latencies) * 0.99)] * 1000}  # fmt: skip


def flows(port: int, clients: int, count: int, tag: str) -> dict:
    conn, times = Conn(port), []
    for k in range(count):
        started = time.perf_counter()
        flow(conn, f"client-{k % clients}", f"flow-{tag}-{k}")
        times.append(time.perf_counter() - started)
    times.sort()
    return {"flows_per_s": count / sum(times), "p50_ms": times[len(times) // 2] * 1000}


# ---- the run ----------------------------------------------------------------------------------------------


@contextmanager
def checkout(ref: str):
    """The tree of `ref`, exported (git archive) into a temporary directory: nothing in the repository changes."""
    with tempfile.TemporaryDirectory() as directory:
        archive = subprocess.run(["git", "archive", ref], cwd=ROOT, check=True, capture_output=True).stdout
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(directory, filter="data")
        yield Path(directory)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="alternating rounds; each figure is their median")
    parser.add_argument("--seconds", type=float, default=3.0, help="length of each read measurement")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--flows", type=int, default=100, help="flows per round")
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--baseline", help="also measure a server built from this git ref (one client id only)")
    parser.add_argument("--quick", action="store_true", help="a tiny configuration, for the smoke test")
    parser.add_argument("--json", default=str(ROOT / "bench" / "isolation.json"))
    args = parser.parse_args(argv)
    if args.quick:
        args.runs, args.seconds, args.flows, args.clients = 1, 0.3, 2, 5

    results: dict[str, dict[str, list[dict]]] = {}
    with ExitStack() as stack:
        sources = {"1 client": (ROOT, 1), f"{args.clients} clients": (ROOT, args.clients)}
        if args.baseline:
            sources = {"baseline": (stack.enter_context(checkout(args.baseline)), 1), **sources}
        setups = {}
        for name, (source, clients) in sources.items():
            port = stack.enter_context(server(source, args.connections))
            setups[name] = (port, populate(port, clients), clients)
        for round_ in range(args.runs):  # alternate, so drifts in machine load hit every setup alike
            for name, (port, reads, clients) in setups.items():
                entry = results.setdefault(name, {"member_read": [], "flow": []})
                entry["member_read"].append(load(port, reads, args.seconds, args.connections))
                entry["flow"].append(flows(port, clients, args.flows, f"{round_}"))

    summary = {name: {kind: {key: statistics.median(m[key] for m in runs) for key in runs[0]}
                      for kind, runs in entry.items()} for name, entry in results.items()}  # fmt: skip
    one_name, many_name = "1 client", f"{args.clients} clients"

    def paired(name: str, against: str, kind: str, key: str) -> float:
        """The median of per-round ratios: each round measured the two setups back to back, so a drift in
        the machine's load cancels out instead of landing on one side."""
        pairs = zip(results[name][kind], results[against][kind], strict=True)
        return statistics.median(a[key] / b[key] for a, b in pairs)

    ratios = {
        "member_read_many_vs_one": paired(many_name, one_name, "member_read", "rps"),
        "flow_many_vs_one": paired(many_name, one_name, "flow", "flows_per_s"),
    }
    if "baseline" in summary:
        ratios["member_read_one_vs_baseline"] = paired(one_name, "baseline", "member_read", "rps")
        ratios["flow_one_vs_baseline"] = paired(one_name, "baseline", "flow", "flows_per_s")
        ratios["member_read_many_vs_baseline"] = paired(many_name, "baseline", "member_read", "rps")
        ratios["flow_many_vs_baseline"] = paired(many_name, "baseline", "flow", "flows_per_s")
    print(f"client-id isolation (medians of {args.runs} alternating rounds; {args.connections} connections)")
    print(f"{'setup':<14} {'member read/s':>14} {'p50 ms':>8} {'p99 ms':>8} {'flows/s':>9} {'flow p50 ms':>12}")
    for name, s in summary.items():
        r, f = s["member_read"], s["flow"]
        reads = f"{r['rps']:>14.0f} {r['p50_ms']:>8.2f} {r['p99_ms']:>8.2f}"
        print(f"{name:<14} {reads} {f['flows_per_s']:>9.2f} {f['p50_ms']:>12.1f}")
    print("ratios (median of the rounds' paired ratios; 1.0 = no cost)")
    for key, value in ratios.items():
        print(f"  {key:<30} {value:.3f}")
    Path(args.json).write_text(json.dumps({"summary": summary, "ratios": ratios, "runs": results}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
