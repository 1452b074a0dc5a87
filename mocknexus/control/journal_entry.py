"""One request as the journal keeps it (`Entry`: the raw request, cheap to record on every call) and as it
shows it (`view`: every secret masked, the body decoded), and what an entry weighs against the journals' byte
budget."""

from __future__ import annotations

import functools
import itertools
import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

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


def views(entries: list[Entry], limit: int | None = None) -> list[dict[str, Any]]:
    """Entries as the journal shows them (masked), at most `limit`."""
    return [entry.view() for entry in (entries[:limit] if limit else entries)]
