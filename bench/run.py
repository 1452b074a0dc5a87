#!/usr/bin/env python3
"""mocknexus benchmark: one command, one run, every server on loopback, ratios computed within the run.

    python bench/run.py                 # the full table (several minutes); writes bench/results.json
    python bench/run.py --quick         # a tiny configuration (seconds), as the smoke test runs it

Measures (each throughput figure the median of --runs runs; member-read runs go round-robin over the servers):
  1. authenticated GET /members/{guid}: requests/s, p50, p99 on mocknexus under each candidate server, and the
     Platform API's GET /users/{user_guid}/members/{member_guid} (Basic auth) under waitress
     (waitress = `mocknexus serve` = the image; gunicorn gthread = the image before; gunicorn gevent;
     werkzeug = `mocknexus serve` before), on a bare Flask app (bench/bare_app.py) under the same servers
     (the ceiling), and on moto_server (an authenticated S3 GetObject);
  2. slow clients: normal requests timed while 100 connections trickle one header line every 3 s
     (bench/slowloris.py), per candidate;
  3. the verification flow from one client, and many clients at once counting failed flows (bench/flows.py);
  4. member read and institution search with a small vs a large state;
  5. start-up (process start to first 200 on health) and RSS idle / under load;
  6. webhooks: the flow with a subscribed receiver vs none, and deliveries per second (bench/webhooks.py);
  7. a world with 100 000 transactions: a page of 100 by member against a member read, p50/p95, and RSS
     (bench/transactions.py).
  8. stores: member read and the one-client flow on memory, SQLite, PostgreSQL behind one and two replicas,
     and concurrent flows across two PostgreSQL replicas (bench/stores.py).
Load comes from wrk (installed with apt-get if missing); --loadgen python uses a small built-in
generator instead (the smoke test, where installing is not wanted). Everything targets 127.0.0.1.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import flows, loadgen, report, servers, slowloris, stores, transactions, webhooks, workloads

ROOT = servers.ROOT


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="tiny configuration: short runs, small states")
    parser.add_argument("--runs", type=int, default=None, help="runs per figure (median); default 3, quick 1")
    parser.add_argument("--seconds", type=float, default=None, help="seconds per load run; default 5, quick 1")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--loadgen", choices=["wrk", "python"], default="wrk")
    parser.add_argument("--skip-moto", action="store_true")
    parser.add_argument("--skip-gevent", action="store_true", help="leave out the gunicorn gevent candidate")
    parser.add_argument("--json", default=str(ROOT / "bench" / "results.json"), help="where to write the results")
    parser.add_argument("--webhooks-only", action="store_true", help="only section 6 (bench/webhooks.py)")
    parser.add_argument("--stores-only", action="store_true", help="only section 8 (bench/stores.py)")
    parser.add_argument("--transactions-only", action="store_true", help="only section 7 (bench/transactions.py)")
    args = parser.parse_args(argv)
    if args.webhooks_only:
        return webhooks.main(["--quick"] if args.quick else [])
    if args.transactions_only:
        return transactions.main(["--quick"] if args.quick else [])
    quick = args.quick
    runs = args.runs or (1 if quick else 3)
    seconds = args.seconds or (1.0 if quick else 5.0)

    if args.loadgen == "wrk":
        loadgen.ensure_wrk()
    load = loadgen.wrk if args.loadgen == "wrk" else loadgen.pyload

    def stores_section() -> dict:
        return stores.measure(
            runs=runs, seconds=seconds, connections=args.connections, load=load, flow_count=20 if quick else 100,
            concurrency=10 if quick else 300, concurrent_runs=1,
        )  # fmt: skip

    if args.stores_only:
        found = stores_section()
        print(stores.table(found))
        Path(args.json).with_name("results_stores.json").write_text(json.dumps(found, indent=2))
        return 0
    if not args.skip_moto and not shutil.which("moto_server"):
        _pip_install("moto[server]")
    if not args.skip_gevent and importlib.util.find_spec("gevent") is None:
        _pip_install("gevent")
    candidates = [k for k in servers.MOCKNEXUS if not (args.skip_gevent and k == "gunicorn_gevent")]

    def measure(url: str, path: str, headers: dict, body: str | None = None) -> dict:
        return loadgen.median_of(runs, lambda: load(url + path, headers, seconds, args.connections, body))

    results: dict = {
        "config": {
            "runs": runs,
            "seconds": seconds,
            "connections": args.connections,
            "loadgen": args.loadgen,
            "cpus": os.cpu_count(),
        },
        "startup": {},
    }

    # 1. Member read: mocknexus and the bare ceiling under every candidate, and moto. Every server runs at
    # once (idle until measured) and the runs go round-robin, so a change of load on the machine during the
    # run hits every server alike: the ratios compare like with like.
    targets: dict[str, tuple[servers.Server, str, dict]] = {}
    with contextlib.ExitStack() as stack:
        for kind in candidates:
            server = stack.enter_context(servers.mocknexus(kind))
            targets[f"mocknexus_{kind}"] = (server, *workloads.prepare_member(server.url))
            if kind == "waitress":  # the same read through the Platform API, on the shipped server
                targets["mocknexus_waitress_platform"] = (server, *workloads.prepare_platform_member(server.url))
            results["startup"][kind] = {"s": server.startup_s, "idle_rss_mb": server.rss_mb()}
        for kind in servers.BARE:
            targets[f"bare_{kind}"] = (
                stack.enter_context(servers.bare(kind)),
                "/members/MBR-x",
                {"MD-SESSION-TOKEN": "x"},
            )
        if not args.skip_moto:  # werkzeug, threaded
            moto = stack.enter_context(
                servers.running("moto_server", ["moto_server", "-p", "{port}"], health="/moto-api/")
            )
            targets["moto_server"] = (moto, *workloads.moto_read(moto.url))
        runs_by_target: dict[str, list[dict]] = {name: [] for name in targets}
        for _ in range(runs):
            for name, (server, path, headers) in targets.items():
                cpu = server.cpu_seconds()
                found = load(server.url + path, headers, seconds, args.connections, None)
                found["req_per_cpu_s"] = found["requests"] / max(server.cpu_seconds() - cpu, 0.01)
                runs_by_target[name].append(found)
        for kind in candidates:
            results["startup"][kind]["load_rss_mb"] = targets[f"mocknexus_{kind}"][0].rss_mb()
    results["member_read"] = {name: loadgen.median(found) for name, found in runs_by_target.items()}

    # 2. Slow clients against every candidate.
    results["slow_clients"] = slowloris.run_all(
        candidates,
        clients=10 if quick else 100,
        interval_s=1.0 if quick else 3.0,
        seconds=1.0 if quick else 10.0,
        timeout_s=1.0 if quick else 5.0,  # quick: a server that locks out normal requests shows it in 1 s too
    )

    # 3. The flow: one client, then many at once (the full 300 x 10 is bench/flows.py on its own).
    flow_count = 20 if quick else 300
    with servers.mocknexus("waitress", {"MOCKNEXUS_JOB_TIME_SCALE": "0"}) as server:
        workloads.one_flow(server.url)  # warm-up
        times = sorted(workloads.one_flow(server.url) for _ in range(flow_count))
        results["flow"] = {
            "flows": flow_count,
            "flows_per_s": flow_count / sum(times),
            "p50_ms": times[len(times) // 2] * 1000,
            "p95_ms": times[int(len(times) * 0.95)] * 1000,
        }
        results["concurrent_flows"] = flows.concurrent_flows(server.url, 10 if quick else 100, 1 if quick else 3)

    # 4. State-size scaling, under the chosen server.
    big_members, big_institutions = (200, 500) if quick else (100_000, 50_000)
    search_body = json.dumps({"institution": {"name": "MX Bank"}})
    scaling = {}
    with tempfile.TemporaryDirectory() as fixtures:
        workloads.write_institutions(Path(fixtures), big_institutions)
        for label, env in (
            ("small", {}),
            ("large", {"MOCKNEXUS_FIXTURES": fixtures, "MOCKNEXUS_MAX_BODY_BYTES": str(1 << 30)}),
        ):
            with servers.mocknexus("waitress", env) as server:
                if label == "large":
                    workloads.put_state(server.url, workloads.big_state(big_members))
                path, headers = workloads.prepare_member(server.url)
                search_headers = {**headers, "Content-Type": "application/json"}
                scaling[label] = {
                    "member_read": measure(server.url, path, headers),
                    "institution_search": measure(server.url, "/institutions/search", search_headers, search_body),
                }
    results["scaling"] = {"members": big_members, "institutions": big_institutions, **scaling}
    results["ratios"] = report.ratios(results)

    # 6. Webhooks: flow latency with a subscribed receiver vs none, and deliveries per second.
    results["webhooks"] = webhooks.measure(20, 2, 10) if quick else webhooks.measure(200, 4, 150)

    # 7. The data plane at scale.
    results["transactions"] = transactions.measure(quick)

    # 8. The stores side by side: memory, SQLite, PostgreSQL behind one and two replicas.
    results["stores"] = stores_section()

    print(report.table(results))
    print("\n" + webhooks.table(results["webhooks"]))
    print("\n" + transactions.table(results["transactions"]))
    print("\n" + stores.table(results["stores"]))
    Path(args.json).write_text(json.dumps(results, indent=2))
    print(f"\nwritten to {args.json}")
    return 0


def _pip_install(requirement: str) -> None:
    print(f"installing {requirement} (pip)...", flush=True)
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", requirement], check=True)


if __name__ == "__main__":
    sys.exit(main())
