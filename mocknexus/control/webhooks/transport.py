"""The HTTP under the webhook sender: one POST with a *total* deadline, on connections kept per scope.

- A deadline covers the whole exchange: connecting, sending, the status line, the headers and the body. A
  socket timeout bounds each read alone, so a receiver trickling a byte a second would hold a sender for
  ever; here a watchdog thread shuts the socket down when the deadline passes, whatever it was waiting for.
- Connections are kept alive per scope (a world and its configuration, `Sender`), never shared between two:
  nothing opened for one world is reused for another's posts.
- Every address is checked against the targets policy (targets.py) after resolving, and the connection goes
  to that checked address (no second lookup that could answer differently).

http.client does the HTTP (the standard library's; urllib3 cannot interrupt a read that keeps trickling).
"""

from __future__ import annotations

import base64
import contextlib
import heapq
import http.client
import itertools
import select
import socket
import ssl
import threading
import time
import urllib.parse
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from mocknexus.control.webhooks.targets import TargetRefused, Targets, addresses_of

MAX_BODY = 64 * 1024  # bytes of a receiver's answer read; a longer answer's connection is not reused
IDLE_PER_SCOPE = 4  # idle keep-alive connections kept per scope and host
IDLE_SCOPES = 256  # scopes and hosts with idle connections kept (least recently used closed first)
TIMED_OUT = "timed out: the receiver did not answer whole (connect, headers and body) within the attempt's deadline"


class DeliveryError(Exception):
    """An attempt that got no HTTP answer; the message is what the outbox records."""


class _Dropped(DeliveryError):
    """The receiver closed the connection before answering (on a kept-alive one: it had closed it idle)."""


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes


class Watchdog:
    """One daemon thread running actions at their (monotonic) deadlines unless disarmed first."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._heap: list[tuple[float, int, list]] = []
        self._ids = itertools.count()
        self._thread: threading.Thread | None = None

    def arm(self, deadline: float, action: Callable[[], None]) -> list:
        handle = [action, False]  # [action, fired]
        with self._cond:
            heapq.heappush(self._heap, (deadline, next(self._ids), handle))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="mocknexus-webhook-deadlines", daemon=True)
                self._thread.start()
            self._cond.notify()
        return handle

    def disarm(self, handle: list) -> bool:
        """Stop `handle` from firing; whether it had fired already."""
        with self._cond:
            fired = handle[1]
            handle[0] = None
            return fired

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._heap or self._heap[0][0] > time.monotonic():
                    self._cond.wait(self._heap[0][0] - time.monotonic() if self._heap else None)
                _, _, handle = heapq.heappop(self._heap)
                action = handle[0]
                if action is None:
                    continue
                handle[1] = True
            with contextlib.suppress(Exception):
                action()


class Transport:
    def __init__(self, targets: Targets) -> None:
        self.targets = targets
        self._watchdog = Watchdog()
        self._idle: OrderedDict[tuple, list[http.client.HTTPConnection]] = OrderedDict()
        self._lock = threading.Lock()

    def post(self, scope: Hashable, url: str, body: bytes, headers: dict[str, str], deadline: float) -> Answer:
        """POST `body` to `url`, done by `deadline` (time.monotonic()); DeliveryError if no answer came."""
        parts = urllib.parse.urlsplit(url)
        host, port = parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80)
        headers = {**_userinfo_auth(parts), **headers}
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        address = self._address(host, port)
        key = (scope, parts.scheme, host, port, address)
        conn, reused = self._connection(key, parts.scheme, host, port, address, deadline)
        try:
            answer, keep = self._exchange(conn, path, body, headers, deadline)
        except _Dropped:
            if not reused:
                raise
            # A kept-alive connection the receiver had closed meanwhile: once more on a new one.
            conn, _ = self._connection(key, parts.scheme, host, port, address, deadline, fresh=True)
            answer, keep = self._exchange(conn, path, body, headers, deadline)
        if keep:
            self._keep(key, conn)
        return answer

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, OrderedDict()
        for conns in idle.values():
            for conn in conns:
                conn.close()

    # ---- one exchange --------------------------------------------------------------------------------

    def _exchange(
        self, conn: http.client.HTTPConnection, path: str, body: bytes, headers: dict[str, str], deadline: float
    ) -> tuple[Answer, bool]:
        handle = self._watchdog.arm(deadline, lambda: _abort(conn))
        try:
            if conn.sock is None:
                conn.timeout = _remaining(deadline)
                conn.connect()
            conn.sock.settimeout(_remaining(deadline))  # type: ignore[union-attr]
            conn.request("POST", path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read(MAX_BODY)
            keep = not response.will_close and response.isclosed()  # all of it read: the connection is reusable
        except BaseException as exc:
            conn.close()
            if self._watchdog.disarm(handle) or isinstance(exc, TimeoutError):
                raise DeliveryError(TIMED_OUT) from None
            if isinstance(exc, DeliveryError):
                raise
            if isinstance(exc, (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)):
                raise _Dropped(f"the receiver closed the connection without answering ({type(exc).__name__})") from None
            raise DeliveryError(_describe(exc)) from None
        if self._watchdog.disarm(handle):
            conn.close()
            raise DeliveryError(TIMED_OUT)
        if not keep:
            conn.close()
        return Answer(response.status, data), keep

    # ---- connections ---------------------------------------------------------------------------------

    def _address(self, host: str, port: int) -> str:
        addresses = addresses_of(host, port)
        if not addresses:
            raise DeliveryError(f"could not resolve the receiver's host {host!r}")
        try:
            for address in addresses:
                self.targets.check_address(address, port, host)
        except TargetRefused as exc:
            raise DeliveryError(f"not sent: {exc}") from None
        return str(addresses[0])

    def _connection(
        self, key: tuple, scheme: str, host: str, port: int, address: str, deadline: float, fresh: bool = False
    ) -> tuple[http.client.HTTPConnection, bool]:
        if not fresh:
            with self._lock:
                idle = self._idle.get(key)
                conn = idle.pop() if idle else None
            while conn is not None:
                if _alive(conn):
                    return conn, True
                conn.close()
                with self._lock:
                    idle = self._idle.get(key)
                    conn = idle.pop() if idle else None
        timeout = _remaining(deadline)
        if scheme == "https":
            conn: http.client.HTTPConnection = http.client.HTTPSConnection(
                host, port, timeout=timeout, context=ssl.create_default_context()
            )
        else:
            conn = http.client.HTTPConnection(host, port, timeout=timeout)
        # Connect to the address checked, not to whatever the name resolves to next (TLS still checks `host`).
        conn._create_connection = lambda _, t, source=None: socket.create_connection((address, port), t, source)  # type: ignore[attr-defined]
        return conn, False

    def _keep(self, key: tuple, conn: http.client.HTTPConnection) -> None:
        closing = []
        with self._lock:
            idle = self._idle.setdefault(key, [])
            self._idle.move_to_end(key)
            idle.append(conn)
            if len(idle) > IDLE_PER_SCOPE:
                closing.append(idle.pop(0))
            while len(self._idle) > IDLE_SCOPES:
                closing.extend(self._idle.popitem(last=False)[1])
        for old in closing:
            old.close()


def _remaining(deadline: float) -> float:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise DeliveryError("timed out: no time left for the attempt")
    return remaining


def _abort(conn: http.client.HTTPConnection) -> None:
    sock = conn.sock
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


def _alive(conn: http.client.HTTPConnection) -> bool:
    """An idle kept-alive connection the receiver has not closed (nothing readable on it while idle)."""
    sock = conn.sock
    if sock is None:
        return False
    try:
        readable, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return False
    return not readable


def _userinfo_auth(parts: urllib.parse.SplitResult) -> dict[str, str]:
    """`http://user:secret@host/`: HTTP Basic, as curl and browsers send it (the configured auth wins)."""
    if parts.username is None:
        return {}
    credentials = f"{urllib.parse.unquote(parts.username)}:{urllib.parse.unquote(parts.password or '')}"
    return {"Authorization": "Basic " + base64.b64encode(credentials.encode()).decode()}


def _describe(exc: BaseException) -> str:
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused by the receiver"
    if isinstance(exc, ssl.SSLError):
        return f"TLS error: {exc}"
    if isinstance(exc, OSError) and not isinstance(exc, http.client.HTTPException):
        return f"could not connect to the receiver: {exc.strerror or exc}"
    return f"{type(exc).__name__}: {exc}"
