"""Round trips to PostgreSQL per call, counted in process: `werkzeug` servers in this process on one database
(one replica, or two with every call going to the other), the store's sends counted, and how many requests
were run again because an optimistic transaction found its world moved (store/postgres.py).

    python bench/roundtrips.py            # 200 member reads and 10 flows on each setup

Counts, not times: they do not move with the machine's load. Every read is sent as soon as the last one is
answered, so a session's slide (once per emulated second) is amortized over the reads of that second.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import statistics
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from werkzeug.serving import make_server

from bench import stores, workloads
from mocknexus.app import create_app
from mocknexus.config import Config
from mocknexus.store import postgres
from mocknexus.store.base import WorldMoved

SENDS = {"count": 0, "reruns": 0, "background": 0}


def _count_sends() -> None:
    send = postgres.PostgresStore._send

    def counted(self, conn, statements, *args, **kwargs):  # type: ignore[no-untyped-def]
        SENDS["count"] += 1
        if threading.current_thread().name.startswith("mocknexus-"):  # the replicas' own work, not a request's
            SENDS["background"] += 1
        return send(self, conn, statements, *args, **kwargs)

    postgres.PostgresStore._send = counted  # type: ignore[method-assign]
    scope = getattr(postgres.PostgresStore, "scope", None)
    if scope is not None:

        def counting_scope(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            return _Counted(scope(self, *args, **kwargs))

        postgres.PostgresStore.scope = counting_scope  # type: ignore[method-assign]


class _Counted:
    """A request's scope: one that ends in WorldMoved (StaleCopy too) is a request run again."""

    def __init__(self, inner) -> None:  # type: ignore[no-untyped-def]
        self.inner = inner

    @property
    def wrote(self) -> bool:
        return getattr(self.inner, "wrote", True)

    @property
    def trips(self) -> int:
        return getattr(self.inner, "trips", 0)

    def __enter__(self) -> None:
        self.inner.__enter__()

    def __exit__(self, kind, error, trace):  # type: ignore[no-untyped-def]
        try:
            return self.inner.__exit__(kind, error, trace)
        except WorldMoved:
            SENDS["reruns"] += 1
            raise
        finally:
            if kind is not None and issubclass(kind, WorldMoved):
                SENDS["reruns"] += 1


@contextlib.contextmanager
def _replicas(url: str, count: int) -> Iterator[list[str]]:
    servers, apps = [], []
    for _ in range(count):
        config = Config.from_env({"MOCKNEXUS_STORE": url, "MOCKNEXUS_JOB_TIME_SCALE": "0"})
        app = create_app(config)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        apps.append(app)
    try:
        yield [f"http://127.0.0.1:{s.server_port}" for s in servers]
    finally:
        for server, app in zip(servers, apps, strict=True):
            server.shutdown()
            app.extensions["mocknexus.background"].stop()
            app.extensions["mocknexus.store"][1].close()  # before the database stops: no reconnecting pool left


def _measure(urls: list[str], reads: int, flows: int) -> dict:
    path, headers = workloads.prepare_member(urls[0])
    conn = stores.Alternating(urls)
    SENDS.update(count=0, reruns=0)
    for _ in range(reads):
        conn.request("GET", path, headers=headers)
        assert conn.getresponse().read()
    read = {"per_read": SENDS["count"] / reads, "reruns": SENDS["reruns"]}
    SENDS.update(count=0, reruns=0, background=0)
    requests = []
    for _ in range(flows):
        before = SENDS["count"] - SENDS["background"]
        workloads.one_flow("", stores.Alternating(urls))
        requests.append(SENDS["count"] - SENDS["background"] - before)
    flow = {
        "per_flow": SENDS["count"] / flows,
        # The requests' own round trips (without the replicas' background work: its lease, once a second each):
        # each flow's, and their median (the first flow of a world, and a session's slide once a second, add).
        "requests_per_flow": requests,
        "requests_median": statistics.median(requests),
        "reruns": SENDS["reruns"],
    }
    return {"member_read": read, "flow": flow}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reads", type=int, default=200)
    parser.add_argument("--flows", type=int, default=10)
    args = parser.parse_args(argv)
    from tests.postgres_server import PostgresServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
    _count_sends()
    pg = PostgresServer().init().start()
    results = {}
    try:
        for name, count in (("postgresql_1_replica", 1), ("postgresql_2_replicas", 2)):
            with _replicas(pg.create_database(f"rt_{count}"), count) as urls:
                results[name] = _measure(urls, args.reads, args.flows)
    finally:
        pg.close()
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
