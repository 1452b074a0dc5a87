"""Issue 28's costs at scale (`python bench/hostile.py scale`): one server at --max-clients N filled with N
client ids holding a user each, then
- cap: refused creations (503) timed, and another client's reads timed meanwhile;
- inspector: each server-wide poll of one inspector refresh timed, and the server's CPU time for all of them;
- snapshots: one client's reads timed while whole-server snapshots (GET /__admin/state) run back to back;
- journal waits: one client's reads (4 threads, 3 s) with 0, 1 and 4 server-wide journal waits parked (each
  woken by every call), as reads/s and the server's CPU time per read;
- idle: the server's CPU share over 10 s with nothing to do and a server-wide webhook URL configured.
Every request goes to 127.0.0.1; the webhook URL is a loopback receiver.
"""

from __future__ import annotations

import http.client
import statistics
import threading
import time
from collections.abc import Callable, Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from bench import servers

KEY = {"MD-API-KEY": "bench-key", "Content-Type": "application/json"}


def _ms(values: list[float]) -> dict:
    if not values:
        return {"n": 0}
    ordered = sorted(values)
    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95) - 1)], 1),
        "max_ms": round(ordered[-1], 1),
    }


def _timed(
    server: servers.Server, method: str, path: str, body: bytes = b"", headers: dict | None = None
) -> tuple[int, float]:

    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    started = time.perf_counter()
    try:
        conn.request(method, path, body=body or None, headers=headers or {})
        response = conn.getresponse()
        response.read()
        return response.status, (time.perf_counter() - started) * 1000
    finally:
        conn.close()


def fill(server: servers.Server, n: int) -> float:
    """Clients client-0 .. client-{n-1}, each holding a user, made by 8 threads; the seconds it took."""
    started = time.perf_counter()
    lock = threading.Lock()
    ids = iter(range(n))

    def create() -> None:
        while True:
            with lock:
                i = next(ids, None)
            if i is None:
                return
            _timed(server, "POST", f"/client-{i}/users.json", b'{"user": {"id": "u"}}', KEY)

    workers = [threading.Thread(target=create) for _ in range(8)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return time.perf_counter() - started


def _reads_while(server: servers.Server, busy: Callable[[threading.Event], None], seconds: float) -> tuple[list, int]:
    """One client's reads (a user of client-1) timed while `busy` runs in another thread for `seconds`."""
    stop = threading.Event()
    count = [0]

    def run_busy() -> None:
        while not stop.is_set():
            busy(stop)
            count[0] += 1

    thread = threading.Thread(target=run_busy)
    thread.start()
    reads = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        status, ms = _timed(server, "GET", "/client-1/users/u.json", headers=KEY)
        assert status == 200, status
        reads.append(ms)
        time.sleep(0.01)
    stop.set()
    thread.join()
    return reads, count[0]


def _read_rate(server: servers.Server, seconds: float, threads: int = 4) -> dict:
    """One client's reads back to back on `threads` threads: reads/s and the server's CPU ms per read."""
    count = [0]
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def read() -> None:
        while time.perf_counter() < deadline:
            status, _ = _timed(server, "GET", "/client-1/users/u.json", headers=KEY)
            assert status == 200, status
            with lock:
                count[0] += 1

    cpu_before, started = server.cpu_seconds(), time.perf_counter()
    workers = [threading.Thread(target=read) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    cpu_ms = (server.cpu_seconds() - cpu_before) * 1000
    return {
        "reads_per_s": round(count[0] / (time.perf_counter() - started)),
        "cpu_ms_per_read": round(cpu_ms / count[0], 3),
    }


def _with_journal_waits(server: servers.Server, seconds: float = 3.0) -> dict:
    """Reads with 0, 1 and 4 server-wide journal waits parked (for a path no call takes)."""
    found = {}
    parked: list[threading.Thread] = []
    for waiters in (0, 1, 4):
        while len(parked) < waiters:  # each ends (408) after the phase that holds it
            timeout = round((seconds + 0.5) * (2 if waiters == 1 else 1) + 0.5, 1)
            wait = f"/__admin/requests/wait?path=/no-such-path&count=1&timeout={timeout}"
            thread = threading.Thread(target=_timed, args=(server, "GET", wait), daemon=True)
            thread.start()
            parked.append(thread)
        time.sleep(0.5)  # each wait's first look (at every entry) is over
        found[f"{waiters}_waits"] = _read_rate(server, seconds)
    for thread in parked:  # none is left to cost anything in what is measured next
        thread.join()
    base = found["0_waits"]["cpu_ms_per_read"]
    for waiters in (1, 4):
        found[f"{waiters}_waits"]["cpu_per_read_vs_0"] = round(found[f"{waiters}_waits"]["cpu_ms_per_read"] / base, 2)
    return found


def _receiver() -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def scale(n: int, mocknexus: Callable, polls: Iterable[str]) -> dict:
    with mocknexus({"MOCKNEXUS_MAX_CLIENTS": str(n)}) as server:
        created_s = fill(server, n)
        baseline, _ = _reads_while(server, lambda stop: stop.wait(0.05), 3)

        refusals: list[float] = []

        def refuse(stop: threading.Event) -> None:
            status, ms = _timed(server, "POST", f"/over-{len(refusals)}/users.json", b'{"user": {"id": "u"}}', KEY)
            assert status == 503, status
            refusals.append(ms)

        reads_at_cap, _ = _reads_while(server, refuse, 5)

        refresh = {}
        cpu_before = server.cpu_seconds()
        for path in polls:
            status, ms = _timed(server, "GET", path)
            refresh[path] = round(ms, 1)
        refresh_cpu_ms = (server.cpu_seconds() - cpu_before) * 1000

        snapshots: list[float] = []

        def snapshot(stop: threading.Event) -> None:
            _, ms = _timed(server, "GET", "/__admin/state")
            snapshots.append(ms)

        reads_during_snapshots, _ = _reads_while(server, snapshot, 10)
        journal_waits = _with_journal_waits(server)

        receiver = _receiver()
        url = f"http://127.0.0.1:{receiver.server_address[1]}/hook"
        status, _ = _timed(server, "PUT", "/__admin/webhooks", f'{{"url": "{url}"}}'.encode(), KEY)
        assert status == 200, status
        time.sleep(2)  # let the first sweep pass
        cpu_before, wall_before = server.cpu_seconds(), time.perf_counter()
        time.sleep(10)
        idle_share = (server.cpu_seconds() - cpu_before) / (time.perf_counter() - wall_before)
        receiver.shutdown()
        return {
            "clients_holding_data": n,
            "created_in_s": round(created_s, 1),
            "cap": {
                "refused_503": _ms(refusals),
                "other_client_reads": _ms(reads_at_cap),
                "reads_before": _ms(baseline),
            },
            "inspector_refresh": {
                "wall_ms_by_poll": refresh,
                "wall_ms_total": round(sum(refresh.values()), 1),
                "server_cpu_ms": round(refresh_cpu_ms, 1),
            },
            "snapshots": {"admin_state": _ms(snapshots), "one_clients_reads_meanwhile": _ms(reads_during_snapshots)},
            "reads_with_server_wide_journal_waits": journal_waits,
            "idle_with_server_webhook_url": {"cpu_share_of_a_core": round(idle_share, 3), "seconds": 10},
            "rss_mb": round(server.rss_mb(), 1),
        }
