#!/usr/bin/env python3
"""The hot path alone: the shipped server against the bare Flask ceiling, and the one-client flow.

    python bench/hotpath.py                  # 5 runs of 3 s each, round-robin; then 300 flows
    python bench/hotpath.py --runs 3 --seconds 2 --flows 100

The two figures issue 16 asks of `bench/run.py` (member read >= 0.80 of bare Flask, flow p95 < 10 ms),
measured the same way (wrk, 16 connections, the servers started as bench/run.py starts them and loaded
round-robin so that a change of load on the machine hits both alike), without the other sections: a loop
to iterate on the hot path in a minute instead of five. Quote bench/run.py for the record.
`mocknexus_read_logged` is the member read on a server at the default log level (INFO: the request log
writes one line per request, to a stderr the bench discards); the others run at WARNING, as bench/run.py.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import loadgen, servers, workloads


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--flows", type=int, default=300)
    args = parser.parse_args(argv)
    loadgen.ensure_wrk()

    targets: dict[str, tuple[servers.Server, str, dict]] = {}
    with contextlib.ExitStack() as stack:
        shipped = stack.enter_context(servers.mocknexus("waitress"))
        targets["mocknexus_read"] = (shipped, *workloads.prepare_member(shipped.url))
        targets["platform_read"] = (shipped, *workloads.prepare_platform_member(shipped.url))
        # The same server at its default log level: the request log on (one line per request, to stderr).
        logged = stack.enter_context(servers.mocknexus("waitress", {"MOCKNEXUS_LOG_LEVEL": "INFO"}))
        targets["mocknexus_read_logged"] = (logged, *workloads.prepare_member(logged.url))
        bare = stack.enter_context(servers.bare("waitress"))
        targets["bare_read"] = (bare, "/members/MBR-x", {"MD-SESSION-TOKEN": "x"})
        found: dict[str, list[dict]] = {name: [] for name in targets}
        for _ in range(args.runs):
            for name, (server, path, headers) in targets.items():
                cpu = server.cpu_seconds()
                run = loadgen.wrk(server.url + path, headers, args.seconds, args.connections, None)
                run["req_per_cpu_s"] = run["requests"] / max(server.cpu_seconds() - cpu, 0.01)
                found[name].append(run)
    reads = {name: loadgen.median(runs) for name, runs in found.items()}

    with servers.mocknexus("waitress", {"MOCKNEXUS_JOB_TIME_SCALE": "0"}) as server:
        workloads.one_flow(server.url)  # warm-up
        times = sorted(workloads.one_flow(server.url) for _ in range(args.flows))

    print(f"hot path: wrk, {args.connections} connections, {args.seconds} s x {args.runs} runs (median), "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at the end")  # fmt: skip
    print(f"  {'read':<18}{'req/s':>8}{'req/CPU-s':>11}{'p50 ms':>9}{'p99 ms':>9}{'non-2xx':>9}")
    for name, m in reads.items():
        print(f"  {name:<18}{m['rps']:>8.0f}{m['req_per_cpu_s']:>11.0f}{m['p50_ms']:>9.2f}{m['p99_ms']:>9.2f}"
              f"{m['non_2xx']:>9.0f}")  # fmt: skip
    bare_read = reads["bare_read"]
    for name in ("mocknexus_read", "platform_read", "mocknexus_read_logged"):
        print(f"  {name} vs bare: {reads[name]['rps'] / bare_read['rps']:.2f} req/s, "
              f"{reads[name]['req_per_cpu_s'] / bare_read['req_per_cpu_s']:.2f} req/CPU-s")  # fmt: skip
    print(f"  one-client flow ({len(times)} flows): p50 {times[len(times) // 2] * 1000:.1f} ms, "
          f"p95 {times[int(len(times) * 0.95)] * 1000:.1f} ms")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
