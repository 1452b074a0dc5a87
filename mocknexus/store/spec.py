"""Which store a server uses, from `--store` (env MOCKNEXUS_STORE): `memory` (the default), a SQLite file (a path
or `sqlite:///path`; `--state-file` is the older spelling), or a PostgreSQL URL (`postgresql://user:pw@host:5432/db`,
or libpq's socket form `postgresql://user@/db?host=/run/postgresql`).

`display` is what may be shown of it anywhere (logs, errors, `/__admin/health`): a PostgreSQL URL without its
password.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mocknexus.store.base import Store
from mocknexus.store.memory import MemoryStore
from mocknexus.store.redaction import redact
from mocknexus.store.sqlite import SQLiteStore

MEMORY, SQLITE, POSTGRESQL = "memory", "sqlite", "postgresql"
_PG_SCHEMES = ("postgresql://", "postgres://")
INSTALL_HINT = "pip install 'mocknexus[postgresql]'"


@dataclass(frozen=True)
class StoreSpec:
    kind: str  # MEMORY, SQLITE or POSTGRESQL
    target: str  # the SQLite path or the PostgreSQL URL (with its password: never shown)
    display: str

    @property
    def shared(self) -> bool:
        """Other processes (workers, replicas) may use the same state: nothing derived from it is kept."""
        return self.kind != MEMORY


def parse(text: str) -> StoreSpec:
    """A store's spec from its text; ValueError naming what is wrong (never the password)."""
    text = text.strip()
    if text in ("", MEMORY, "memory://"):
        return StoreSpec(MEMORY, "", MEMORY)
    if text.startswith(_PG_SCHEMES):
        return StoreSpec(POSTGRESQL, text, redact(text))
    if text.startswith("sqlite://"):
        path = text.removeprefix("sqlite://")
        if not path.startswith("/") or path == "/":
            raise ValueError("store: a SQLite URL is sqlite:///absolute/path (three slashes), or give a plain path")
        return StoreSpec(SQLITE, path, path)
    if "://" in text:
        scheme = text.split("://", 1)[0]
        raise ValueError(
            f"store: {scheme}:// is not a store: memory, a SQLite path, sqlite:///path or postgresql://..."
        )
    return StoreSpec(SQLITE, text, text)


def open_store(spec: StoreSpec, encode: Callable[[str, Any], str], decode: Callable[[str, str], Any]) -> Store:
    """The store a spec names, opened (a PostgreSQL one reached and its schema brought up to date)."""
    if spec.kind == MEMORY:
        return MemoryStore()
    if spec.kind == SQLITE:
        return SQLiteStore(spec.target, encode, decode)
    try:
        from mocknexus.store.postgres import PostgresStore
    except ImportError:
        raise ValueError(f"store: PostgreSQL needs psycopg and psycopg_pool ({INSTALL_HINT})") from None
    return PostgresStore(spec.target, encode, decode)
