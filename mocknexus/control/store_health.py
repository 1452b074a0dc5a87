"""Whether the store answers, for `/__admin/health`: which store this server uses, one read of it, and (on
PostgreSQL) which replica this is and whether it is alone on the database."""

from __future__ import annotations

import time
from typing import Any

from mocknexus.domain.core.tables import META
from mocknexus.store import Store
from mocknexus.store.base import StoreUnavailable
from mocknexus.store.spec import StoreSpec


def store_health(spec: StoreSpec, store: Store) -> dict[str, Any]:
    """{kind, location (never a password), answers, latency_ms, error, replica, alone}."""
    return {"kind": spec.kind, "location": spec.display, **_answers(store), **_replica(store)}


def _answers(store: Store) -> dict[str, Any]:
    """A read of one record, timed."""
    started = time.perf_counter()
    ping = getattr(store, "ping", None)  # PostgreSQL's: bounded by a short wait for a connection
    try:
        if ping is not None:
            ping()
        else:
            store.get(META, "health")
    except StoreUnavailable as exc:  # its message names the store without the password
        return {"answers": False, "latency_ms": None, "error": str(exc)}
    except Exception as exc:  # a SQLite file gone unreadable, say: the kind of failure, not its text
        return {"answers": False, "latency_ms": None, "error": type(exc).__name__}
    return {"answers": True, "latency_ms": round((time.perf_counter() - started) * 1000, 3), "error": None}


def _replica(store: Store) -> dict[str, Any]:
    """PostgreSQL's replica: its name in the database and whether it holds the sole lease (store/postgres_sole.py)."""
    alone = getattr(store, "alone", None)
    return {"replica": getattr(store, "replica", None), "alone": alone() if alone is not None else None}
