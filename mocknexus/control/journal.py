"""The request journal: the last N calls to the emulated APIs, with every secret masked whenever it is read.

Recording keeps the raw request (cheap: it runs on every call); masking and decoding happen in `view`,
which is all that leaves this module. Memory is bounded by bytes as well as by entries: each body is kept
up to a prefix (its view says it was cut), and every journal of a server shares one byte budget
(`JournalBudget`), past which the oldest entries of any journal go first.
"""

from __future__ import annotations

import fnmatch
import functools
import itertools
import json
import re
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mocknexus.control.journal_index import JournalIndex

MASK = "****"
# Per entry besides its bytes: the object, its tuples and strings (measured: about 400 bytes).
ENTRY_OVERHEAD = 400
SECRET_HEADERS = frozenset({"md-session-token", "md-api-token", "md-api-key", "authorization", "cookie"})
# Body keys whose values are secrets: credential values and MFA answers ("value"), and tokens.
SECRET_KEYS = frozenset({"value", "api_token", "token", "password"})


# Not frozen, though never changed once recorded: a frozen dataclass sets each field through
# object.__setattr__, which made building one (on every call) 2.2 us instead of 0.5.
@dataclass(slots=True)
class Entry:
    id: int
    at: datetime  # emulator clock time
    method: str
    path: str
    query: bytes
    headers: tuple[tuple[str, str], ...]  # WSGI environ keys (HTTP_MD_SESSION_TOKEN, CONTENT_TYPE) and values
    body: bytes | None
    content_type: str
    status: int
    duration_ms: float
    fault: str | None = None
    client_id: str | None = None  # the world it reached; None: MX's shared fixtures, or no world at all
    body_size: int = 0  # the body's length as sent; more than len(body) when only a prefix was kept
    footprint: int = 0  # roughly the bytes this entry holds, for the journals' byte budget (`footprint`)
    seq: int = 0  # its place in the order entries were recorded, across journals (journal_index.py)

    def view(self) -> dict[str, Any]:
        """The entry as the journal shows it: secrets masked, body decoded."""
        return {
            "id": self.id,
            "at": self.at.isoformat(),
            "method": self.method,
            "path": self.path,
            "query": self.query.decode("latin-1"),
            "headers": mask_headers({header_name(k): v for k, v in self.headers}),
            "body": _body_view(self.body, self.content_type, self.body_size),
            "status": self.status,
            "duration_ms": round(self.duration_ms, 3),
            "fault": self.fault,
            "client_id": self.client_id,
        }


def _body_view(body: bytes | None, content_type: str, size: int = 0) -> Any:
    """The JSON body with secrets masked; for anything else only its size and type, since secrets in a
    body we cannot parse cannot be masked. A cut JSON body shows its prefix as text, secrets masked."""
    if not body:
        return None
    if size > len(body):
        kind = content_type or "unknown type"
        head = f"<{size} bytes of {kind}, cut to the first {len(body)}>"
        if "json" not in kind:
            return head
        return head + " " + _SECRET_VALUE.sub(r'\1"' + MASK + '"', body.decode("utf-8", "replace"))
    try:
        return mask_body(json.loads(body))
    except (ValueError, RecursionError):
        return f"<{len(body)} bytes of {content_type or 'unknown type'}, not JSON>"


# A secret key's value in JSON text that may be cut anywhere (a string, perhaps unterminated, or a scalar).
_SECRET_VALUE = re.compile(r'("(?:' + "|".join(sorted(SECRET_KEYS)) + r')"\s*:\s*)("(?:[^"\\]|\\.)*"?|[^,}\]\s]*)')


def footprint(path: str, query: bytes, headers: tuple[tuple[str, str], ...], body: bytes | None) -> int:
    """Roughly the bytes an entry holds, for the journals' byte budget (computed once, when recorded)."""
    kept = len(body or b"") + len(path) + len(query)
    return ENTRY_OVERHEAD + kept + len("".join(itertools.chain.from_iterable(headers)))  # the cheapest sum here


@functools.lru_cache(maxsize=512)
def header_name(key: str) -> str:
    """A header's name as werkzeug's EnvironHeaders spells it, from its WSGI environ key: entries keep the
    raw keys (recording runs on every call) and are spelt only when viewed."""
    if key[:5] == "HTTP_":
        key = key[5:]
    return key.replace("_", "-").title()


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
        budget: JournalBudget | None = None,
        index: JournalIndex | None = None,
    ) -> None:
        self._lock = threading.Lock()
        self._size = size
        self._entries: deque[Entry] = deque()
        self._ids = ids or itertools.count(1)
        self.client_id = client_id
        self._on_record = on_record  # a wait on this journal is woken by it
        self._budget = budget or JournalBudget()
        self._index = index or JournalIndex()  # every journal's entries in one order (server-wide reads)
        # The number (Entry.seq) of the oldest entry still kept: entries are dropped oldest first, so an
        # entry of the index is still here if its number is at least this (journal_index.py).
        self.floor = 0

    def next_id(self) -> int:
        """An id for a request that is starting; `record` files its entry under it when it ends."""
        return next(self._ids)

    def record(self, id: int | None = None, headers: Any = (), body: bytes | None = None, **fields: Any) -> None:
        # Slots and tuples: a kept entry is one object for the garbage collector to track, not four, which
        # matters with a thousand entries kept per client id and a hundred client ids. Built before any lock
        # is taken: this runs on every call.
        headers = tuple(headers)
        size = len(body) if body else 0
        if size > self._budget.body_limit:
            body = body[: self._budget.body_limit]  # type: ignore[index]
        fields.setdefault("client_id", self.client_id)  # given: a call whose provisional world was dropped
        weight = footprint(fields["path"], fields["query"], headers, body)
        entry = Entry(id=id, headers=headers, body=body, body_size=size, footprint=weight, **fields)  # type: ignore[arg-type]
        entries = self._entries
        dropped: list[Entry] = []
        with self._lock:  # ids, and places in the server-wide order, in the order entries are kept
            if id is None:
                entry.id = next(self._ids)
            self._index.add(self, entry)
            entries.append(entry)
            while len(entries) > self._size:
                dropped.append(entries.popleft())
            if dropped:
                self.floor = max(self.floor, dropped[-1].seq + 1)
        if dropped:
            self._index.left(len(dropped))
        # Outside this journal's lock: the budget may take entries from any journal (lock order: budget,
        # then a journal).
        self._budget.kept(self, entry, dropped)
        if self._on_record is not None:
            self._on_record()

    def drop_oldest(self, entry_id: int) -> Entry | None:
        """Let the budget take this journal's oldest entry, if it is still the one with `entry_id`."""
        with self._lock:
            if self._entries and self._entries[0].id == entry_id:
                taken = self._entries.popleft()
                self.floor = max(self.floor, taken.seq + 1)
            else:
                return None
        self._index.left(1)
        return taken

    def __len__(self) -> int:
        return len(self._entries)

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
            dropped = list(self._entries)
            self._entries.clear()
            self.floor = max(self.floor, self._index.next_seq)
        self._index.left(len(dropped))
        self._budget.kept(self, None, dropped)

    def detach(self) -> None:
        """Empty this journal for good (its world left the registry): nothing recorded in it later is shown."""
        self.clear()
        with self._lock:
            self.floor = sys.maxsize


class JournalBudget:
    """The bytes every journal of a server may hold together, and the prefix of a body each entry keeps.

    Entries are accounted in the order they were kept, across journals; past the limit the oldest go first,
    whichever journal holds them. An entry that left its journal otherwise (past the journal's count, or
    cleared) is given back at once; its place in the order is skipped when reached.
    """

    def __init__(self, limit: int = 64 * 1024 * 1024, body_limit: int = 8192) -> None:
        self.limit = limit
        self.body_limit = body_limit
        self.used = 0
        self._lock = threading.Lock()
        self._order: deque[tuple[Journal, int]] = deque()

    def kept(self, journal: Journal, entry: Entry | None, dropped: list[Entry]) -> None:
        with self._lock:
            for gone in dropped:
                self.used -= gone.footprint
            if entry is not None:
                self.used += entry.footprint
                self._order.append((journal, entry.id))
            while self.used > self.limit and self._order:
                owner, entry_id = self._order.popleft()
                taken = owner.drop_oldest(entry_id)
                if taken is not None:
                    self.used -= taken.footprint
            if len(self._order) > 2 * (self.used // ENTRY_OVERHEAD) + 1024:
                self._compact()

    def _compact(self) -> None:
        # Skipped places pile up when journals mostly drop entries by count; keep, from the newest back,
        # only as many places per journal as it still holds entries.
        room: dict[int, int] = {}
        kept: deque[tuple[Journal, int]] = deque()
        for owner, entry_id in reversed(self._order):
            left = room.setdefault(id(owner), len(owner))
            if left > 0:
                room[id(owner)] = left - 1
                kept.appendleft((owner, entry_id))
        self._order = kept


def views(entries: list[Entry], limit: int | None = None) -> list[dict[str, Any]]:
    """Entries as the journal shows them (masked), at most `limit`."""
    return [entry.view() for entry in (entries[:limit] if limit else entries)]
