#!/usr/bin/env python3
"""bench/transactions.py's world in process: what a page of 100 transactions by member costs in CPU, against
a Platform member read, with no server, socket or client (so that other work on the machine changes the
figures far less than it changes the served ones; as bench/inprocess.py does for the member read).

    python bench/transactions_cpu.py                 # 100 000 transactions, 300 pages
    python bench/transactions_cpu.py --src ../main   # the same against another checkout (before/after)
    python bench/transactions_cpu.py --version v20250224   # the pages and the member read in v20250224

Pages are drawn at random over the whole history (`from_date` two years back): the first visit to each is
"cold" (whatever the list's first read did not make ahead is made then: a checkout with domain/data/listing.py's
read-ahead makes a long list's days and purchases at that first read), the second "warm" (kept), the third finds the page's transactions' JSON kept too
where the checkout keeps it (from a page's second read on: apis/platform/transaction_bytes.py).
Each call is timed in the calling thread's CPU time through the app's WSGI callable.
"""

from __future__ import annotations

import argparse
import base64
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CLIENT = "txbench"
HEADERS = {
    "Authorization": "Basic " + base64.b64encode(f"{CLIENT}:bench-key".encode()).decode(),
    "Accept": "application/vnd.mx.api.v1+json",
}


def _world(app: Any, per_day: float) -> tuple[str, str, int]:
    """bench/transactions.py's member, made through the test client: (page path, member path, total)."""
    client = app.test_client()
    client.post(f"/__admin/clients/{CLIENT}/test_accounts", json={
        "name": "busy", "user_id": "tx-bench-user",
        "accounts": [{"name": "Busy Checking", "type": "CHECKING", "account_number": "9876543210",
                      "routing_number": "091000019", "balance": 25000.0, "transactions_per_day": per_day}],
    }, headers={"Accept": "application/json"})  # fmt: skip
    user = client.post("/users", json={"user": {"id": "tx-bench-user"}}, headers=HEADERS).json["user"]["guid"]
    creds = client.get("/institutions/mxbank/credentials", headers=HEADERS).json["credentials"]
    values = {"LOGIN": "mxuser", "PASSWORD": "password"}
    answers = [{"guid": c["guid"], "value": values[c["field_name"]]} for c in creds]
    member = {"institution_code": "mxbank", "background_aggregation_is_disabled": True, "credentials": answers}
    body = {"member": member}
    member = client.post(f"/users/{user}/members", json=body, headers=HEADERS).json["member"]["guid"]
    read = f"/users/{user}/members/{member}"

    def settle() -> None:
        for _ in range(400):
            if not client.get(read + "/status", headers=HEADERS).json["member"]["is_being_aggregated"]:
                return
            time.sleep(0.05)
        raise RuntimeError("the member never settled")

    settle()
    client.post(read + "/extend_history", headers=HEADERS)
    settle()
    pages = read + "/transactions?from_date=2000-01-01&records_per_page=100"
    return pages, read, client.get(pages, headers=HEADERS).json["pagination"]["total_entries"]


def _caller(app: Any, path: str) -> Callable[[], float]:
    from werkzeug.test import EnvironBuilder

    base, _, query = path.partition("?")
    environ = EnvironBuilder(path=base, query_string=query or None, headers=HEADERS).get_environ()
    statuses: list[str] = []

    def start_response(status: str, headers: list, exc_info: Any = None) -> Callable:
        statuses.append(status)
        return lambda data: None

    def call() -> float:
        started = time.thread_time()
        for _chunk in app(dict(environ), start_response):
            pass
        spent = time.thread_time() - started
        if not statuses[-1].startswith("200"):
            raise RuntimeError(f"GET {path}: {statuses[-1]}")
        return spent

    return call


def _pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))] * 1000


# The reads in v20250224 (`--version v20250224`): the world is made as before, then read as MX's current version.
V20250224 = {"Authorization": HEADERS["Authorization"], "Accept": "application/json", "Accept-Version": "v20250224"}


def measure(samples: int = 300, target: int = 100_000, version: str = "v20111101") -> dict:
    from mocknexus.app import create_app
    from mocknexus.config import Config

    global HEADERS
    app = create_app(Config(seed=7, job_time_scale=0, log_level="WARNING"))
    page_path, member_path, total = _world(app, round(target / 731 - 0.25, 1))
    if version == "v20250224":
        HEADERS = V20250224
    pages = random.Random(26).sample(range(1, (total + 99) // 100 + 1), min(samples, (total + 99) // 100))
    read = _caller(app, member_path)
    calls = [_caller(app, f"{page_path}&page={page}") for page in pages]
    for _ in range(50):
        read()
    cold, warm, third, reads = [], [], [], []
    for call in calls:
        cold.append(call())
        reads.append(read())
    for call in calls:
        warm.append(call())
        reads.append(read())
    for call in calls[-50:]:  # the 50 pages read last: within what a checkout that keeps JSON keeps (16 MB)
        third.append(call())
        reads.append(read())
    found = {"transactions": total, "pages": len(pages)}
    for name, values in (("page_cold", cold), ("page_warm", warm), ("page_third", third), ("member_read", reads)):
        found[f"{name}_p50_ms"], found[f"{name}_p95_ms"] = _pct(values, 0.5), _pct(values, 0.95)
    return found


def table(found: dict) -> str:
    read = found["member_read_p95_ms"]
    lines = [f"in process, CPU ms per call: {found['transactions']} transactions, {found['pages']} random pages of 100"]
    for name, label in (("page_cold", "page, first visit"), ("page_warm", "page, second visit"),
                        ("page_third", "page, third visit"), ("member_read", "member read")):  # fmt: skip
        p50, p95 = found[f"{name}_p50_ms"], found[f"{name}_p95_ms"]
        lines.append(f"  {label:<20} p50 {p50:6.2f}   p95 {p95:6.2f}   p95 / member read p95 {p95 / read:5.2f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=int, default=300, help="random pages, each visited twice")
    parser.add_argument("--transactions", type=int, default=100_000)
    parser.add_argument("--src", default="", help="import mocknexus from this checkout (default: this one)")
    parser.add_argument("--version", default="v20111101", choices=["v20111101", "v20250224"], help="read as")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(args.src).resolve()) if args.src else str(ROOT))
    print(table(measure(args.samples, args.transactions, args.version)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
