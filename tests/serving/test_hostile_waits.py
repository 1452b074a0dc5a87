"""Waits and latency faults hold no worker thread (issue 21, point 1), against the server as the image starts
it (8 worker threads): with 100 control-plane waits and 100 requests delayed by a 2-second latency fault
in flight, the health check and another client's reads keep answering, every delayed request is answered
after its delay, and every wait answers as soon as its event happens."""

from __future__ import annotations

import socket
import time

import pytest
import requests

from tests.serving.image_server import ImageServer
from tests.support import API_KEY

WAITS = DELAYED = 100
SLOW, BUSY, WATCHED = "slow-client", "busy-client", "watched-client"


def _send(port: int, path: str, headers: dict[str, str] | None = None) -> socket.socket:
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    lines = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    s.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
    return s


def _status(s: socket.socket) -> int:
    data = b""
    while chunk := s.recv(65536):
        data += chunk
    s.close()
    return int(data.split(b" ", 2)[1])


def test_waits_and_latency_faults_leave_the_server_answering():
    with ImageServer() as server, requests.Session() as http:
        url = server.url
        for client in (SLOW, BUSY, WATCHED):
            r = http.post(f"{url}/{client}/users.json", json={"user": {"id": "someone"}}, headers=API_KEY)
            assert r.status_code == 200, r.text
        fault = {"path": f"/{SLOW}/users/*", "latency_ms": 2000}
        assert http.post(f"{url}/__admin/clients/{SLOW}/faults", json=fault).status_code == 201
        watched = f"/{WATCHED}/users/watched.json"
        wait = f"/__admin/clients/{WATCHED}/requests/wait?path={watched}&count=1&timeout=30"
        waits = [_send(server.port, wait) for _ in range(WAITS)]
        delayed_at = time.monotonic()
        delayed = [_send(server.port, f"/{SLOW}/users/someone.json", API_KEY) for _ in range(DELAYED)]
        time.sleep(0.5)  # let the server take them all in (what is measured below must not depend on it)

        worst = 0.0
        for _ in range(20):
            for path, headers in (("/__admin/health", {}), (f"/{BUSY}/users/someone.json", API_KEY)):
                started = time.monotonic()
                assert http.get(url + path, headers=headers, timeout=10).status_code == 200
                worst = max(worst, time.monotonic() - started)
        # Blocked threads would hold these for the delays (100 x 2 s over 8 threads) or the waits (30 s).
        assert worst < 1.0, f"a health check or another client's read took {worst:.2f} s"

        assert [_status(s) for s in delayed] == [200] * DELAYED
        # Each was delayed 2 s, all at once: not 100 x 2 s one after another (8 threads: 25 s).
        assert 2.0 <= time.monotonic() - delayed_at < 12.0

        for s in waits:
            s.settimeout(0.05)
            with pytest.raises(TimeoutError):  # none has answered (or closed) before its event
                s.recv(1)
            s.settimeout(30)
        assert http.get(url + watched, headers=API_KEY).status_code == 404  # the event: one matching call
        event_at = time.monotonic()
        assert [_status(s) for s in waits] == [200] * WAITS  # none timed out
        assert time.monotonic() - event_at < 10.0
