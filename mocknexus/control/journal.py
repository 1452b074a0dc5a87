"""The request journal: the last N calls to the emulated APIs, with every secret masked whenever it is read.

Recording keeps the raw request (cheap: it runs on every call); masking and decoding happen in `view`,
which is all that leaves this module.
"""

from __future__ import annotations

import fnmatch
import itertools
import json
import threading
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

MASK = "****"
SECRET_HEADERS = frozenset({"md-session-token", "md-api-token", "md-api-key", "authorization", "cookie"})
# Body keys whose values are secrets: credential values and MFA answers ("value"), and tokens.
SECRET_KEYS = frozenset({"value", "api_token", "token", "password"})


@dataclass(frozen=True, slots=True)
class Entry:
    id: int
    at: datetime  # emulator clock time
    method: str
    path: str
    query: bytes
    headers: tuple[tuple[str, str], ...]
    body: bytes | None
    content_type: str
    status: int
    duration_ms: float
    fault: str | None = None
    client_id: str | None = None  # the world it reached; None: MX's shared fixtures, or no world at all

    def view(self) -> dict[str, Any]:
        """The entry as the journal shows it: secrets masked, body decoded."""
        return {
            "id": self.id,
            "at": self.at.isoformat(),
            "method": self.method,
            "path": self.path,
            "query": self.query.decode("latin-1"),
            "headers": mask_headers(dict(self.headers)),
            "body": _body_view(self.body, self.content_type),
            "status": self.status,
            "duration_ms": round(self.duration_ms, 3),
            "fault": self.fault,
            "client_id": self.client_id,
        }


def _body_view(body: bytes | None, content_type: str) -> Any:
    """The JSON body with secrets masked; for anything else only its size and type, since secrets in a
    body we cannot parse cannot be masked."""
    if not body:
        return None
    try:
        return mask_body(json.loads(body))
    except (ValueError, RecursionError):
        return f"<{len(body)} bytes of {content_type or 'unknown type'}, not JSON>"


def mask_headers(headers: dict[str, str]) -> dict[str, str]:
    return {k: (MASK if k.lower() in SECRET_HEADERS else v) for k, v in headers.items()}


def mask_body(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: (MASK if k in SECRET_KEYS and v is not None else mask_body(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_body(v) for v in value]
    return value


class Journal:
    """One client id's journal (or the server's, for calls that reached no client). Entry ids come from one
    counter shared by every journal, so merged journals keep the order calls were made in."""

    def __init__(
        self,
        size: int = 1000,
        *,
        client_id: str | None = None,
        ids: Iterator[int] | None = None,
        on_record: Callable[[], None] | None = None,
    ) -> None:
        self._lock = threading.Lock()
        self._entries: deque[Entry] = deque(maxlen=size)
        self._ids = ids or itertools.count(1)
        self.client_id = client_id
        self._on_record = on_record  # a wait on this journal is woken by it

    def next_id(self) -> int:
        """An id for a request that is starting; `record` files its entry under it when it ends."""
        return next(self._ids)

    def record(self, id: int | None = None, headers: Any = (), **fields: Any) -> None:
        # Slots and tuples: a kept entry is one object for the garbage collector to track, not four, which
        # matters with a thousand entries kept per client id and a hundred client ids.
        headers = tuple(headers)
        with self._lock:  # ids in the order entries are kept
            entry_id = id if id is not None else next(self._ids)
            client_id = fields.pop("client_id", self.client_id)  # a call whose provisional world was dropped
            self._entries.append(Entry(id=entry_id, client_id=client_id, headers=headers, **fields))
        if self._on_record is not None:
            self._on_record()

    def matching(self, method: str | None = None, path: str | None = None, status: int | None = None) -> list[Entry]:
        """Raw entries, newest first, filtered by method, path glob and status."""
        with self._lock:
            return [
                e
                for e in reversed(self._entries)
                if (method is None or e.method == method.upper())
                and (path is None or fnmatch.fnmatchcase(e.path, path))
                and (status is None or e.status == status)
            ]

    def entries(
        self,
        method: str | None = None,
        path: str | None = None,
        status: int | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        """Newest first, filtered by method, path glob and status; masked."""
        return views(self.matching(method, path, status), limit)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def views(entries: list[Entry], limit: int | None = None) -> list[dict[str, Any]]:
    """Entries as the journal shows them (masked), at most `limit`."""
    return [entry.view() for entry in (entries[:limit] if limit else entries)]
