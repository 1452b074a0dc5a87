"""Hostile clients against the server as the image starts it (issue 21, point 3): requests that never finish
arriving are refused promptly in MX's error shape, HTTP versions the server does not speak are refused, and
1 000 connections trickling headers do not lock normal requests out."""

from __future__ import annotations

import contextlib
import resource
import socket
import time

import pytest
import requests

from tests.serving.image_server import ImageServer
from tests.serving.test_serving import assert_mx_error

READ_TIMEOUT_S = 1.0


@pytest.fixture(scope="module")
def server():
    with ImageServer(MOCKNEXUS_MAX_BODY_BYTES="4096", MOCKNEXUS_READ_TIMEOUT=str(READ_TIMEOUT_S)) as running:
        yield running


def timed_raw(server: ImageServer, data: bytes) -> tuple[bytes, float]:
    started = time.monotonic()
    answer = server.raw(data, timeout=20)
    return answer, time.monotonic() - started


@pytest.mark.parametrize(
    ("request_bytes", "status", "code"),
    [
        (b"GET /__admin/health HTTP/9.9\r\nHost: x\r\n\r\n", 505, 5050),
        (b"POST /sessions HTTP/2.0\r\nHost: x\r\nContent-Length: 10\r\n\r\n", 505, 5050),
        (b"GET /__admin/health\r\n\r\n", 400, 4000),  # HTTP/0.9: no version at all
    ],
    ids=["http-9.9", "http-2.0-with-body", "http-0.9"],
)
def test_unsupported_http_versions_are_refused(server, request_bytes, status, code):
    answer, _ = timed_raw(server, request_bytes)
    assert answer.startswith(b"HTTP/1.1 "), answer[:100]
    assert_mx_error(answer, status, code)


def test_a_chunk_larger_than_the_body_limit_is_refused_before_it_is_sent(server):
    request = b"POST /sessions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFF\r\nab"
    answer, elapsed = timed_raw(server, request)
    assert_mx_error(answer, 413, 4130)
    assert elapsed < READ_TIMEOUT_S  # at once, not at the read deadline


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"POST /sessions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n",
        b"POST /sessions HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{}",
    ],
    ids=["unterminated-chunked", "content-length-longer-than-body"],
)
def test_a_body_that_stops_short_is_a_prompt_400(server, request_bytes):
    answer, elapsed = timed_raw(server, request_bytes)
    body = assert_mx_error(answer, 400, 4000)
    assert "did not arrive in full" in body["error"]["message"]
    assert elapsed < READ_TIMEOUT_S + 5  # the deadline plus the sweep interval, far from the 60 s idle timeout


def test_headers_that_never_finish_are_a_408(server):
    answer, elapsed = timed_raw(server, b"GET /__admin/health HTTP/1.1\r\nHost: x\r\n")
    body = assert_mx_error(answer, 408, 4080)
    assert "did not arrive in time" in body["error"]["message"]
    assert elapsed < READ_TIMEOUT_S + 5


def test_a_connection_that_never_speaks_is_closed(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=20) as s:
        started = time.monotonic()
        assert s.recv(100) == b""
        assert time.monotonic() - started < READ_TIMEOUT_S + 5


def test_a_thousand_trickling_connections_do_not_lock_out_normal_requests():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < 1200:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (min(4096, hard), hard))
    # A read deadline far longer than the test: the slow connections stay open while normal requests run.
    with ImageServer(MOCKNEXUS_READ_TIMEOUT="120") as running:
        slow: list[socket.socket] = []
        try:
            for _ in range(1000):
                s = socket.create_connection(("127.0.0.1", running.port), timeout=10)
                s.sendall(b"GET /__admin/health HTTP/1.1\r\nHost: x\r\n")
                slow.append(s)
            for round_ in range(3):
                for s in slow[round_::3]:  # trickle: one more header line on a third of them
                    s.sendall(b"X-Slow: 1\r\n")
                r = requests.get(running.url + "/__admin/health", timeout=5)
                assert r.status_code == 200
                r = requests.get(running.url + "/user", headers={"MD-SESSION-TOKEN": "test_session"}, timeout=5)
                assert r.status_code == 200
            # The slow requests are served once they complete.
            slow[0].sendall(b"\r\n")
            assert slow[0].recv(4096).startswith(b"HTTP/1.1 200")
        finally:
            for s in slow:
                s.close()
