"""Issue 28, point 8: `Expect: 100-continue` with a Content-Length past the body limit is answered 413 at
once, with no `100 Continue` first (it was 100, then a late 400 once the body was sent, or at the read
deadline); a body within the limit still gets its 100 Continue. Every refusal the server itself makes carries
nosniff too."""

from __future__ import annotations

import socket
import time

import pytest

from tests.serving.image_server import ImageServer
from tests.serving.test_serving import assert_mx_error

READ_TIMEOUT_S = 2.0


@pytest.fixture(scope="module")
def server():
    with ImageServer(MOCKNEXUS_MAX_BODY_BYTES="4096", MOCKNEXUS_READ_TIMEOUT=str(READ_TIMEOUT_S)) as running:
        yield running


def _head(server: ImageServer, length: int) -> socket.socket:
    s = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    s.sendall(
        b"POST /client-x/users.json HTTP/1.1\r\nHost: x\r\nMD-API-KEY: k\r\nContent-Type: application/json\r\n"
        + f"Content-Length: {length}\r\nExpect: 100-continue\r\n\r\n".encode()
    )
    return s


def _read_all(s: socket.socket) -> bytes:
    data = b""
    while chunk := s.recv(65536):
        data += chunk
    s.close()
    return data


def test_a_body_past_the_limit_is_refused_413_before_any_100_continue(server):
    started = time.monotonic()
    s = _head(server, 10_000_000)
    answer = _read_all(s)  # the server closes after its answer: no body was sent
    assert time.monotonic() - started < READ_TIMEOUT_S
    assert not answer.startswith(b"HTTP/1.1 100"), answer[:200]
    assert_mx_error(answer, 413, 4130)
    assert b"X-Content-Type-Options: nosniff" in answer.split(b"\r\n\r\n", 1)[0]


def test_a_body_within_the_limit_gets_100_continue_then_its_answer(server):
    body = b'{"user": {"id": "u"}}'
    s = _head(server, len(body))
    first = s.recv(65536)
    assert first.startswith(b"HTTP/1.1 100 Continue"), first
    s.sendall(body)
    s.shutdown(socket.SHUT_WR)
    answer = first.split(b"\r\n\r\n", 1)[1] + _read_all(s)
    if not answer:
        pytest.fail("no answer after the body")
    assert answer.startswith(b"HTTP/1.1 200"), answer[:200]
