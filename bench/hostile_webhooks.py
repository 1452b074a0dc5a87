"""Issue 28's webhook fairness run (`python bench/hostile.py webhooks`): four client worlds whose receivers
refuse, answer 500, hang, or trickle their answer (N events each, one per member: N lanes, all due at once),
and a fifth
client with a healthy receiver firing an event every 0.2 s meanwhile. It reports the healthy client's lag
(from its fire call to the webhook's arrival) and how many of its events arrived. Every receiver is on
127.0.0.1; the server is `mocknexus serve` (waitress), from --src when given (the code before a change).
"""

from __future__ import annotations

import json
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from bench import servers
from bench.workloads import call, connection
from tests.hostile_receivers import socket_receiver

KEY = {"MD-API-KEY": "bench-key"}


@contextmanager
def _http_receiver(status: int, on_post: Callable[[dict], None] | None = None) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if on_post is not None:
                on_post(json.loads(body))
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    finally:
        server.shutdown()
        server.server_close()


def _session(url: str, client: str) -> dict:
    conn = connection(url)
    call(conn, "POST", f"/{client}/users.json", KEY, {"user": {"id": "u"}})
    token = call(conn, "GET", f"/{client}/users/u/api_token.json", KEY)["api_token"]["token"]
    session = call(conn, "POST", "/sessions", {"MD-API-TOKEN": token}, {"session": {"skip_aggregation": True}})
    return {"MD-SESSION-TOKEN": session["session"]["token"]}


def _member(conn, h: dict, n: int) -> str:  # type: ignore[no-untyped-def]
    """An MX Bank member with its own login (one per member: MX refuses the same credentials twice)."""
    bank = call(conn, "POST", "/institutions/search", h, {"institution": {"name": "MX Bank"}})["institutions"][0]
    creds = call(conn, "GET", f"/institutions/{bank['guid']}/credentials", h)["credentials"]
    values = {"LOGIN": f"mxuser{n}", "PASSWORD": "password"}
    credentials = [{"guid": c["guid"], "value": values[c["field_name"]]} for c in creds]
    body = {"member": {"institution_guid": bank["guid"], "skip_aggregation": True, "credentials": credentials}}
    return call(conn, "POST", "/members", h, body)["member"]["guid"]


def _fire(conn, client: str, guid: str) -> None:  # type: ignore[no-untyped-def]
    call(conn, "POST", f"/__admin/clients/{client}/members/{guid}/webhooks", {}, {"type": "MEMBER"})


def run(n: int, mocknexus: Callable) -> dict:  # mocknexus: hostile._mocknexus, a context manager
    arrivals: list[tuple[float, str]] = []  # (when, connection_status)
    lock = threading.Lock()

    def healthy_post(payload: dict) -> None:
        with lock:
            arrivals.append((time.perf_counter(), str(payload.get("connection_status"))))

    with (
        mocknexus() as server,
        _http_receiver(500) as failing,
        socket_receiver(trickle=False) as hanging,
        socket_receiver(trickle=True) as trickling,
        _http_receiver(204, healthy_post) as healthy,
    ):
        refused = f"http://127.0.0.1:{servers.free_port()}/hook"  # nobody listens there
        hostile = {"refuse": refused, "fail500": failing, "hang": hanging, "trickle": trickling}
        conn = connection(server.url)
        members: dict[str, list[str]] = {}
        for client, url in hostile.items():
            call(conn, "PUT", f"/__admin/clients/{client}/webhooks", {}, {"url": url})
            h = _session(server.url, client)
            members[client] = [_member(conn, h, i) for i in range(n)]
        call(conn, "PUT", "/__admin/clients/healthy/webhooks", {}, {"url": healthy, "types": ["CONNECTION_STATUS"]})
        healthy_member = _member(conn, _session(server.url, "healthy"), 0)
        started = time.perf_counter()
        for client, guids in members.items():  # n events per hostile world, one per member (lane)
            for guid in guids:
                _fire(conn, client, guid)
        flood_s = time.perf_counter() - started
        # The healthy client: a CONNECTION_STATUS event every 0.2 s (a status forced on its one member, each
        # different from the last); one member is one lane, so they arrive in the order they were raised,
        # and each one's lag is its arrival less the time of the call that raised it.
        sent_at: list[tuple[float, str]] = []
        for i in range(HEALTHY_EVENTS):
            status = STATUSES[i % len(STATUSES)]
            sent_at.append((time.perf_counter(), status))
            call(
                conn,
                "POST",
                f"/__admin/clients/healthy/members/{healthy_member}/status",
                {},
                {"connection_status": status},
            )
            time.sleep(0.2)
        deadline = time.perf_counter() + 30
        lags = _lags(arrivals, sent_at, lock)
        while len(lags) < HEALTHY_EVENTS and time.perf_counter() < deadline:
            time.sleep(0.2)
            lags = _lags(arrivals, sent_at, lock)
        return {
            "hostile_events_per_world": n,
            "hostile_worlds": list(hostile),
            "flood_recorded_in_s": round(flood_s, 1),
            "healthy_events": HEALTHY_EVENTS,
            "healthy_arrived_within_30s_of_the_last": len(lags),
            "healthy_lag": summary(lags),
            "hostile_attempts_recorded": {c: _attempts(conn, c) for c in hostile},
            "healthy_webhooks_received": len(arrivals),
        }


HEALTHY_EVENTS = 100


def _lags(arrivals: list[tuple[float, str]], sent: list[tuple[float, str]], lock: threading.Lock) -> list[float]:
    """Each event's lag: one member is one lane, so its webhooks arrive in the order they were raised; the
    i-th event is the first arrival after the (i-1)-th's with its status."""
    with lock:
        arrived = list(arrivals)
    lags, at = [], 0
    for when, status in sent:
        while at < len(arrived) and (arrived[at][1] != status or arrived[at][0] < when):
            at += 1
        if at == len(arrived):
            break
        lags.append((arrived[at][0] - when) * 1000)
        at += 1
    return lags


STATUSES = ["DENIED", "PREVENTED", "REJECTED", "LOCKED", "IMPEDED"]  # each sends CONNECTION_STATUS


def _attempts(conn, client: str) -> int:  # type: ignore[no-untyped-def]
    deliveries = call(conn, "GET", f"/__admin/clients/{client}/webhooks/deliveries", {})["deliveries"]
    return sum(len(d["attempts"]) for d in deliveries)


def summary(lags_ms: list[float]) -> dict:
    if not lags_ms:
        return {"n": 0}
    ordered = sorted(lags_ms)
    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95) - 1)], 1),
        "max_ms": round(ordered[-1], 1),
    }
