"""The one-client flow's CPU, wall time and round trips' cost by setup: mocknexus servers (waitress, one process a
replica) from one or more checkouts, on memory or one PostgreSQL database each, the flow's calls alternating
between a setup's replicas; per flow, the servers' CPU, PostgreSQL's (all its processes) and this client's.

    python bench/flow_cpu.py --flows 100 new=.:2 old=/path/to/other/checkout:2
    python bench/flow_cpu.py --threads new=.:2        # the servers' CPU by thread, PostgreSQL's user/system

With --threads the servers run through bench/thread_names.py, which gives each thread's name to the system, and
their CPU is split by thread (waitress's workers summed, its main thread, the store's listener, the background
sweep, ...), each as user + system time.

Setups run one after another (CPU does not move with the machine's load as latency does; run them in both orders
to see the rest). Memory's server comes from the first setup's checkout. Needs pgserver (`pip install -e
'.[test]'`), as bench/stores.py does.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import stores, workloads
from bench.servers import Server, from_checkout


def _cpu(pids: list[int]) -> float:
    """Seconds of CPU (user and system) the processes have used; one gone counts nothing."""
    ticks = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def _threads_cpu(pids: list[int], every: str | None = None) -> Counter:
    """Seconds of CPU (user, system) by thread name over the processes' threads (waitress's workers summed;
    `every`: all of them under that one name); a thread gone counts nothing. The system cuts a name to 15
    bytes: mocknexus-notif is the store's listener, mocknexus-backg the background sweep, mocknexus:<...>
    the sole lease's thread."""
    found: Counter = Counter()
    for pid in pids:
        with contextlib.suppress(OSError):
            for task in Path(f"/proc/{pid}/task").iterdir():
                with contextlib.suppress(OSError):
                    name = (task / "comm").read_text().strip()
                    name = "waitress workers" if name.startswith("waitress-") else name
                    name = "main (waitress's sockets)" if task.name == str(pid) else name
                    name = every or name
                    fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
                    found[(name, "user")] += int(fields[11]) / os.sysconf("SC_CLK_TCK")
                    found[(name, "system")] += int(fields[12]) / os.sysconf("SC_CLK_TCK")
    return found


def _postgres_pids() -> list[int]:
    found = subprocess.run(["pgrep", "-x", "postgres"], capture_output=True, text=True).stdout.split()
    return [int(pid) for pid in found]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--flows", type=int, default=100)
    parser.add_argument("--threads", action="store_true", help="the servers' CPU by thread too")
    parser.add_argument("setups", nargs="+", help="name=checkout:replicas")
    args = parser.parse_args(argv)
    from tests.postgres_server import PostgresServer

    pg = PostgresServer().init().start()
    started: list[Server] = []

    def serve(checkout: str, store: str | None) -> str:
        started.append(from_checkout(checkout, store, named_threads=args.threads))
        return started[-1].url

    try:
        setups = [(name, *rest.rsplit(":", 1)) for name, rest in (s.split("=", 1) for s in args.setups)]
        urls = {"memory": ([serve(setups[0][1], None)], [started[-1].proc.pid])}
        for i, (name, checkout, replicas) in enumerate(setups):
            database = pg.create_database(f"flow_cpu_{i}")
            made = [serve(checkout, database) for _ in range(int(replicas))]
            urls[name] = (made, [server.proc.pid for server in started[-int(replicas) :]])
        for name, (made, pids) in urls.items():
            conn = stores.Alternating(made)
            for _ in range(3):
                workloads.one_flow("", conn)  # warm-up
            servers, database, client = _cpu(pids), _cpu(_postgres_pids()), time.process_time()
            threads, backends = _threads_cpu(pids), _threads_cpu(_postgres_pids(), "PostgreSQL")
            began = time.perf_counter()
            for _ in range(args.flows):
                workloads.one_flow("", conn)
            n = args.flows
            wall = (time.perf_counter() - began) / n * 1000
            used = [(_cpu(pids) - servers) / n * 1000, (_cpu(_postgres_pids()) - database) / n * 1000]
            mine = (time.process_time() - client) / n * 1000
            print(
                f"{name:<10} wall {wall:6.1f} ms/flow   CPU per flow: servers {used[0]:5.1f} ms, "
                f"PostgreSQL {used[1]:5.1f} ms, client {mine:4.1f} ms",
                flush=True,
            )
            if args.threads:
                _print_threads(_threads_cpu(pids), threads, n)
                _print_threads(_threads_cpu(_postgres_pids(), "PostgreSQL"), backends, n)
            conn.close()
    finally:
        for server in started:
            server.stop()
        pg.close()


def _print_threads(after: Counter, before: Counter, flows: int) -> None:
    """Each thread's CPU (user + system) per flow between `before` and `after`, the most first."""
    used = {key: (after[key] - before[key]) / flows * 1000 for key in after}
    names = sorted({name for name, _ in used}, key=lambda name: -(used[(name, "user")] + used[(name, "system")]))
    for name in names:
        user, system = used[(name, "user")], used[(name, "system")]
        if user + system > 0:
            print(f"    {name:<28} {user + system:6.2f} ms (user {user:5.2f}, system {system:5.2f})")


if __name__ == "__main__":
    main()
