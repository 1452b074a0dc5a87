"""What the Python clients share (standard library only): one JSON call over urllib, and its errors."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

NEXUS_MEDIA_TYPE = "application/vnd.mx.nexus.v1+json"


class AdminError(Exception):
    """A call answered with an error status; `body` is MX's error object."""

    def __init__(self, status: int, body: Any) -> None:
        super().__init__(f"HTTP {status}: {body}")
        self.status = status
        self.body = body


class WaitTimeout(AdminError):
    """A server-side wait gave up (HTTP 408); `body` holds the error and the state at that moment
    (`body["member"]`, or `body["requests"]` matched so far)."""


def http_call(method: str, url: str, body: Any, headers: dict[str, str], timeout: float = 10.0) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers={"Accept": "application/json", **headers})
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw = response.read()
    except urllib.error.HTTPError as exc:
        raise AdminError(exc.code, parse(exc.read())) from None
    return parse(raw)


def quote(segment: str) -> str:
    return urllib.parse.quote(segment, safe="")


def parse(raw: bytes) -> Any:
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return raw.decode("utf-8", "replace")
