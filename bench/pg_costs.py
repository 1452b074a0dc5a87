"""PostgreSQL's CPU for each kind of round trip the one-client flow makes, measured on the database's side:
`werkzeug` servers in this process on one database (one replica, or two with the flow's calls alternating
between them), and around each round trip a request sends, the CPU its connection's backend process used
(Linux: /proc/<pid>/schedstat, in nanoseconds; the backend works only between the statements' arrival and its
answer). A kind is the statements sent together, by their prepared names: a commit is BEGIN, its partitions'
locks (bump_at and hold_at check the versions read themselves; bump and hold come with the check of each record
read), its writes, its notice to the other replicas and COMMIT, in one round trip; "(refused)" if its check
failed (it is sent again with the full check, or its request runs again).

    python bench/pg_costs.py                 # 100 flows on two replicas
    python bench/pg_costs.py --replicas 1 --split
    python bench/pg_costs.py --concurrent 100      # 100 flows at once: commits refused, and sent again

--split sends each statement of a commit in a round trip of its own (the same transaction, so the same work),
to tell them apart: each then also pays a round trip's own cost, about that of `SELECT 1` (printed first).
This process's replicas share one interpreter, so their times here say nothing; the database's CPU does not
depend on that.
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import flows, stores, workloads
from bench.roundtrips import _replicas
from mocknexus.store import postgres_wire

STATEMENT = re.compile(r"EXECUTE (\w+)|^(BEGIN|COMMIT|NOTIFY|SELECT|INSERT|UPDATE|DELETE|PREPARE|DEALLOCATE)")
# The statements of one text, where each starts (a literal holding ";EXECUTE " or ";NOTIFY " would be cut there;
# the flow's records hold none, and a cut only mislabels a measurement).
BOUNDARY = re.compile(r";(?=EXECUTE |NOTIFY |COMMIT$|BEGIN;)")


def _cpu_ns(pid: int) -> int:
    with open(f"/proc/{pid}/schedstat") as found:
        return int(found.read().split()[0])


def _kind(text: str) -> str:
    names = [a or b for a, b in (m.groups() for m in map(STATEMENT.match, text.split(";")) if m)]
    compact: list[str] = []
    for name in (n.removeprefix("mocknexus_") for n in names):  # runs of one statement as name xN
        if compact and compact[-1].split(" x")[0] == name:
            count = int(compact[-1].split(" x")[1]) if " x" in compact[-1] else 1
            compact[-1] = f"{name} x{count + 1}"
        else:
            compact.append(name)
    return " ".join(compact) or text[:40]


class Costs:
    """The database's CPU (ns) and the count per kind of round trip, taken around `exchange`."""

    def __init__(self, split: bool) -> None:
        self.split, self.on = split, False
        self.found: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        self._exchange = postgres_wire.exchange
        postgres_wire.exchange = self.exchange  # type: ignore[assignment]

    def exchange(self, conn, text: str) -> list[list[tuple]]:  # type: ignore[no-untyped-def]
        if not self.on:
            return self._exchange(conn, text)
        pid = conn.info.backend_pid
        if threading.current_thread().name.startswith("mocknexus-"):  # the replicas' own work (a sweep, a lease)
            began = _cpu_ns(pid)
            try:
                return self._exchange(conn, text)
            finally:
                self._add("(a replica's background) " + _kind(text), _cpu_ns(pid) - began)
        if self.split and text.startswith("BEGIN;") and text.endswith("COMMIT"):
            rows: list[list[tuple]] = []
            for part in BOUNDARY.split(text):
                began = _cpu_ns(pid)
                try:
                    rows += self._exchange(conn, part)
                except Exception:
                    self._exchange(conn, "ROLLBACK")  # as the whole text would have left nothing
                    raise
                self._add("  (commit's) " + _kind(part), _cpu_ns(pid) - began)
            return rows
        began, refused = _cpu_ns(pid), ""
        try:
            return self._exchange(conn, text)
        except Exception:  # a commit whose check failed (division by zero) or its locks deadlocked: rolled back
            refused = " (refused)"
            raise
        finally:
            self._add(_kind(text) + refused, _cpu_ns(pid) - began)

    def _add(self, kind: str, ns: int) -> None:
        entry = self.found[kind]
        entry[0] += 1
        entry[1] += ns


def _floor(url: str, times: int = 2000) -> float:
    """The database's CPU (us) for `SELECT 1` in a round trip of its own."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        pid = conn.info.backend_pid
        for _ in range(200):
            postgres_wire.exchange(conn, "SELECT 1")
        began = _cpu_ns(pid)
        for _ in range(times):
            postgres_wire.exchange(conn, "SELECT 1")
        return (_cpu_ns(pid) - began) / times / 1000


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--flows", type=int, default=100)
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--split", action="store_true", help="each statement of a commit in a round trip of its own")
    parser.add_argument(
        "--concurrent", type=int, default=0, help="that many flows at once instead (their commits meet in one world)"
    )
    args = parser.parse_args(argv)
    from tests.postgres_server import PostgresServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    costs = Costs(args.split)
    pg = PostgresServer().init().start()
    try:
        url = pg.create_database("pg_costs")
        print(f"a round trip's own cost (SELECT 1): {_floor(url):.0f} us of the database's CPU")
        with _replicas(url, args.replicas) as urls:
            time.sleep(1.5)  # the replicas learn of each other (postgres_notify.PEERS_SECONDS)
            for _ in range(3):
                workloads.one_flow("", stores.Alternating(urls))  # warm-up: the statements prepared
            costs.on = True
            if args.concurrent:
                ran = flows.concurrent_flows(urls[0], args.concurrent, 1, connect=lambda: stores.Alternating(urls))
                print(f"{args.concurrent} flows at once: {ran['ok']} ok, {ran['failed']} failed")
            else:
                for _ in range(args.flows):
                    workloads.one_flow("", stores.Alternating(urls))
            costs.on = False
    finally:
        pg.close()
    n = args.concurrent or args.flows
    total = sum(ns for kind, (_, ns) in costs.found.items() if not kind.startswith("(a replica's"))
    print(f"{args.replicas} replica(s), {n} flows: the database's CPU in the requests' round trips, "
          f"{total / n / 1e6:.2f} ms a flow (and the replicas' background work, below)")  # fmt: skip
    print(f"{'per flow':>9} {'us each':>8} {'us a flow':>10}  round trip (its statements)")
    for kind, (count, ns) in sorted(costs.found.items(), key=lambda item: -item[1][1]):
        print(f"{count / n:9.2f} {ns / count / 1000:8.0f} {ns / n / 1000:10.0f}  {kind}")


if __name__ == "__main__":
    main()
