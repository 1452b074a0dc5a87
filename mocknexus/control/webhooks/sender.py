"""Posting one webhook delivery to the partner's receiver, as MX does: JSON with MX's headers, HTTP Basic or an
OAuth 2 bearer token (client credentials, reused until it expires, fetched again on a 401), and a timeout.

urllib3 does the HTTP (pooled connections, timeouts, no retries of its own: retrying is the outbox's business,
on MX's schedule and the emulated clock).
"""

from __future__ import annotations

import base64
import json
import threading
import time
from dataclasses import dataclass
from typing import Any

import urllib3

from mocknexus.domain.webhooks.config import MASK

# The headers MX's example webhook request shows (docs.mx.com/resources/webhooks): JSON in, JSON accepted.
BASE_HEADERS = {"Content-Type": "application/json; charset=utf-8", "Accept": "application/json"}
USER_AGENT = "mocknexus-webhooks/1 (an emulation of MX's webhooks)"
CALLBACK_HEADER = "X-CALLBACK-PAYLOAD"
TOKEN_EARLY_SECONDS = 5.0  # fetch a new token this long before the old one expires


@dataclass(frozen=True)
class Outcome:
    delivered: bool
    attempt: dict[str, Any]  # what the outbox records: url, masked headers, status, latency, error


class Sender:
    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self._http = urllib3.PoolManager(num_pools=32, maxsize=8, retries=False)
        self._tokens: dict[tuple[str, str], tuple[str, float]] = {}  # (token_url, client_id) -> (token, expiry)
        self._lock = threading.Lock()

    def send(self, delivery: dict[str, Any], config: dict[str, Any] | None, at: str) -> Outcome:
        """One attempt; `at` is the emulated time it is recorded under."""
        config = config or {}
        timeout = config.get("timeout") or self.timeout
        headers = {**BASE_HEADERS, "User-Agent": USER_AGENT}
        if delivery.get("callback_payload"):
            headers[CALLBACK_HEADER] = delivery["callback_payload"]
        body = json.dumps(delivery["payload"]).encode()
        url = delivery["url"]
        started = time.perf_counter()
        status: int | None = None
        error: str | None = None
        try:
            auth = self._authorization(config, timeout, fresh=False)
            status = self._post(url, body, {**headers, **auth}, timeout)
            if status == 401 and config.get("oauth2"):
                # MX: when the token is refused, it "repeats the process": a new token, and the request again.
                auth = self._authorization(config, timeout, fresh=True)
                status = self._post(url, body, {**headers, **auth}, timeout)
        except (urllib3.exceptions.HTTPError, OSError, ValueError) as exc:
            error = _describe(exc)
        latency_ms = round((time.perf_counter() - started) * 1000, 2)
        shown = {**headers, **_masked_authorization(config)}
        delivered = status is not None and 200 <= status < 300
        if status is not None and not delivered and error is None:
            error = f"the receiver answered {status}"
        attempt = {"at": at, "url": url, "headers": shown, "status_code": status, "latency_ms": latency_ms}
        return Outcome(delivered, {**attempt, "error": error})

    def _post(self, url: str, body: bytes, headers: dict[str, str], timeout: float) -> int:
        response = self._http.request(
            "POST", url, body=body, headers=headers, timeout=urllib3.Timeout(connect=timeout, read=timeout),
            redirect=False, preload_content=True,
        )  # fmt: skip
        return response.status

    def _authorization(self, config: dict[str, Any], timeout: float, fresh: bool) -> dict[str, str]:
        basic = config.get("basic_auth")
        if basic:
            return {"Authorization": "Basic " + _b64(f"{basic['username']}:{basic['password']}")}
        oauth = config.get("oauth2")
        if oauth:
            return {"Authorization": "Bearer " + self._token(oauth, timeout, fresh)}
        return {}

    def _token(self, oauth: dict[str, Any], timeout: float, fresh: bool) -> str:
        """A client-credentials token from the partner's token URL, reused until (shortly before) it expires."""
        key = (oauth["token_url"], oauth["client_id"])
        with self._lock:
            cached = self._tokens.get(key)
            if cached and not fresh and cached[1] > time.monotonic():
                return cached[0]
        fields = {"grant_type": "client_credentials", **({"scope": oauth["scope"]} if oauth.get("scope") else {})}
        credentials = _b64(f"{oauth['client_id']}:{oauth['client_secret']}")
        response = self._http.request_encode_body(
            "POST", oauth["token_url"], fields=fields, encode_multipart=False,
            headers={"Authorization": "Basic " + credentials, "Accept": "application/json"},
            timeout=urllib3.Timeout(connect=timeout, read=timeout), redirect=False,
        )  # fmt: skip
        if response.status != 200:
            raise ValueError(f"the OAuth 2 token URL answered {response.status}")
        try:
            answer = json.loads(response.data)
            token = answer["access_token"]
            lifetime = float(answer.get("expires_in") or 3600)
        except (ValueError, KeyError, TypeError):
            raise ValueError("the OAuth 2 token URL's answer has no access_token") from None
        with self._lock:
            self._tokens[key] = (token, time.monotonic() + max(0.0, lifetime - TOKEN_EARLY_SECONDS))
        return token

    def close(self) -> None:
        self._http.clear()


def _masked_authorization(config: dict[str, Any]) -> dict[str, str]:
    if config.get("basic_auth"):
        return {"Authorization": "Basic " + MASK}
    if config.get("oauth2"):
        return {"Authorization": "Bearer " + MASK}
    return {}


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _describe(exc: Exception) -> str:
    if isinstance(exc, urllib3.exceptions.MaxRetryError) and exc.reason is not None:
        exc = exc.reason  # type: ignore[assignment]
    if isinstance(exc, urllib3.exceptions.TimeoutError):
        return "timed out waiting for the receiver"
    if isinstance(exc, urllib3.exceptions.NewConnectionError):
        return "could not connect to the receiver"
    return f"{type(exc).__name__}: {exc}"
