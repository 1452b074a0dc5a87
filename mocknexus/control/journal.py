"""The request journal: the last N calls to the emulated APIs, with every secret masked before it is kept."""

from __future__ import annotations

import fnmatch
import itertools
import threading
from collections import deque
from dataclasses import dataclass
from typing import Any

MASK = "****"
SECRET_HEADERS = frozenset({"md-session-token", "md-api-token", "md-api-key", "authorization", "cookie"})
# Body keys whose values are secrets: credential values and MFA answers ("value"), and tokens.
SECRET_KEYS = frozenset({"value", "api_token", "token", "password"})


@dataclass(frozen=True)
class Entry:
    id: int
    at: str  # emulator clock time, ISO 8601
    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: Any
    status: int
    duration_ms: float
    fault: str | None = None


def mask_headers(headers: dict[str, str]) -> dict[str, str]:
    return {k: (MASK if k.lower() in SECRET_HEADERS else v) for k, v in headers.items()}


def mask_body(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: (MASK if k in SECRET_KEYS and v is not None else mask_body(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_body(v) for v in value]
    return value


class Journal:
    def __init__(self, size: int = 1000) -> None:
        self._lock = threading.Lock()
        self._entries: deque[Entry] = deque(maxlen=size)
        self._ids = itertools.count(1)

    def record(self, **fields: Any) -> None:
        with self._lock:
            self._entries.append(Entry(id=next(self._ids), **fields))

    def entries(
        self,
        method: str | None = None,
        path: str | None = None,
        status: int | None = None,
        limit: int | None = None,
    ) -> list[Entry]:
        """Newest first, filtered by method, path glob and status."""
        with self._lock:
            found = [
                e
                for e in reversed(self._entries)
                if (method is None or e.method == method.upper())
                and (path is None or fnmatch.fnmatchcase(e.path, path))
                and (status is None or e.status == status)
            ]
        return found[:limit] if limit else found

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
