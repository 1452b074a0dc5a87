"""Webhooks under `mocknexus serve`: does a subscribed receiver slow the partner's requests, and how many
deliveries per second does the background dispatcher send?

    python bench/webhooks.py            # 200 flows each way, interleaved in rounds; a backlog of ~1500 deliveries
    python bench/webhooks.py --quick    # seconds

1. Flow latency: the 12-step verification flow (bench/workloads.one_flow, MFA included) from one client,
   with no webhook URL vs with a real receiver subscribed (every event recorded and posted in the
   background), in alternating rounds on one server, so both see the same machine.
2. Deliveries per second: flows run while the receiver answers 503 (every delivery waits for its retry),
   then the receiver answers 204 and the client's clock is advanced past the first retry: the time for the
   whole backlog to drain (every delivery claimed, posted and recorded) gives deliveries/s.
Everything on 127.0.0.1; the receiver is mocknexus.webhook_receiver (http.server, threaded) in this process.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import servers
from bench.workloads import one_flow
from mocknexus.client import AdminClient
from mocknexus.webhook_receiver import WebhookReceiver

CLIENT = "bench"  # the client id bench/workloads.py's flows use


def _summary(times: list[float]) -> dict:
    times = sorted(times)
    return {
        "flows": len(times),
        "p50_ms": times[len(times) // 2] * 1000,
        "p95_ms": times[int(len(times) * 0.95)] * 1000,
        "mean_ms": sum(times) / len(times) * 1000,
    }


def measure(flows: int, rounds: int, backlog_flows: int) -> dict:
    with WebhookReceiver() as receiver, servers.mocknexus("waitress", {"MOCKNEXUS_JOB_TIME_SCALE": "0"}) as server:
        admin = AdminClient(server.url, client_id=CLIENT, timeout=120)
        for _ in range(5):
            one_flow(server.url)  # warm-up
        plain: list[float] = []
        subscribed: list[float] = []
        per_round = max(1, flows // rounds)
        for _ in range(rounds):
            admin.remove_webhooks()
            plain += [one_flow(server.url) for _ in range(per_round)]
            admin.configure_webhooks(receiver.url)
            subscribed += [one_flow(server.url) for _ in range(per_round)]
            # Drained before the next round without webhooks, so that round measures requests alone.
            admin.wait_for_deliveries(status="delivered", count=len(admin.deliveries()), timeout=120)
        delivered = len(admin.deliveries(status="delivered"))

        # The backlog: every delivery refused once, then all sent when the clock reaches their retry.
        admin.reset()  # an empty outbox (the world's state and clock too)
        admin.configure_webhooks(receiver.url)
        receiver.respond_with(503)
        for _ in range(backlog_flows):
            one_flow(server.url)
        total = len(admin.deliveries())
        admin.wait_for_deliveries(status="pending", attempts=1, count=1, timeout=60)
        receiver.respond_with(204)
        started = time.perf_counter()
        admin.advance_clock(20)
        admin.wait_for_deliveries(status="delivered", count=total, timeout=600)
        drained = time.perf_counter() - started
        return {
            "flow_without_webhooks": _summary(plain),
            "flow_with_receiver": _summary(subscribed),
            "p50_ratio": _summary(subscribed)["p50_ms"] / _summary(plain)["p50_ms"],
            "deliveries_in_flow_rounds": delivered,
            "backlog": {"deliveries": total, "seconds": drained, "per_s": total / drained},
        }


def table(r: dict) -> str:
    a, b, backlog = r["flow_without_webhooks"], r["flow_with_receiver"], r["backlog"]
    return "\n".join(
        [
            f"webhooks: verification flow, one client ({a['flows']} flows each way, interleaved rounds)",
            f"  no webhook URL        p50 {a['p50_ms']:.2f} ms   p95 {a['p95_ms']:.2f} ms",
            f"  receiver subscribed   p50 {b['p50_ms']:.2f} ms   p95 {b['p95_ms']:.2f} ms"
            f"   (p50 ratio {r['p50_ratio']:.2f}; {r['deliveries_in_flow_rounds']} deliveries sent meanwhile)",
            f"  deliveries/s (a backlog of {backlog['deliveries']} drained): {backlog['per_s']:.0f}"
            f" ({backlog['seconds']:.2f} s)",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json", default=None, help="also write the figures here")
    args = parser.parse_args(argv)
    found = measure(flows=20, rounds=2, backlog_flows=10) if args.quick else measure(200, 4, 150)
    print(table(found))
    if args.json:
        Path(args.json).write_text(json.dumps(found, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
