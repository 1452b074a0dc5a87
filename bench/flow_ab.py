"""The one-client flow on several setups, compared flow by flow: each round runs one flow on every setup in turn
(memory's server first), so a change in the machine's load between them hits every setup alike, as bench/stores.py
interleaves its stores. Per setup: the flow's mean, p50 and p95, the CPU its servers used per flow (every
thread) and that of its PostgreSQL backends (found by the setup's own database), from /proc/<pid>/schedstat
(nanoseconds, Linux).

    python bench/flow_ab.py --rounds 200 new=.:2 old=/path/to/other/checkout:2 new1=.:1 old1=/path/...:1

bench/flow_cpu.py runs setups one after another and splits their CPU by thread; this one is for telling two
checkouts apart on a shared, noisy machine. Needs pgserver (`pip install -e '.[test]'`).
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg

from bench import stores, workloads
from bench.servers import Server, from_checkout


def _cpu_ns(pids: list[int]) -> int:
    """Nanoseconds of CPU the processes' threads have used; one gone counts nothing."""
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            for task in Path(f"/proc/{pid}/task").iterdir():
                with contextlib.suppress(OSError, ValueError):
                    total += int((task / "schedstat").read_text().split()[0])
    return total


def _backends(admin_url: str) -> dict[str, list[int]]:
    """Each database's backend processes now (a pool opens connections as it needs them: looked at again)."""
    with psycopg.connect(admin_url, autocommit=True) as conn:
        rows = conn.execute("SELECT datname, pid FROM pg_stat_activity WHERE datname LIKE 'flow_ab_%'").fetchall()
    found: dict[str, list[int]] = {}
    for database, pid in rows:
        found.setdefault(database, []).append(pid)
    return found


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("setups", nargs="+", help="name=checkout:replicas")
    args = parser.parse_args(argv)
    from tests.postgres_server import PostgresServer

    pg = PostgresServer().init().start()
    started: list[Server] = []

    def serve(checkout: str, store: str | None) -> Server:
        started.append(from_checkout(checkout, store))
        return started[-1]

    try:
        setups = [(name, *rest.rsplit(":", 1)) for name, rest in (s.split("=", 1) for s in args.setups)]
        made: dict[str, tuple[list[Server], str | None]] = {"memory": ([serve(setups[0][1], None)], None)}
        for name, checkout, replicas in setups:
            database = f"flow_ab_{name}"
            url = pg.create_database(database)
            made[name] = ([serve(checkout, url) for _ in range(int(replicas))], database)
        admin = pg.create_database("flow_ab_admin")
        conns = {name: stores.Alternating([s.url for s in servers]) for name, (servers, _) in made.items()}
        time.sleep(2)  # the replicas learn of each other (store/postgres_notify.py)
        for conn in conns.values():
            for _ in range(5):
                workloads.one_flow("", conn)  # warm-up
        times: dict[str, list[float]] = {name: [] for name in made}
        servers_ns, database_ns = dict.fromkeys(made, 0), dict.fromkeys(made, 0)
        backends = _backends(admin)
        for round_ in range(args.rounds):
            if round_ % 20 == 0:
                backends = _backends(admin)
            for name, conn in conns.items():
                pids = [server.proc.pid for server in made[name][0]]
                ours = backends.get(made[name][1] or "", [])
                began = _cpu_ns(pids), _cpu_ns(ours)
                times[name].append(workloads.one_flow("", conn))
                servers_ns[name] += _cpu_ns(pids) - began[0]
                database_ns[name] += _cpu_ns(ours) - began[1]
        n = args.rounds
        for name, found in times.items():
            found.sort()
            print(
                f"{name:<10} mean {sum(found) / n * 1000:6.1f}  p50 {found[n // 2] * 1000:6.1f}  "
                f"p95 {found[int(n * 0.95)] * 1000:6.1f} ms   CPU per flow: "
                f"servers {servers_ns[name] / n / 1e6:5.1f} ms, PostgreSQL {database_ns[name] / n / 1e6:5.1f} ms",
                flush=True,
            )
    finally:
        for server in started:
            server.stop()
        pg.close()


if __name__ == "__main__":
    main()
