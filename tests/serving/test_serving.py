"""The production server as the image runs it (tests/serving/image_server.py), over raw sockets: every refusal the
server makes itself answers in MX's JSON error shape, slow clients hold no worker thread, SIGTERM stops it."""

from __future__ import annotations

import json
import signal
import socket

import pytest
import requests

from tests.serving.image_server import ImageServer

pytestmark = [pytest.mark.live, pytest.mark.xdist_group("serving")]


@pytest.fixture(scope="module")
def server():
    with ImageServer(MOCKNEXUS_MAX_BODY_BYTES="4096") as running:
        yield running


def parse(raw: bytes) -> tuple[int, dict, dict]:
    """Status, headers (lower-case names) and JSON body of one raw HTTP response."""
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.lower().split(": ", 1) for line in lines[1:])
    length = int(headers["content-length"])
    return int(lines[0].split()[1]), headers, json.loads(body[:length])


def assert_mx_error(raw: bytes, status: int, code: int) -> dict:
    got, headers, body = parse(raw)
    assert got == status, raw[:300]
    assert headers["content-type"] == "application/vnd.mx.nexus.v1+json"
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    assert body["error"]["code"] == code and body["error"]["message"]
    return body


@pytest.mark.parametrize(
    ("request_bytes", "status", "code"),
    [
        # A request line plus headers over 64 KiB: 431.
        (b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 431, 4310),
        (b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 70_000 + b"\r\n\r\n", 431, 4310),
        # Bad framing: 400.
        (b"POST /sessions HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", 400, 4000),
        (b"POST /sessions HTTP/1.1\r\nHost: x\r\nContent-Length: 1x\r\n\r\n", 400, 4000),
        (b"POST /sessions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n\r\n", 400, 4000),
        (b"POST /sessions HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", 400, 4000),
        (b"NOT A REQUEST\r\n\r\n", 400, 4000),
        (b"GET / HTTP/1.1\r\nBad Header Line\r\n\r\n", 400, 4000),
        # A transfer coding the server does not implement: 501.
        (b"POST /sessions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 501, 5010),
        # A body over --max-body-bytes, refused before it is read: 413.
        (b"POST /sessions HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n" + b"{" * 5000, 413, 4130),
    ],
    ids=["long-request-line", "huge-header", "negative-length", "non-numeric-length", "bad-chunk",
         "two-lengths", "garbage-start-line", "malformed-header", "unknown-coding", "body-too-large"],
)  # fmt: skip
def test_server_level_refusals_answer_in_mx_json(server, request_bytes, status, code):
    assert_mx_error(server.raw(request_bytes), status, code)


def test_large_but_acceptable_requests_reach_the_app(server):
    # A 5000-character path and a 9 KB header are not refused by the server: the app answers (404 JSON, 200).
    assert_mx_error(
        server.raw(b"GET /" + b"a" * 5000 + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), 404, 4040
    )
    r = requests.get(server.url + "/__admin/health", headers={"X-Big": "a" * 9000}, timeout=10)
    assert r.status_code == 200 and r.json()["status"] == "ok"


def test_slow_clients_hold_no_worker_thread(server):
    # More half-sent requests than the server has threads (8 by default): a thread-per-connection server
    # would have none left; waitress reads them in its event loop and keeps answering.
    slow = [socket.create_connection(("127.0.0.1", server.port), timeout=10) for _ in range(40)]
    try:
        for s in slow:
            s.sendall(b"GET /__admin/health HTTP/1.1\r\nHost: x\r\nX-Slow: 1\r\n")
        for _ in range(5):
            r = requests.get(server.url + "/__admin/health", timeout=10)
            assert r.status_code == 200
        # The slow requests are served as soon as they are complete.
        slow[0].sendall(b"\r\n")
        assert slow[0].recv(4096).startswith(b"HTTP/1.1 200")
    finally:
        for s in slow:
            s.close()


def test_keep_alive_connections_serve_many_requests(server):
    with requests.Session() as session:
        for _ in range(20):
            assert session.get(server.url + "/__admin/health", timeout=10).status_code == 200


def test_sigterm_stops_the_server_cleanly_and_it_prints_no_dev_server_warning():
    # As PID 1 in a container a process ignores SIGTERM unless it handles it: `docker stop` would wait 10 s.
    running = ImageServer()
    running.proc.send_signal(signal.SIGTERM)
    code = running.proc.wait(10)
    running.stop()
    assert code == 0
    assert "listening on http://127.0.0.1" in running.output
    assert "development server" not in running.output.lower()


def test_a_drop_fault_cuts_the_connection_and_the_server_carries_on(server):
    r = requests.post(server.url + "/__admin/faults", json={"path": "/user", "drop": True, "count": 1}, timeout=10)
    assert r.status_code == 201
    with pytest.raises(requests.ConnectionError):
        requests.get(server.url + "/user", headers={"MD-SESSION-TOKEN": "test_session"}, timeout=10)
    r = requests.get(server.url + "/user", headers={"MD-SESSION-TOKEN": "test_session"}, timeout=10)
    assert r.status_code == 200
    [entry] = requests.get(server.url + "/__admin/requests?path=/user&status=0", timeout=10).json()["requests"]
    assert entry["status"] == 0 and entry["fault"].startswith("FLT-")
