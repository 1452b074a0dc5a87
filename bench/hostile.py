"""The hostile load of issue 21, bounded in count and time, against `mocknexus serve` on 127.0.0.1:

waits     N control-plane waits and N requests delayed by a 2 s latency fault in flight: the latency of
          /__admin/health and of another client's reads meanwhile
flood     RSS before and after N refused 1 MB requests
clients   RSS and the time of /__admin/clients and /__admin/state with N client ids holding a user each
slow      N connections trickling headers: the latency of normal requests meanwhile
schemathesis  every check under --api-key and --admin-token, each --mx-dialect (N examples per operation)
webhooks  four worlds whose receivers refuse, answer 500, hang or trickle (N events each), and a healthy
          fifth client's webhook lag meanwhile (bench/hostile_webhooks.py)
scale     N clients holding data at --max-clients N: refused creations' latency and another client's reads
          meanwhile, an inspector refresh's server time, one client's reads while snapshots run and with
          server-wide journal waits parked, the idle server's CPU with a server-wide webhook URL
          (bench/hostile_scale.py)

--src DIR runs the server from another checkout (the code before a change), the same bench driving it.

  python bench/hostile.py                  # every run, default sizes
  python bench/hostile.py waits --n 200
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import fuzz_dialects, hostile_scale, hostile_webhooks, servers
from bench.slowloris import measure as slow_measure

KEY = {"MD-API-KEY": "bench-key", "Content-Type": "application/json"}
PORTS = range(18800, 18900)  # this bench's own range (--ports), so that it runs beside other servers


_ports = list(PORTS)
_src: list[str] = []  # --src: the checkout the server runs from (empty: this one)


@contextmanager
def _mocknexus(env: dict | None = None) -> Iterator[servers.Server]:
    """`mocknexus serve` as the image runs it (waitress), on the first free port of PORTS."""
    port = servers.first_free(_ports)
    argv = [a.replace("{port}", str(port)) for a in servers.MOCKNEXUS["waitress"]]
    if _src:  # `-m mocknexus` would import this checkout (the bench's working directory) first
        start = f"import sys; sys.path.insert(0, {_src[0]!r}); from mocknexus.cli import main; sys.exit(main())"
        argv = [argv[0], "-c", start, *argv[3:]]
    server = servers.Server("mocknexus", argv, port, "/__admin/health", {**servers.QUIET, **(env or {})})
    try:
        yield server
    finally:
        server.stop()


def _request(port: int, method: str, path: str, body: bytes = b"", headers: dict | None = None) -> socket.socket:
    s = socket.create_connection(("127.0.0.1", port), timeout=60)
    head = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close", f"Content-Length: {len(body)}"]
    head += [f"{k}: {v}" for k, v in (headers or {}).items()]
    s.sendall(("\r\n".join(head) + "\r\n\r\n").encode() + body)
    return s


def _answer(s: socket.socket) -> int:
    data = b""
    while chunk := s.recv(65536):
        data += chunk
    s.close()
    return int(data.split(b" ", 2)[1]) if data else 0


def _call(port: int, method: str, path: str, body: bytes = b"", headers: dict | None = None) -> int:
    return _answer(_request(port, method, path, body, headers))


def _timed(url: str, path: str, headers: dict | None = None) -> float:
    started = time.perf_counter()
    status, _ = servers.get(url, path, headers=headers, timeout=30)
    assert status == 200, (path, status)
    return (time.perf_counter() - started) * 1000


def _ms(values: list[float]) -> dict:
    ordered = sorted(values)
    return {
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1], 1),
        "max_ms": round(ordered[-1], 1),
    }


def waits(n: int) -> dict:
    with _mocknexus() as server:
        port = server.port
        for client in ("slow", "busy", "watched"):
            _call(port, "POST", f"/{client}/users.json", b'{"user": {"id": "u"}}', KEY)
        _call(port, "POST", "/__admin/clients/slow/faults", b'{"path": "/slow/users/*", "latency_ms": 2000}', KEY)
        wait = "/__admin/clients/watched/requests/wait?path=/watched/users/event.json&count=1&timeout=60"
        parked = [_request(port, "GET", wait) for _ in range(n)]
        started = time.perf_counter()
        delayed = [_request(port, "GET", "/slow/users/u.json", headers=KEY) for _ in range(n)]
        time.sleep(0.5)
        # Sampled from now until every delayed request is answered: through the waits' re-checks (every
        # second) and the 200 delayed requests all resuming at once (at 2 s).
        samples: dict[str, list[tuple[float, float]]] = {"health": [], "reads": []}
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                for name, path, headers in (("health", "/__admin/health", None), ("reads", "/busy/users/u.json", KEY)):
                    at = time.perf_counter() - started
                    samples[name].append((at, _timed(server.url, path, headers)))

        sampler = threading.Thread(target=sample)
        sampler.start()
        delayed_ok = sum(_answer(s) == 200 for s in delayed)
        delayed_s = time.perf_counter() - started
        done.set()
        sampler.join()
        health, reads = ([ms for _, ms in samples[name]] for name in ("health", "reads"))
        _call(port, "GET", "/watched/users/event.json", headers=KEY)
        event = time.perf_counter()
        waits_ok = sum(_answer(s) == 200 for s in parked)
        return {
            "waits": n,
            "delayed_2s": n,
            "health": {**_ms(health), "n": len(health), "slowest_at_s": _slowest_at(samples["health"])},
            "other_client_reads": {**_ms(reads), "n": len(reads), "slowest_at_s": _slowest_at(samples["reads"])},
            "delayed_answered_200": delayed_ok,
            "delayed_all_answered_after_s": round(delayed_s, 2),
            "waits_answered_200": waits_ok,
            "waits_answered_after_event_s": round(time.perf_counter() - event, 2),
        }


def _slowest_at(samples: list[tuple[float, float]]) -> float:
    """When (seconds after the delayed requests were sent) the slowest of `samples` started."""
    return round(max(samples, key=lambda sample: sample[1])[0], 2)


def flood(n: int) -> dict:
    with _mocknexus() as server:
        body = b"{" + b"x" * 1_000_000
        for _ in range(20):
            _call(server.port, "POST", "/flood/users.json", body, KEY)
        before = server.rss_mb()
        started = time.perf_counter()
        statuses = [_call(server.port, "POST", "/flood/users.json", body, KEY) for _ in range(n)]
        return {
            "refused_1mb_requests": n,
            "statuses": sorted(set(statuses)),
            "seconds": round(time.perf_counter() - started, 1),
            "rss_before_mb": round(before, 1),
            "rss_after_mb": round(server.rss_mb(), 1),
        }


def clients(n: int) -> dict:
    with _mocknexus({"MOCKNEXUS_MAX_CLIENTS": str(n + 1000)}) as server:  # each id holds a user: all kept
        before = server.rss_mb()
        created_s = hostile_scale.fill(server, n)
        return {
            "client_ids": n,
            "created_in_s": round(created_s, 1),
            "rss_before_mb": round(before, 1),
            "rss_after_mb": round(server.rss_mb(), 1),
            "admin_clients": _ms([_timed(server.url, "/__admin/clients") for _ in range(5)]),
            # The first snapshot converts every world; later ones only the worlds written to since.
            "admin_state_first_ms": round(_timed(server.url, "/__admin/state"), 1),
            "admin_state": _ms([_timed(server.url, "/__admin/state") for _ in range(5)]),
            "admin_state_after_100_writes": _ms(_state_after_writes(server, n, 100, rounds=3)),
            "inspector_polls": {path: _ms([_timed(server.url, path) for _ in range(5)]) for path in INSPECTOR_POLLS},
            "health": _ms([_timed(server.url, "/__admin/health") for _ in range(20)]),
            "rss_end_mb": round(server.rss_mb(), 1),
        }


# What the inspector's page polls with no client chosen (mocknexus/apis/inspector/static/*.js): the server-wide views.
INSPECTOR_POLLS = (
    "/__admin/clock",
    "/__admin/requests?limit=100",
    "/__admin/members?limit=100",
    "/__admin/scenarios",
    "/__admin/faults",
    "/__admin/sessions",
    "/__admin/webhooks",
    "/__admin/webhooks/deliveries",
    "/__admin/clients?records_per_page=1000",
)


def _state_after_writes(server: servers.Server, n: int, writes: int, rounds: int) -> list[float]:
    """The server-wide snapshot's time after `writes` clients each gained a user since the last one."""
    times = []
    for r in range(rounds):
        for i in range(writes):
            body = json.dumps({"user": {"id": f"w{r}"}}).encode()
            _call(server.port, "POST", f"/client-{(r * writes + i) * 7 % n}/users.json", body, KEY)
        times.append(_timed(server.url, "/__admin/state"))
    return times


def slow(n: int) -> dict:
    with _mocknexus({"MOCKNEXUS_READ_TIMEOUT": "120"}) as server:
        return {"slow_connections": n, **slow_measure(server.url, n, interval_s=2.0, seconds=10.0)}


def schemathesis(n: int) -> dict:
    """bench/fuzz_dialects.py: every check, under --api-key and --admin-token, for each --mx-dialect (n
    examples per operation)."""
    workdir = Path(tempfile.mkdtemp(prefix="mocknexus-fuzz-"))
    (workdir / "fuzz_hooks.py").write_text(fuzz_dialects.HOOKS)
    found = {}
    for dialect in fuzz_dialects.DIALECTS:
        found[dialect] = fuzz_dialects.run(dialect, n, servers.first_free(_ports), workdir)
        found[dialect].pop("command")
    return {"examples_per_operation": n, "reports": str(workdir), **found}


def main() -> None:
    runs = {"waits": (waits, 200), "flood": (flood, 1500), "clients": (clients, 20_000), "slow": (slow, 1000),
            "schemathesis": (schemathesis, 5), "webhooks": (lambda n: hostile_webhooks.run(n, _mocknexus), 500),
            "scale": (lambda n: hostile_scale.scale(n, _mocknexus, INSPECTOR_POLLS), 20_000)}  # fmt: skip
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("which", nargs="*", help=f"any of {', '.join(runs)} (default: all)")
    parser.add_argument("--n", type=int, default=None, help="the size of each run (default: per run)")
    parser.add_argument("--ports", default=f"{PORTS.start}-{PORTS.stop - 1}", help="the ports its servers may take")
    parser.add_argument("--src", default="", help="run the server from this checkout (default: this one)")
    args = parser.parse_args()
    _ports[:] = servers.port_range(args.ports)
    _src[:] = [str(Path(args.src).resolve())] if args.src else []
    unknown = sorted(set(args.which) - set(runs))
    if unknown:
        parser.error(f"unknown run(s): {', '.join(unknown)}")
    for name in args.which or list(runs):
        run, default = runs[name]
        print(json.dumps({name: run(args.n or default)}), flush=True)


if __name__ == "__main__":
    main()
