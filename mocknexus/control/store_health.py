"""Whether the store answers, for `/__admin/health`: which store this server uses, and one read of it."""

from __future__ import annotations

import time
from typing import Any

from mocknexus.domain.core.tables import META
from mocknexus.store import Store
from mocknexus.store.base import StoreUnavailable
from mocknexus.store.spec import StoreSpec


def store_health(spec: StoreSpec, store: Store) -> dict[str, Any]:
    """{kind, location (never a password), answers, latency_ms, error}: a read of one record, timed."""
    started = time.perf_counter()
    ping = getattr(store, "ping", None)  # PostgreSQL's: bounded by a short wait for a connection
    try:
        if ping is not None:
            ping()
        else:
            store.get(META, "health")
    except StoreUnavailable as exc:  # its message names the store without the password
        return _health(spec, False, None, str(exc))
    except Exception as exc:  # a SQLite file gone unreadable, say: the kind of failure, not its text
        return _health(spec, False, None, type(exc).__name__)
    return _health(spec, True, round((time.perf_counter() - started) * 1000, 3), None)


def _health(spec: StoreSpec, answers: bool, latency_ms: float | None, error: str | None) -> dict[str, Any]:
    return {"kind": spec.kind, "location": spec.display, "answers": answers, "latency_ms": latency_ms, "error": error}
