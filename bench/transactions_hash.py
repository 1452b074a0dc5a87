#!/usr/bin/env python3
"""A seeded SHA-256 over ~1 228 transaction bodies of bench/transactions.py's world, for changes that must not
change a byte (issue 26, point 7's passes): the same hash before and after is the check.

    python bench/transactions_hash.py                  # this checkout
    python bench/transactions_hash.py --src ../main    # another one
    python bench/transactions_hash.py --out bodies.bin # also write the bodies (to diff two checkouts)

Under a frozen clock: 32 pages by member read three times (pages of 10, 37 and 100, four `includes` sets, both
API versions), lists by user and account with date bounds and v20250224's unix-timestamp bounds, and reads by
guid in both versions. Member, user and account guids (random per run) are renumbered before hashing.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FROZEN_AT = "2026-12-07T09:00:00+00:00"
INCLUDES = ("", "merchants", "classifications,merchants,repeating_transactions,geolocations", "repeating_transactions")


def bodies() -> tuple[list[bytes], int]:
    """Every body read, in order, and the world's transaction count."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import transactions_cpu as tc

    from mocknexus.app import create_app
    from mocknexus.config import Config

    app = create_app(Config(seed=7, job_time_scale=0, log_level="WARNING"))
    client = app.test_client()
    client.post("/__admin/clock/freeze", json={"at": FROZEN_AT}, headers={"Accept": "application/json"})
    page_path, member_path, total = tc._world(app, round(100_000 / 731 - 0.25, 1))
    v1 = tc.HEADERS
    v2 = {"Authorization": v1["Authorization"], "Accept": "application/json", "Accept-Version": "v20250224"}
    user = member_path.split("/")[2]
    account = client.get(f"/users/{user}/accounts", headers=v1).json["accounts"][0]["guid"]
    out: list[bytes] = []
    guids: list[str] = []
    pages = [1, 2, 3, 50, 99, 500, 996, *random.Random(5).sample(range(1, 997), 25)]
    base = page_path.split("&")[0]
    for rep in range(3):  # the third read of a page serves kept JSON where the checkout keeps it
        for number in pages:
            for headers in (v1, v2):
                for include in INCLUDES[:2] if rep else INCLUDES:
                    for size in (100,) if rep else (100, 10, 37):
                        url = f"{base}&records_per_page={size}&page={number}" + (f"&includes={include}" * bool(include))
                        answer = client.get(url, headers=headers)
                        out.append(url.encode() + str(headers).encode() + answer.data)
                        if rep == 0 and size == 100 and not include and headers is v1:
                            guids += [t["guid"] for t in answer.json["transactions"][:3]]
    for url in (
        f"/users/{user}/transactions?from_date=2000-01-01&records_per_page=1000&page=7",
        f"/users/{user}/accounts/{account}/transactions?from_date=2000-01-01&records_per_page=100&page=12",
        f"{member_path}/transactions?records_per_page=100&page=2",
        f"{member_path}/transactions?from_date=2025-03-01&to_date=2025-03-04",
        f"{member_path}/transactions?from_date=2025-03-01&to_date=2025-03-04&page=3",
    ):
        out += [client.get(url, headers=headers).data for headers in (v1, v2)]
    for low, high in ((1740830400, 1741000000), (1740830401, 1740900000)):
        url = f"{member_path}/transactions?from_date={low}&to_date={high}&records_per_page=100"
        out.append(client.get(url, headers=v2).data)
    for guid in guids:
        out += [client.get(f"/users/{user}/transactions/{guid}?includes=merchants", headers=h).data for h in (v1, v2)]
    return out, total


def digest(found: list[bytes]) -> tuple[bytes, str]:
    """The bodies joined, their random guids renumbered in order of appearance, and that blob's SHA-256."""
    seen: dict[bytes, bytes] = {}
    blob = re.sub(
        rb"(ACT|MBR|USR)-[0-9a-f-]{36}",
        lambda m: seen.setdefault(m.group(0), b"%s-%d" % (m.group(1), len(seen))),
        b"\n".join(found),
    )
    return blob, hashlib.sha256(blob).hexdigest()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--src", default="", help="import mocknexus from this checkout (default: this one)")
    parser.add_argument("--out", default="", help="write the renumbered bodies here")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(args.src).resolve()) if args.src else str(ROOT))
    found, total = bodies()
    blob, hexdigest = digest(found)
    if args.out:
        Path(args.out).write_bytes(blob)
    print(f"{len(found)} bodies, {len(blob)} bytes, {total} transactions in the world: sha256 {hexdigest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
