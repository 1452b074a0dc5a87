"""The opt-in persistent store: one SQLite file (WAL), shared by threads and by worker processes.

Records are kept as text made by an encoder the domain hands in, so this module knows no domain types.
A transaction is `BEGIN IMMEDIATE`: it takes SQLite's write lock at once, which serializes every
read-modify-write across threads and processes alike, as the in-memory store's lock does within one.

A partition (one MX client id) is a view of the same file whose table names carry the partition's name as a
prefix: every worker process sees the same partitions, and a partition's transaction is the file's.
"""

from __future__ import annotations

import copy
import sqlite3
import threading
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

Encode = Callable[[str, Any], str]
Decode = Callable[[str, str], Any]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    tbl TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (tbl, key)
) WITHOUT ROWID
"""


class SQLiteStore:
    def __init__(self, path: str, encode: Encode, decode: Decode) -> None:
        self.path = path
        self._encode = encode
        self._decode = decode
        self._local = threading.local()
        # Threads of this process queue here, in order, rather than in SQLite's busy handler (which backs
        # off with sleeps); SQLite's own lock then only arbitrates between processes.
        self._process_lock = threading.RLock()
        self._prefix = ""  # a partition's: "<quoted name>/" (quoting leaves no "/" in the name)
        conn = self._conn()
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(_SCHEMA)

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            # autocommit mode (isolation_level=None): transactions are only the ones `transaction` opens.
            conn = sqlite3.connect(self.path, timeout=60, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA synchronous=FULL")  # an acknowledged write survives a kill -9
            self._local.conn = conn
            self._local.depth = 0
        return conn

    @contextmanager
    def transaction(self) -> Iterator[None]:
        conn = self._conn()
        with self._process_lock:
            outermost = self._local.depth == 0
            if outermost:
                conn.execute("BEGIN IMMEDIATE")
            self._local.depth += 1
            try:
                yield
            except BaseException:
                self._local.depth -= 1
                if outermost:
                    conn.execute("ROLLBACK")
                raise
            self._local.depth -= 1
            if outermost:
                conn.execute("COMMIT")

    def get(self, table: str, key: str) -> Any | None:
        row = (
            self._conn()
            .execute("SELECT value FROM records WHERE tbl = ? AND key = ?", (self._prefix + table, key))
            .fetchone()
        )
        return None if row is None else self._decode(table, row[0])

    def put(self, table: str, key: str, value: Any) -> None:
        self._conn().execute(
            "INSERT OR REPLACE INTO records (tbl, key, value) VALUES (?, ?, ?)",
            (self._prefix + table, key, self._encode(table, value)),
        )

    def delete(self, table: str, key: str) -> None:
        self._conn().execute("DELETE FROM records WHERE tbl = ? AND key = ?", (self._prefix + table, key))

    def values(self, table: str) -> Iterator[Any]:
        rows = self._conn().execute("SELECT value FROM records WHERE tbl = ?", (self._prefix + table,)).fetchall()
        return iter([self._decode(table, text) for (text,) in rows])

    def shared_values(self, table: str) -> Iterator[Any]:
        return self.values(table)  # decoded at each read: nothing is kept to share

    def items(self, table: str) -> Iterator[tuple[str, Any]]:
        rows = self._conn().execute("SELECT key, value FROM records WHERE tbl = ?", (self._prefix + table,)).fetchall()
        return iter([(key, self._decode(table, text)) for key, text in rows])

    def count(self, table: str) -> int:
        return self._conn().execute("SELECT COUNT(*) FROM records WHERE tbl = ?", (self._prefix + table,)).fetchone()[0]

    def generation(self) -> None:
        return None  # other processes write to the same file unseen

    def clear(self) -> None:
        if not self._prefix:
            self._conn().execute("DELETE FROM records")
            return
        # Every table of this partition: names from "<name>/" up to (not including) "<name>0" ("0" follows "/").
        self._conn().execute("DELETE FROM records WHERE tbl >= ? AND tbl < ?", (self._prefix, self._prefix[:-1] + "0"))

    def drop_partition(self, name: str) -> None:
        """Forget partition `name` and its records (a client id's world dropped from the registry)."""
        self.partition(name).clear()

    def partition(self, name: str) -> SQLiteStore:
        if self._prefix:
            raise ValueError("partitions do not nest")
        view = copy.copy(self)  # shares the connections, the process lock and the codec
        view._prefix = urllib.parse.quote(name, safe="") + "/"
        return view
