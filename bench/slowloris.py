"""Slow clients: connections that send a request's headers one line every few seconds, never finishing,
while normal requests are timed. A server that gives each connection a thread while it reads the headers
runs out of threads; one that reads requests whole in an event loop keeps answering.

    python bench/slowloris.py                      # every candidate server, 100 slow clients, 20 s each
"""

from __future__ import annotations

import argparse
import contextlib
import json
import socket
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import servers


def trickle(url: str, clients: int, interval_s: float, stop: threading.Event) -> threading.Thread:
    """Open `clients` connections to 127.0.0.1 that each send one more header line every `interval_s`."""
    host, port = url.removeprefix("http://").split(":")

    def run() -> None:
        socks = []
        for _ in range(clients):
            try:
                s = socket.create_connection((host, int(port)), timeout=5)
                s.sendall(b"GET /__admin/health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                socks.append(s)
            except OSError:
                pass
        n = 0
        while not stop.wait(interval_s):
            n += 1
            for s in socks:
                with contextlib.suppress(OSError):  # the server closed it: fine, one way to survive
                    s.sendall(b"X-Trickle-%d: x\r\n" % n)
        for s in socks:
            s.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def probe(url: str, timeout: float) -> float | None:
    """One normal request on a new connection: its seconds, or None if it was not answered in time."""
    started = time.perf_counter()
    try:
        status, _ = servers.get(url, "/__admin/health", timeout=timeout)
    except OSError:
        return None
    return time.perf_counter() - started if status == 200 else None


def measure(
    url: str, clients: int, interval_s: float, seconds: float, every_s: float = 0.5, timeout_s: float = 5.0
) -> dict:
    """Normal requests (one every `every_s`, `timeout_s` each) while `clients` slow connections trickle."""
    stop = threading.Event()
    slow = trickle(url, clients, interval_s, stop)
    time.sleep(min(interval_s, 2.0))  # every slow connection is open and has sent its first line
    results: list[float | None] = []
    lock = threading.Lock()

    def one() -> None:
        latency = probe(url, timeout=timeout_s)
        with lock:
            results.append(latency)

    probes = []
    for _ in range(max(1, int(seconds / every_s))):
        t = threading.Thread(target=one)
        t.start()
        probes.append(t)
        time.sleep(every_s)
    for t in probes:
        t.join()
    stop.set()
    slow.join(10)
    answered = sorted(r for r in results if r is not None)
    return {
        "slow_clients": clients,
        "probes": len(results),
        "answered": len(answered),
        "within_100ms": sum(1 for r in answered if r <= 0.1),
        "p50_ms": statistics.median(answered) * 1000 if answered else None,
        "max_ms": answered[-1] * 1000 if answered else None,
    }


def run_all(kinds: list[str], clients: int, interval_s: float, seconds: float, timeout_s: float = 5.0) -> dict:
    found = {}
    for kind in kinds:
        with servers.mocknexus(kind) as server:
            found[kind] = measure(server.url, clients, interval_s, seconds, timeout_s=timeout_s)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--interval", type=float, default=3.0, help="seconds between header lines")
    parser.add_argument("--seconds", type=float, default=20.0, help="how long normal requests are timed")
    parser.add_argument("--servers", default=",".join(servers.MOCKNEXUS))
    args = parser.parse_args()
    print(json.dumps(run_all(args.servers.split(","), args.clients, args.interval, args.seconds), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
