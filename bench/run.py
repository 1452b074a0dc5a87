#!/usr/bin/env python3
"""mocknexus benchmark: one command, one run, every server on loopback, ratios computed within the run.

    python bench/run.py                 # the full table (a few minutes); writes bench/results.json
    python bench/run.py --quick         # a tiny configuration (seconds), as the smoke test runs it

Measures (each figure the median of --runs runs):
  1. authenticated GET /members/{guid}: requests/s, p50, p99 on mocknexus under gunicorn (as in the image)
     and under `mocknexus serve`;
  2. the same load on a bare Flask app (bench/bare_app.py) under the same two servers: the ceiling;
  3. the same load shape on moto_server (moto's stateful emulator): an authenticated S3 GetObject;
  4. the whole verification flow from one client: flows/s, p50/p95 per flow;
  5. member read and institution search with a small vs a large state;
  6. start-up (process start to first 200 on health) and RSS idle / under load.
Load comes from wrk (installed with apt-get if missing); --loadgen python uses a small built-in
generator instead (the smoke test, where installing is not wanted).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mocknexus.client import open_session  # noqa: E402

GUNICORN = ["--workers", "1", "--threads", "8"]  # as the Docker image runs it


# ---- servers ----------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A server process on loopback: started, timed to its first 200, measured, stopped."""

    def __init__(self, name: str, argv: list[str], port: int, health: str, env: dict | None = None) -> None:
        self.name, self.port, self.health = name, port, health
        self.url = f"http://127.0.0.1:{port}"
        started = time.perf_counter()
        self.proc = subprocess.Popen(
            argv,
            env={**os.environ, **(env or {})},
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = started + 60
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{name} exited with {self.proc.returncode}")
            try:
                if _get(self.url + health, {}, timeout=1)[0] == 200:
                    break
            except OSError:
                time.sleep(0.01)
        else:
            self.stop()
            raise RuntimeError(f"{name} did not answer {health}")
        self.startup_s = time.perf_counter() - started

    def rss_mb(self) -> float:
        """Resident memory of the process and its children (gunicorn's workers)."""
        pids = [self.proc.pid, *_children(self.proc.pid)]
        total = 0
        for pid in pids:
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            except OSError:
                pass
        return total / 1024

    def stop(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(self.proc.pid, signal.SIGKILL)


def _children(pid: int) -> list[int]:
    try:
        found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    kids = [int(p) for p in found]
    return kids + [g for k in kids for g in _children(k)]


@contextmanager
def running(name: str, argv: list[str], health: str = "/__admin/health", env: dict | None = None, port: int = 0):
    port = port or free_port()
    server = Server(name, [a.replace("{port}", str(port)) for a in argv], port, health, env)
    try:
        yield server
    finally:
        server.stop()


def mocknexus_gunicorn(env: dict | None = None):
    argv = [sys.executable, "-m", "gunicorn", *GUNICORN, "--bind", "127.0.0.1:{port}", "mocknexus.wsgi:app"]
    return running("mocknexus (gunicorn)", argv, env=env)


def mocknexus_serve(env: dict | None = None):
    argv = [sys.executable, "-m", "mocknexus", "serve", "--port", "{port}", "--log-level", "WARNING"]
    return running("mocknexus serve", argv, env=env)


# ---- load generation --------------------------------------------------------------------------------------


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
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return {
        "rps": rps,
        "p50_ms": _wrk_ms(re.search(r"50%\s+([\d.]+\w+)", out).group(1)),
        "p99_ms": _wrk_ms(re.search(r"99%\s+([\d.]+\w+)", out).group(1)),
        "non_2xx": int(errors.group(1)) if errors else 0,
    }


def _wrk_ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def pyload(url: str, headers: dict, seconds: float, connections: int, body: str | None = None) -> dict:
    """A plain keep-alive load generator: --loadgen python, for environments without wrk."""
    host, port, path = re.match(r"http://([^:/]+):(\d+)(/.*)", url).groups()
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def worker() -> None:
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        mine = []
        while time.perf_counter() < stop_at:
            t = time.perf_counter()
            conn.request("POST" if body else "GET", path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            mine.append(time.perf_counter() - t)
            if response.status >= 300:
                errors[0] += 1
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    latencies.sort()
    return {
        "rps": len(latencies) / seconds,
        "p50_ms": latencies[len(latencies) // 2] * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99)] * 1000,
        "non_2xx": errors[0],
    }


def median_of(runs: int, measure) -> dict:
    results = [measure() for _ in range(runs)]
    return {key: statistics.median(r[key] for r in results) for key in results[0]}


# ---- the workloads ----------------------------------------------------------------------------------------


def _get(url: str, headers: dict, timeout: float = 10) -> tuple[int, bytes]:
    host, port, path = re.match(r"http://([^:/]+):(\d+)(/.*)", url).groups()
    conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    return response.status, response.read()


def _call(conn: http.client.HTTPConnection, method: str, path: str, headers: dict, body: dict | None = None) -> dict:
    payload = None if body is None else json.dumps(body)
    conn.request(method, path, body=payload, headers={**headers, "Content-Type": "application/json"})
    response = conn.getresponse()
    data = response.read()
    if response.status >= 300:
        raise RuntimeError(f"{method} {path}: {response.status} {data[:200]!r}")
    return json.loads(data) if data else {}


def _connection(url: str) -> http.client.HTTPConnection:
    return http.client.HTTPConnection(*re.match(r"http://([^:/]+):(\d+)", url).groups())


def _mx_bank_member(conn: http.client.HTTPConnection, h: dict, password: str) -> str:
    """Search MX Bank, read its credentials, create a member (steps 4-6 of the flow); its guid."""
    bank = _call(conn, "POST", "/institutions/search", h, {"institution": {"name": "MX Bank"}})["institutions"][0]
    creds = _call(conn, "GET", f"/institutions/{bank['guid']}/credentials", h)["credentials"]
    values = {"LOGIN": "mxuser", "PASSWORD": password}  # MX Bank's field names
    body = {
        "member": {
            "institution_guid": bank["guid"],
            "skip_aggregation": True,
            "credentials": [{"guid": c["guid"], "value": values[c["field_name"]]} for c in creds],
        }
    }
    return _call(conn, "POST", "/members", h, body)["member"]["guid"]


def prepare_member(url: str) -> tuple[str, dict]:
    """A user, a session and a member at MX Bank: the path and headers of the read to load."""
    session = open_session(url)
    guid = _mx_bank_member(_connection(url), session.headers, "password")
    return f"/members/{guid}", {"MD-SESSION-TOKEN": session.token}


def one_flow(url: str, n: int) -> float:
    """The 12-step verification flow as one client runs it (MFA included); returns its seconds."""
    started = time.perf_counter()
    conn = _connection(url)
    key = {"MD-API-KEY": "bench"}
    user = f"flow-{os.getpid()}-{n}-{time.monotonic_ns()}"
    _call(conn, "POST", "/bench/users.json", key, {"user": {"id": user}})
    token = _call(conn, "GET", f"/bench/users/{user}/api_token.json", key)["api_token"]["token"]
    session = _call(conn, "POST", "/sessions", {"MD-API-TOKEN": token}, {"session": {"skip_aggregation": True}})
    h = {"MD-SESSION-TOKEN": session["session"]["token"]}
    guid = _mx_bank_member(conn, h, "challenge")
    _call(conn, "POST", f"/members/{guid}/verify", h)
    while _call(conn, "GET", f"/members/{guid}", h)["member"]["connection_status"] != "CHALLENGED":
        pass
    [challenge] = _call(conn, "GET", f"/members/{guid}/challenges", h)["challenges"]
    answer = {"member": {"challenges": [{"guid": challenge["guid"], "value": "correct"}]}}
    _call(conn, "PUT", f"/members/{guid}/resume", h, answer)
    while _call(conn, "GET", f"/members/{guid}", h)["member"]["is_being_aggregated"]:
        pass
    assert _call(conn, "GET", f"/members/{guid}/account_numbers", h)["account_numbers"]
    return time.perf_counter() - started


def big_state(members: int) -> dict:
    """A snapshot with one user owning `members` members (loaded through PUT /__admin/state)."""
    from datetime import UTC, datetime

    from mocknexus.domain.ids import new_guid
    from mocknexus.domain.models import Member, User
    from mocknexus.domain.snapshot import SNAPSHOT_VERSION, to_data

    now = datetime.now(UTC)
    institution = "INS-1572a04c-912b-59bf-5841-332c7dfafaef"  # the bundled MX Bank
    user = User(guid=new_guid("USR"), id="bulk-owner", created_at=now)
    records = []
    for i in range(members):
        member = Member(
            guid=new_guid("MBR"),
            user_guid=user.guid,
            institution_guid=institution,
            institution_code="mxbank",
            name="MX Bank",
            credentials={},
            scenario="connected",
            created_at=now,
            data_seed=f"bulk:{i}",
        )
        user.member_guids.append(member.guid)
        records.append(to_data(member))
    return {"version": SNAPSHOT_VERSION, "users": [to_data(user)], "members": records}


def write_institutions(directory: Path, count: int) -> None:
    from faker import Faker

    fake = Faker()
    fake.seed_instance(1)
    rows = [
        {
            "code": f"bank_{i}",
            "name": f"{fake.company()} Bank {i}",
            "url": f"https://bank{i}.example",
            "credentials": [{"field_name": "username", "label": "Username", "type": "LOGIN"}],
            "default_scenario": "connected",
        }
        for i in range(count)
    ]
    (directory / "many.json").write_text(json.dumps({"version": 1, "institutions": rows}))


def _put_state(url: str, state: dict) -> None:
    conn = _connection(url)
    conn.timeout = 600
    # Into the client id `prepare_member` (mocknexus.client.open_session) opens its session under.
    conn.request(
        "PUT", "/__admin/clients/mocknexus/state", body=json.dumps(state), headers={"Content-Type": "application/json"}
    )
    response = conn.getresponse()
    if response.status != 200:
        raise RuntimeError(f"state load: {response.status} {response.read()[:300]!r}")
    response.read()


def moto_read(url: str) -> tuple[str, dict]:
    """An S3 bucket and object in moto; an authenticated GetObject is the comparable keyed read."""
    host, port = re.match(r"http://([^:/]+):(\d+)", url).groups()
    auth = {
        "Authorization": "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/s3/aws4_request, "
        "SignedHeaders=host, Signature=0",
        "x-amz-date": "20260101T000000Z",
        "x-amz-content-sha256": "UNSIGNED-PAYLOAD",
    }
    for method, path, body in (("PUT", "/bench", None), ("PUT", "/bench/member.json", json.dumps({"member": {}}))):
        conn = http.client.HTTPConnection(host, int(port))
        conn.request(method, path, body=body, headers=auth)
        response = conn.getresponse()
        response.read()
        if response.status >= 300:
            raise RuntimeError(f"moto {method} {path}: {response.status}")
    return "/bench/member.json", auth


# ---- the run ----------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="tiny configuration: short runs, small states")
    parser.add_argument("--runs", type=int, default=None, help="runs per figure (median); default 3, quick 1")
    parser.add_argument("--seconds", type=float, default=None, help="seconds per load run; default 5, quick 1")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--loadgen", choices=["wrk", "python"], default="wrk")
    parser.add_argument("--skip-moto", action="store_true")
    parser.add_argument("--json", default=str(ROOT / "bench" / "results.json"), help="where to write the results")
    args = parser.parse_args(argv)
    runs = args.runs or (1 if args.quick else 3)
    seconds = args.seconds or (1.0 if args.quick else 5.0)
    flows = 20 if args.quick else 300
    big_members, big_institutions = (200, 500) if args.quick else (100_000, 50_000)

    if args.loadgen == "wrk" and not shutil.which("wrk"):
        print("installing wrk (apt-get)...", flush=True)
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "wrk"],
            check=True,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        )
    if not args.skip_moto and not shutil.which("moto_server"):
        print("installing moto[server] (pip)...", flush=True)
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "moto[server]"], check=True)
    load = wrk if args.loadgen == "wrk" else pyload

    def measure(url: str, path: str, headers: dict, body: str | None = None) -> dict:
        return median_of(runs, lambda: load(url + path, headers, seconds, args.connections, body))

    quiet = {"MOCKNEXUS_LOG_LEVEL": "WARNING"}
    results: dict = {
        "config": {
            "runs": runs,
            "seconds": seconds,
            "connections": args.connections,
            "loadgen": args.loadgen,
            "cpus": os.cpu_count(),
        }
    }

    # 1-2. member read: mocknexus vs bare Flask, under gunicorn and under werkzeug.
    reads = {}
    with mocknexus_gunicorn(quiet) as server:
        path, headers = prepare_member(server.url)
        idle = server.rss_mb()
        reads["mocknexus_gunicorn"] = measure(server.url, path, headers)
        results["startup"] = {
            "mocknexus_gunicorn_s": server.startup_s,
            "idle_rss_mb": idle,
            "under_load_rss_mb": server.rss_mb(),
        }
    with mocknexus_serve(quiet) as server:
        path, headers = prepare_member(server.url)
        results["startup"]["mocknexus_serve_s"] = server.startup_s
        results["startup"]["serve_idle_rss_mb"] = server.rss_mb()
        reads["mocknexus_serve"] = measure(server.url, path, headers)
    bare_gunicorn = [sys.executable, "-m", "gunicorn", *GUNICORN, "--bind", "127.0.0.1:{port}", "bench.bare_app:app"]
    with running("bare flask (gunicorn)", bare_gunicorn) as server:
        reads["bare_gunicorn"] = measure(server.url, "/members/MBR-x", {"MD-SESSION-TOKEN": "x"})
    with running("bare flask (werkzeug)", [sys.executable, "bench/bare_app.py", "{port}"]) as server:
        reads["bare_werkzeug"] = measure(server.url, "/members/MBR-x", {"MD-SESSION-TOKEN": "x"})
    # 3. moto_server: werkzeug, threaded, like `mocknexus serve`.
    if not args.skip_moto:
        with running("moto_server", ["moto_server", "-p", "{port}"], health="/moto-api/") as server:
            path, headers = moto_read(server.url)
            reads["moto_server"] = measure(server.url, path, headers)
    results["member_read"] = reads

    # 4. The whole flow from one client.
    with mocknexus_gunicorn({**quiet, "MOCKNEXUS_JOB_TIME_SCALE": "0"}) as server:
        one_flow(server.url, -1)  # warm-up
        times = sorted(one_flow(server.url, n) for n in range(flows))
        results["flow"] = {
            "flows": flows,
            "flows_per_s": flows / sum(times),
            "p50_ms": times[len(times) // 2] * 1000,
            "p95_ms": times[int(len(times) * 0.95)] * 1000,
        }

    # 5. State-size scaling.
    search_body = json.dumps({"institution": {"name": "MX Bank"}})
    scaling = {}
    with tempfile.TemporaryDirectory() as fixtures:
        write_institutions(Path(fixtures), big_institutions)
        for label, env in (
            ("small", {}),
            ("large", {"MOCKNEXUS_FIXTURES": fixtures, "MOCKNEXUS_MAX_BODY_BYTES": str(1 << 30)}),
        ):
            with mocknexus_gunicorn({**quiet, **env}) as server:
                if label == "large":
                    _put_state(server.url, big_state(big_members))
                path, headers = prepare_member(server.url)
                scaling[label] = {
                    "member_read": measure(server.url, path, headers),
                    "institution_search": measure(
                        server.url, "/institutions/search", {**headers, "Content-Type": "application/json"}, search_body
                    ),
                }
    results["scaling"] = {"members": big_members, "institutions": big_institutions, **scaling}

    # Ratios, pairwise within this run.
    ratios = {
        "gunicorn_vs_bare": reads["mocknexus_gunicorn"]["rps"] / reads["bare_gunicorn"]["rps"],
        "serve_vs_bare": reads["mocknexus_serve"]["rps"] / reads["bare_werkzeug"]["rps"],
        "member_read_small_vs_large": scaling["small"]["member_read"]["rps"] / scaling["large"]["member_read"]["rps"],
        "search_small_vs_large": scaling["small"]["institution_search"]["rps"]
        / scaling["large"]["institution_search"]["rps"],
    }
    if "moto_server" in reads:
        ratios["serve_vs_moto"] = reads["mocknexus_serve"]["rps"] / reads["moto_server"]["rps"]
        ratios["gunicorn_vs_moto"] = reads["mocknexus_gunicorn"]["rps"] / reads["moto_server"]["rps"]
    results["ratios"] = ratios

    print(table(results))
    Path(args.json).write_text(json.dumps(results, indent=2))
    print(f"\nwritten to {args.json}")
    return 0


def table(r: dict) -> str:
    lines = [
        f"mocknexus benchmark: {r['config']['loadgen']}, {r['config']['connections']} connections, "
        f"{r['config']['seconds']} s x {r['config']['runs']} runs (median), {r['config']['cpus']} CPUs",
        "",
    ]
    lines.append(f"{'authenticated member read':<34}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'non-2xx':>9}")
    for name, m in r["member_read"].items():
        lines.append(f"  {name:<32}{m['rps']:>10.0f}{m['p50_ms']:>10.2f}{m['p99_ms']:>10.2f}{m['non_2xx']:>9.0f}")
    f = r["flow"]
    lines += [
        "",
        f"verification flow, one client ({f['flows']} flows): {f['flows_per_s']:.1f} flows/s, "
        f"p50 {f['p50_ms']:.1f} ms, p95 {f['p95_ms']:.1f} ms",
    ]
    s = r["scaling"]
    lines += ["", f"state size (small vs {s['members']} members / {s['institutions']} institutions)"]
    for what in ("member_read", "institution_search"):
        lines.append(
            f"  {what:<24} small {s['small'][what]['rps']:>8.0f} req/s   large {s['large'][what]['rps']:>8.0f} req/s"
        )
    st = r["startup"]
    lines += [
        "",
        f"start-up to first 200: gunicorn {st['mocknexus_gunicorn_s']:.2f} s, serve {st['mocknexus_serve_s']:.2f} s",
        f"RSS: gunicorn idle {st['idle_rss_mb']:.0f} MB, under load {st['under_load_rss_mb']:.0f} MB; "
        f"serve idle {st['serve_idle_rss_mb']:.0f} MB",
    ]
    lines += ["", "ratios (same run)"] + [f"  {k:<28}{v:>8.2f}" for k, v in r["ratios"].items()]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
