"""The CPU of one world's background sweep (every ticker, as control/background.py runs it each second on the
replica holding the world's lease), by store, with the world grown by one-client flows (a member each), in process.

    python bench/sweep_cost.py --members 100

PostgreSQL is a real server started here from pgserver's bundled binaries (tests/postgres_server.py).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import workloads
from bench.inprocess import _TestConnection
from mocknexus.app import create_app
from mocknexus.config import Config


def measure(config: Config, members: int, sweeps: int) -> float:
    """Milliseconds of this process's CPU per sweep of the world the flows made."""
    app = create_app(config)
    background = app.extensions["mocknexus.background"]
    background.stop()  # the sweeps measured are the ones run here
    try:
        conn = _TestConnection(app)
        for _ in range(members):
            workloads.one_flow("", conn)
        world = next(w for w in background.worlds.all() if w.client_id == "bench")
        background._run_world(world, True)  # warm
        began = time.process_time()
        for _ in range(sweeps):
            background._run_world(world, True)
        return (time.process_time() - began) / sweeps * 1000
    finally:
        store = app.extensions["mocknexus.store"][1]
        if hasattr(store, "close"):  # PostgreSQL's pool and listener
            store.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=100)
    parser.add_argument("--sweeps", type=int, default=20)
    args = parser.parse_args(argv)
    from tests.postgres_server import PostgresServer

    server = PostgresServer().init().start()
    try:
        stores = {"memory": None, "postgresql": server.create_database("sweep_cost")}
        for name, store in stores.items():
            config = Config(seed=7, job_time_scale=0, log_level="WARNING", store=store or "memory")
            cost = measure(config, args.members, args.sweeps)
            print(f"{name:<11} {args.members} members: {cost:6.2f} ms of CPU a sweep", flush=True)
    finally:
        server.close()


if __name__ == "__main__":
    main()
