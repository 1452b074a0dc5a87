"""How the server reads a request before any worker thread sees it: the HTTP versions it speaks, framing
that can be refused early, and a deadline for requests that never finish arriving.

waitress reads requests in its event loop, so a slow client holds no thread; but left alone it waits for
a half-sent request until the connection has been silent for `channel_timeout`, and a client trickling a
byte every few seconds is never silent. Here every request must arrive whole within `read_timeout`
seconds of its first byte: late headers get a 408, a body that stops short of its framing (Content-Length
longer than the body, a chunked body without its last chunk) a 400, both in MX's error shape, and the
connection closes. A connection that never sends a byte is closed after the same time.
"""

from __future__ import annotations

import time
from typing import Any

from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.utilities import BadRequest, Error, RequestEntityTooLarge

SUPPORTED_VERSIONS = ("1.0", "1.1")


class RequestTimeout(Error):
    code = 408
    reason = "Request Timeout"


class HTTPVersionNotSupported(Error):
    code = 505
    reason = "HTTP Version Not Supported"


class MXParser(HTTPRequestParser):
    """waitress's parser, refusing what it would otherwise serve or wait on."""

    def parse_header(self, header_plus: bytes) -> None:
        super().parse_header(header_plus)
        if self.version in SUPPORTED_VERSIONS:
            return
        if not self.version:
            # "GET /" with no version is HTTP/0.9, which has no headers and no status line: not spoken here.
            self.error = BadRequest("HTTP/0.9 requests are not supported; send HTTP/1.1")
        else:
            self.error = HTTPVersionNotSupported(f"HTTP/{self.version} is not supported; send HTTP/1.1")
        # Answer at once, in HTTP/1.1, without waiting for a body the request may announce.
        self.version = "1.1"
        self.body_rcv = None
        self.content_length = 0

    def received(self, data: bytes) -> int:
        consumed = super().received(data)
        if self.error is not None:
            # Refused as soon as the headers are read (a Content-Length past the body limit: 413): no
            # `100 Continue` first. waitress would send one, and sending it marks the request unfinished
            # again, so the client sent its body and got a late 400 instead of the 413.
            self.expect_continue = False
        receiver = self.body_rcv
        if self.completed or not self.chunked or receiver is None:
            return consumed
        # A chunk announced larger than the body limit can be refused before it is sent (waitress would
        # wait for the bytes first).
        limit = self.adj.max_request_body_size
        if self.body_bytes_received + receiver.chunk_remainder >= limit:
            self.error = RequestEntityTooLarge(f"a chunk exceeds max_body of {limit}")
            self.completed = True
        return consumed


class DeadlineChannel(HTTPChannel):
    """A channel that remembers when its partly-read request began, so the server can refuse it when late."""

    parser_class = MXParser
    _timed_request: Any = None
    request_started = 0.0

    def received(self, data: bytes) -> bool:
        result = super().received(data)
        if self.request is not self._timed_request:
            self._timed_request = self.request
            self.request_started = time.time()
        return result

    def reading_since(self) -> float | None:
        """When the request still being read began; a connection that never sent a byte counts from its
        opening; None when nothing is being read (idle between requests, or being served)."""
        if self.request is not None:
            return self.request_started
        if not self.requests and self.last_activity == self.creation_time:
            return self.creation_time
        return None

    def enforce_deadline(self, now: float, timeout: float) -> None:
        started = self.reading_since()
        if started is None or now - started < timeout or self.will_close or self.close_when_flushed:
            return
        if self.request is None:
            self.will_close = True  # connected, never spoke
            return
        self.refuse_unfinished(f"{timeout:g}")

    def refuse_unfinished(self, timeout: str) -> None:
        """Answer the request being read with its error now (from the event loop) and close afterwards."""
        with self.requests_lock:
            request = self.request
            if request is None:
                return
            if request.headers_finished:
                request.error = BadRequest(
                    f"the body did not arrive in full within {timeout} s (a Content-Length longer than the "
                    "body, or a chunked body without its last chunk)"
                )
            else:
                request.parse_header(b"GET / HTTP/1.1\r\n")  # as waitress does for headers too large
                request.error = RequestTimeout(f"the request's headers did not arrive within {timeout} s")
            request.completed = True
            request.connection_close = True
            self.request = None
            self.requests.append(request)
            if len(self.requests) == 1:
                self.server.add_task(self)
