"""Load generators: wrk (installed with apt-get if missing) and a small keep-alive one in Python."""

from __future__ import annotations

import http.client
import json
import math
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path


def ensure_wrk() -> None:
    if shutil.which("wrk"):
        return
    print("installing wrk (apt-get)...", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, env=env)


def wrk(url: str, headers: dict, seconds: float, connections: int, body: str | None = None) -> dict:
    args = ["wrk", "-t2", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency", url]
    for k, v in headers.items():
        args += ["-H", f"{k}: {v}"]
    with tempfile.TemporaryDirectory() as scratch:
        if body is not None:  # wrk sends a body through a Lua script
            script = Path(scratch) / "post.lua"
            script.write_text(f'wrk.method = "POST"\nwrk.body = {json.dumps(body)}\n')
            args += ["-s", str(script)]
        out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "rps": rps,
        "requests": requests,
        "p50_ms": _wrk_ms(re.search(r"50%\s+([\d.]+\w+)", out).group(1)),
        "p99_ms": _wrk_ms(re.search(r"99%\s+([\d.]+\w+)", out).group(1)),
        "non_2xx": int(errors.group(1)) if errors else 0,
        "socket_errors": sum(int(n) for n in socket_errors.groups()) if socket_errors else 0,
    }


def _wrk_ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def pyload(url: str, headers: dict, seconds: float, connections: int, body: str | None = None) -> dict:
    """A plain keep-alive load generator: --loadgen python, for environments without wrk."""
    host, port, path = re.match(r"http://([^:/]+):(\d+)(/.*)", url).groups()
    latencies: list[float] = []
    errors = [0, 0]  # non-2xx, socket errors
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def worker() -> None:
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        mine = []
        while time.perf_counter() < stop_at:
            t = time.perf_counter()
            try:
                conn.request("POST" if body else "GET", path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
            except OSError:
                errors[1] += 1
                conn.close()
                continue
            mine.append(time.perf_counter() - t)
            if response.status >= 300:
                errors[0] += 1
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    latencies.sort()
    # On a starved machine a short window can end before any request does: no latency to report, not a crash.
    nothing = not latencies
    return {
        "rps": len(latencies) / seconds,
        "requests": len(latencies),
        "p50_ms": math.nan if nothing else latencies[len(latencies) // 2] * 1000,
        "p99_ms": math.nan if nothing else latencies[int(len(latencies) * 0.99)] * 1000,
        "non_2xx": errors[0],
        "socket_errors": errors[1],
    }


def median_of(runs: int, measure: Callable[[], dict]) -> dict:
    return median([measure() for _ in range(runs)])


def median(results: list[dict]) -> dict:
    """Figure by figure, the median of several runs."""
    return {key: statistics.median(r[key] for r in results) for key in results[0]}
