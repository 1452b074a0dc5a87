#!/usr/bin/env python3
"""A world with 100 000 transactions: a page of 100 by member against a member read, and what they cost in memory.

    python bench/transactions.py                # 100 000 transactions, 400 samples of each read
    python bench/transactions.py --quick        # 10 000 transactions, 60 samples (the smoke test)
    python bench/transactions.py --src ../main  # the same run against another checkout's server (before/after)

One MX Bank member whose login is declared (control plane) with one checking account generating enough
everyday purchases a day that, once extend_history has reached its 24 months, the member holds about
100 000 transactions. One client on one keep-alive connection then alternates a page of 100 by member (a
random page of the whole history: `from_date` two years back) and the Platform member read of the same
member, on the shipped server (waitress), and reports each one's p50/p95 and their ratio. The list's first
read is timed alone (a long list makes its days then). Memory: the server's RSS after the member connected
(before any transaction was read), after the first page, after paging through every page once, and the
process's RSS before the member existed. A read is timed to its last byte (the body is read,
not parsed: parsing 126 kB of JSON in this client is not the server's answer).
"""

from __future__ import annotations

import argparse
import base64
import json
import random
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import servers, workloads

CLIENT = "txbench"
HEADERS = {
    "Authorization": "Basic " + base64.b64encode(f"{CLIENT}:bench-key".encode()).decode(),
    "Accept": "application/vnd.mx.api.v1+json",
}


def _admin(conn, method: str, path: str, body: dict | None = None) -> dict:
    return workloads.call(conn, method, f"/__admin/clients/{CLIENT}{path}", {"Accept": "application/json"}, body)


def world(url: str, per_day: float) -> tuple[str, str]:
    """The member's paths (transactions, member read), none of its transactions read yet."""
    conn = workloads.connection(url, timeout=600)
    _admin(conn, "POST", "/test_accounts", {
        "name": "busy", "user_id": "tx-bench-user",
        "accounts": [{"name": "Busy Checking", "type": "CHECKING", "account_number": "9876543210",
                      "routing_number": "091000019", "balance": 25000.0, "transactions_per_day": per_day}],
    })  # fmt: skip
    user = workloads.call(conn, "POST", "/users", HEADERS, {"user": {"id": "tx-bench-user"}})["user"]["guid"]
    creds = workloads.call(conn, "GET", "/institutions/mxbank/credentials", HEADERS)["credentials"]
    values = {"LOGIN": "mxuser", "PASSWORD": "password"}
    credentials = [{"guid": c["guid"], "value": values[c["field_name"]]} for c in creds]
    body = {"member": {"institution_code": "mxbank", "background_aggregation_is_disabled": True,
                       "credentials": credentials}}  # fmt: skip
    member = workloads.call(conn, "POST", f"/users/{user}/members", HEADERS, body)["member"]["guid"]
    read = f"/users/{user}/members/{member}"
    _settle(conn, read)
    workloads.call(conn, "POST", read + "/extend_history", HEADERS)
    _settle(conn, read)
    return read + "/transactions?from_date=2000-01-01&records_per_page=100", read


def _settle(conn, read: str) -> None:
    for _ in range(200):
        if not workloads.call(conn, "GET", read + "/status", HEADERS)["member"]["is_being_aggregated"]:
            return
        time.sleep(0.05)
    raise RuntimeError("the member never settled")


def _timed(conn, path: str) -> float:
    started = time.perf_counter()
    conn.request("GET", path, headers=HEADERS)
    response = conn.getresponse()
    response.read()
    spent = time.perf_counter() - started
    if response.status != 200:
        raise RuntimeError(f"GET {path}: {response.status}")
    return spent


@contextmanager
def _server(src: str) -> Iterator[servers.Server]:
    """The shipped server (waitress) from this checkout, or from `src` (another checkout: before/after)."""
    env = {**servers.QUIET, "MOCKNEXUS_JOB_TIME_SCALE": "0"}
    if not src:
        with servers.mocknexus("waitress", env) as server:
            yield server
        return
    port = servers.free_port()
    argv = [a.replace("{port}", str(port)) for a in servers.MOCKNEXUS["waitress"]]
    # `-m mocknexus` would import this checkout (the bench's working directory) first.
    root = str(Path(src).resolve())
    start = f"import sys; sys.path.insert(0, {root!r}); from mocknexus.cli import main; sys.exit(main())"
    server = servers.Server("mocknexus", [argv[0], "-c", start, *argv[3:]], port, "/__admin/health", env)
    try:
        yield server
    finally:
        server.stop()


def _pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))] * 1000


def measure(quick: bool = False, samples: int | None = None, src: str = "") -> dict:
    target = 10_000 if quick else 100_000
    samples = samples or (60 if quick else 400)
    # A checking account makes 1.6 purchases a day at rate 1 plus its bills; 730 days of history.
    per_day = round(target / 731 - 0.25, 1)
    with _server(src) as server:
        rss_empty = server.rss_mb()
        page_path, member_path = world(server.url, per_day)
        rss_connected = server.rss_mb()
        conn = workloads.connection(server.url)
        # The list's first read: where a long list makes its days (domain/data/listing.py's read-ahead).
        started = time.perf_counter()
        total = workloads.call(conn, "GET", page_path, HEADERS)["pagination"]["total_entries"]
        first_read_ms = (time.perf_counter() - started) * 1000
        rss_first_read = server.rss_mb()
        pages = (total + 99) // 100
        rng = random.Random(26)
        for _ in range(5):  # warm-up
            _timed(conn, member_path)
            _timed(conn, f"{page_path}&page={rng.randint(1, pages)}")
        page_times, read_times = [], []
        for _ in range(samples):
            read_times.append(_timed(conn, member_path))
            page_times.append(_timed(conn, f"{page_path}&page={rng.randint(1, pages)}"))
        started = time.perf_counter()
        for page in range(1, pages + 1):
            workloads.call(conn, "GET", f"{page_path}&page={page}", HEADERS)
        every_page_s = time.perf_counter() - started
        rss_after = server.rss_mb()
    return {
        "transactions": total,
        "pages_of_100": pages,
        "samples": samples,
        "page_p50_ms": _pct(page_times, 0.50),
        "page_p95_ms": _pct(page_times, 0.95),
        "member_read_p50_ms": _pct(read_times, 0.50),
        "member_read_p95_ms": _pct(read_times, 0.95),
        "p95_ratio": _pct(page_times, 0.95) / _pct(read_times, 0.95),
        "every_page_s": every_page_s,
        "rss_mb_empty": rss_empty,
        "rss_mb_connected": rss_connected,
        "first_read_ms": first_read_ms,
        "rss_mb_after_first_read": rss_first_read,
        "rss_mb_after_every_page": rss_after,
    }


def table(found: dict) -> str:
    return "\n".join([
        f"transactions: {found['transactions']} in one member ({found['pages_of_100']} pages of 100), "
        f"{found['samples']} samples of each read, one client, alternating",
        f"  page of 100 by member   p50 {found['page_p50_ms']:7.2f} ms   p95 {found['page_p95_ms']:7.2f} ms",
        f"  member read (Platform)  p50 {found['member_read_p50_ms']:7.2f} ms   "
        f"p95 {found['member_read_p95_ms']:7.2f} ms",
        f"  p95 ratio page / member read: {found['p95_ratio']:.2f} (target within 3)",
        f"  the list's first read: {found['first_read_ms']:.1f} ms (a long list is made then), "
        f"every page once: {found['every_page_s']:.1f} s",
        f"  RSS: {found['rss_mb_empty']:.1f} MB before the member, {found['rss_mb_connected']:.1f} MB connected "
        f"(nothing read), {found['rss_mb_after_first_read']:.1f} MB after the first page, "
        f"{found['rss_mb_after_every_page']:.1f} MB after reading every page",
    ])  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--samples", type=int, default=None)
    parser.add_argument("--src", default="", help="run the server from this checkout (default: this one)")
    args = parser.parse_args(argv)
    found = measure(args.quick, args.samples, args.src)
    print(table(found))
    print(json.dumps(found))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
