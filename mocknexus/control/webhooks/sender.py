"""Posting one webhook delivery to the partner's receiver, as MX does: JSON with MX's headers, HTTP Basic or an
OAuth 2 bearer token (client credentials, reused until it expires, fetched again on a 401), and a timeout.

The timeout is one deadline for the whole attempt (token request included): transport.py enforces it across
connect, headers and body. Tokens and connections belong to a *scope*, a world and the exact configuration
(secret included) they were obtained with: a token fetched for one client's configuration is never sent for
another's, even with the same token URL and client id. No retries here: retrying is the outbox's business,
on MX's schedule and the emulated clock.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
import urllib.parse
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from mocknexus.control.webhooks.targets import Targets
from mocknexus.control.webhooks.transport import DeliveryError, Transport
from mocknexus.domain.webhooks.config import MASK, masked_url

# The headers MX's example webhook request shows (docs.mx.com/resources/webhooks): JSON in, JSON accepted.
BASE_HEADERS = {"Content-Type": "application/json; charset=utf-8", "Accept": "application/json"}
USER_AGENT = "mocknexus-webhooks/1 (an emulation of MX's webhooks)"
CALLBACK_HEADER = "X-CALLBACK-PAYLOAD"
# mocknexus's own (MX publishes no such header; its object webhooks carry a `revision` to de-duplicate on):
# the event's id, the same on every retry and redelivery of one event (docs/webhooks.md).
EVENT_ID_HEADER = "X-Mocknexus-Event-Id"
TOKEN_EARLY_SECONDS = 5.0  # fetch a new token this long before the old one expires
TOKENS_KEPT = 1024


@dataclass(frozen=True)
class Outcome:
    delivered: bool
    attempt: dict[str, Any]  # what the outbox records: url, masked headers, status, latency, error


def scope_of(world_id: str | None, config: dict[str, Any]) -> tuple[str | None, str]:
    """The world and the whole configuration (secrets included, as a digest) tokens and connections belong to."""
    digest = hashlib.sha256(json.dumps(config, sort_keys=True, default=str).encode()).hexdigest()
    return (world_id, digest)


class Sender:
    def __init__(self, timeout: float, targets: Targets | None = None) -> None:
        self.timeout = timeout
        self.transport = Transport(targets or Targets())
        self._tokens: OrderedDict[tuple, tuple[str, float]] = OrderedDict()  # scope -> (token, expiry)
        self._lock = threading.Lock()

    def deadline_seconds(self, config: dict[str, Any] | None) -> float:
        """The longest one attempt may take (the dispatcher's claim lease follows it)."""
        return (config or {}).get("timeout") or self.timeout

    def send(
        self, delivery: dict[str, Any], config: dict[str, Any] | None, at: str, world_id: str | None = None
    ) -> Outcome:
        """One attempt; `at` is the emulated time it is recorded under."""
        config = config or {}
        scope = scope_of(world_id, config)
        deadline = time.monotonic() + self.deadline_seconds(config)
        headers = {**BASE_HEADERS, "User-Agent": USER_AGENT, EVENT_ID_HEADER: event_id(delivery)}
        if delivery.get("callback_payload"):
            headers[CALLBACK_HEADER] = delivery["callback_payload"]
        body = json.dumps(delivery["payload"]).encode()
        url = delivery["url"]
        started = time.perf_counter()
        status: int | None = None
        error: str | None = None
        try:
            auth = self._authorization(config, scope, deadline, fresh=False)
            status = self.transport.post(scope, url, body, {**headers, **auth}, deadline).status
            if status == 401 and config.get("oauth2"):
                # MX: when the token is refused, it "repeats the process": a new token, and the request again.
                auth = self._authorization(config, scope, deadline, fresh=True)
                status = self.transport.post(scope, url, body, {**headers, **auth}, deadline).status
        except (DeliveryError, ValueError) as exc:
            error = str(exc)
        latency_ms = round((time.perf_counter() - started) * 1000, 2)
        shown = {**headers, **_masked_authorization(config)}
        delivered = status is not None and 200 <= status < 300
        if status is not None and not delivered and error is None:
            error = f"the receiver answered {status}"
        attempt = {"at": at, "url": masked_url(url), "headers": shown, "status_code": status, "latency_ms": latency_ms}
        return Outcome(delivered, {**attempt, "error": error})

    def _authorization(self, config: dict[str, Any], scope: tuple, deadline: float, fresh: bool) -> dict[str, str]:
        basic = config.get("basic_auth")
        if basic:
            return {"Authorization": "Basic " + _b64(f"{basic['username']}:{basic['password']}")}
        oauth = config.get("oauth2")
        if oauth:
            return {"Authorization": "Bearer " + self._token(oauth, scope, deadline, fresh)}
        return {}

    def _token(self, oauth: dict[str, Any], scope: tuple, deadline: float, fresh: bool) -> str:
        """A client-credentials token from the partner's token URL, reused until (shortly before) it expires,
        for this scope alone."""
        with self._lock:
            cached = self._tokens.get(scope)
            if cached and not fresh and cached[1] > time.monotonic():
                return cached[0]
        fields = {"grant_type": "client_credentials", **({"scope": oauth["scope"]} if oauth.get("scope") else {})}
        credentials = _b64(f"{oauth['client_id']}:{oauth['client_secret']}")
        headers = {
            "Authorization": "Basic " + credentials,
            "Accept": "application/json",
            "Content-Type": "application/x-www-form-urlencoded",
            "User-Agent": USER_AGENT,
        }
        body = urllib.parse.urlencode(fields).encode()
        try:
            answer = self.transport.post(scope, oauth["token_url"], body, headers, deadline)
        except DeliveryError as exc:
            raise ValueError(f"the OAuth 2 token URL: {exc}") from None
        if answer.status != 200:
            raise ValueError(f"the OAuth 2 token URL answered {answer.status}")
        try:
            document = json.loads(answer.body)
            token = document["access_token"]
            lifetime = float(document.get("expires_in") or 3600)
            if not isinstance(token, str):
                raise TypeError
        except (ValueError, KeyError, TypeError):
            raise ValueError("the OAuth 2 token URL's answer has no access_token") from None
        with self._lock:
            self._tokens[scope] = (token, time.monotonic() + max(0.0, lifetime - TOKEN_EARLY_SECONDS))
            self._tokens.move_to_end(scope)
            while len(self._tokens) > TOKENS_KEPT:
                self._tokens.popitem(last=False)
        return token

    def close(self) -> None:
        self.transport.close()


def event_id(delivery: dict[str, Any]) -> str:
    """The id of the event a delivery carries: a redelivery's is its original's."""
    return delivery.get("event_id") or delivery["id"]


def _masked_authorization(config: dict[str, Any]) -> dict[str, str]:
    if config.get("basic_auth"):
        return {"Authorization": "Basic " + MASK}
    if config.get("oauth2"):
        return {"Authorization": "Bearer " + MASK}
    return {}


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()
