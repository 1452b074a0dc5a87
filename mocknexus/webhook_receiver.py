"""A webhook receiver for tests: a real HTTP server on loopback that records what mocknexus (or MX) posts to it.

    with WebhookReceiver() as receiver:
        admin.configure_webhooks(receiver.url)
        ...
        hook = receiver.wait_for("CONNECTION_STATUS", member_guid, timeout=5)
        assert hook.json["connection_status"] == "CHALLENGED"

It answers 204 (what MX asks for) unless told otherwise (`respond_with(500, 204)`: one answer per request,
the last repeating), can demand HTTP Basic or an OAuth 2 bearer token it issues itself at `token_url`, and
`wait_for` blocks on a condition variable until the webhook arrives (no polling loop in the test).
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from mocknexus.domain.webhooks.payloads import classify


@dataclass
class ReceivedWebhook:
    path: str
    headers: dict[str, str]
    body: bytes
    status: int  # what the receiver answered
    json: Any = None
    type: str | None = None
    member_guid: str | None = None
    received_at: float = field(default_factory=time.time)


class WebhookReceiver:
    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._lock = threading.Condition()
        self.received: list[ReceivedWebhook] = []
        self.token_requests: list[dict[str, str]] = []
        self.held = 0  # requests held unanswered (never_answer)
        self.token_lifetime = 3600  # the `expires_in` of the tokens it issues, in seconds
        self._answers: list[int] = [204]
        self._released = threading.Event()  # set: answer; clear: hold every request open unanswered
        self._released.set()
        self._basic: str | None = None
        self._bearer = False
        self._token_client: str | None = None  # the Basic credentials its token URL wants (None: any)
        self._on_receive: Callable[[str, dict[str, str]], None] | None = None
        self._tokens: set[str] = set()
        self._server = ThreadingHTTPServer((host, port), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    # ---- lifecycle -----------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/hook"

    @property
    def token_url(self) -> str:
        return self.url.rsplit("/", 1)[0] + "/token"

    def start(self) -> WebhookReceiver:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._released.set()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> WebhookReceiver:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ---- behaviour -----------------------------------------------------------------------------------

    def respond_with(self, *statuses: int) -> None:
        """The statuses to answer, one per request in turn; the last one repeats."""
        with self._lock:
            self._answers = list(statuses) or [204]

    def never_answer(self, hang: bool = True) -> None:
        """Accept requests and never answer them (the sender's timeout ends each attempt)."""
        if hang:
            self._released.clear()
        else:
            self._released.set()

    def require_basic(self, username: str, password: str) -> None:
        self._basic = "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()

    def require_bearer(self) -> None:
        """Demand a token this receiver issued at `token_url` (client credentials); `revoke_tokens` forgets them."""
        self._bearer = True

    def require_client_credentials(self, client_id: str, client_secret: str) -> None:
        """Its token URL issues tokens only to this client id and secret (HTTP Basic); others get a 401."""
        self._token_client = "Basic " + base64.b64encode(f"{client_id}:{client_secret}".encode()).decode()

    def on_receive(self, action: Callable[[str, dict[str, str]], None] | None) -> None:
        """Run `action(path, headers)` on each webhook request before answering it (a test moving the clock
        while an attempt is in flight, say)."""
        self._on_receive = action

    def revoke_tokens(self) -> None:
        with self._lock:
            self._tokens.clear()

    # ---- reading -------------------------------------------------------------------------------------

    def of_type(self, type: str, member_guid: str | None = None, accepted_only: bool = True) -> list[ReceivedWebhook]:
        with self._lock:
            return [w for w in self.received if _matches(w, type, member_guid, accepted_only)]

    def wait_for(
        self, type: str, member_guid: str | None = None, *, timeout: float = 5.0, count: int = 1,
        where: Callable[[ReceivedWebhook], bool] | None = None, accepted_only: bool = True,
    ) -> ReceivedWebhook:  # fmt: skip
        """The `count`-th accepted webhook of `type` (for `member_guid`, and satisfying `where`), once it has
        arrived; AssertionError listing what did arrive if it has not within `timeout` seconds."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                found = [w for w in self.received if _matches(w, type, member_guid, accepted_only)]
                found = [w for w in found if where is None or where(w)]
                if len(found) >= count:
                    return found[count - 1]
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = [(w.type, w.member_guid, w.status) for w in self.received]
                    who = member_guid or "any member"
                    raise AssertionError(f"no {type} webhook for {who} in {timeout} s; received {seen}")
                self._lock.wait(remaining)

    # ---- serving -------------------------------------------------------------------------------------

    def _answer(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
        if path.endswith("/token"):
            return self._issue_token(headers, body)
        if self._on_receive is not None:
            self._on_receive(path, headers)
        status = 204
        authorization = headers.get("Authorization", "")
        wrong_basic = self._basic is not None and authorization != self._basic
        if wrong_basic or (self._bearer and authorization.removeprefix("Bearer ") not in self._tokens):
            status = 401
        with self._lock:
            if status == 204:
                status = self._answers.pop(0) if len(self._answers) > 1 else self._answers[0]
            try:
                payload = json.loads(body)
            except ValueError:
                payload = None
            kind, member = classify(payload) if isinstance(payload, dict) else (None, None)
            self.received.append(ReceivedWebhook(path, headers, body, status, payload, kind, member))
            self._lock.notify_all()
        return status, b""

    def _issue_token(self, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
        token = secrets.token_hex(8)
        authorization = headers.get("Authorization", "")
        with self._lock:
            self.token_requests.append({"authorization": authorization, "body": body.decode()})
            if self._token_client is not None and authorization != self._token_client:
                return 401, json.dumps({"error": "invalid_client"}).encode()
            self._tokens.add(token)
        answer = {"access_token": token, "token_type": "Bearer", "expires_in": self.token_lifetime}
        return 200, json.dumps(answer).encode()


def _matches(hook: ReceivedWebhook, type: str, member_guid: str | None, accepted_only: bool) -> bool:
    accepted = 200 <= hook.status < 300 or not accepted_only
    return accepted and hook.type == type and (member_guid is None or hook.member_guid == member_guid)


def _handler(receiver: WebhookReceiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            if not receiver._released.is_set() and not self.path.endswith("/token"):
                with receiver._lock:
                    receiver.held += 1
                    receiver._lock.notify_all()
                receiver._released.wait()  # hold the connection open, unanswered, until released or stopped
                return
            status, answer = receiver._answer(self.path, dict(self.headers.items()), body)
            self.send_response(status)
            if answer:
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: Any) -> None:
            return None

    return Handler
