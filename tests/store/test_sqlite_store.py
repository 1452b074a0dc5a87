"""What the SQLite store (--state-file) promises beyond the common contract: the state outlives the store object,
several store objects on one file (as worker processes have) see and serialize each other's writes, and a
transaction that fails leaves nothing behind."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor

import pytest

from mocknexus.store import SQLiteStore
from tests.store.test_store_contract import decode, encode


def open_store(path) -> SQLiteStore:
    return SQLiteStore(str(path), encode, decode)


def test_records_and_partitions_survive_reopening_the_file(tmp_path):
    first = open_store(tmp_path / "state.db")
    first.put("users", "USR-1", {"id": "u1"})
    first.partition("client-a").put("members", "MBR-1", {"status": "CONNECTED"})
    first.partition("client-b").put("members", "MBR-1", {"status": "DENIED"})
    del first

    again = open_store(tmp_path / "state.db")
    assert again.get("users", "USR-1") == {"id": "u1"}
    assert again.partition("client-a").get("members", "MBR-1") == {"status": "CONNECTED"}
    assert again.partition("client-b").get("members", "MBR-1") == {"status": "DENIED"}
    assert again.count("members") == 0  # the root's tables are not the partitions'
    assert sqlite3.connect(tmp_path / "state.db").execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_two_store_objects_on_one_file_see_each_others_writes(tmp_path):
    one, two = open_store(tmp_path / "state.db"), open_store(tmp_path / "state.db")
    one.partition("c").put("t", "k", 1)
    assert two.partition("c").get("t", "k") == 1
    two.partition("c").clear()
    assert one.partition("c").get("t", "k") is None


def test_transactions_serialize_across_store_objects_on_one_file(tmp_path):
    """Like worker processes: each has its own store object and connection, and no increment is lost."""
    stores = [open_store(tmp_path / "state.db") for _ in range(3)]
    stores[0].put("counters", "c", 0)

    def bump(s: SQLiteStore) -> None:
        for _ in range(20):
            with s.transaction():
                s.put("counters", "c", s.get("counters", "c") + 1)

    with ThreadPoolExecutor(3) as pool:
        list(pool.map(bump, stores))
    assert stores[0].get("counters", "c") == 60


@pytest.mark.live  # a child process
def test_another_process_reads_what_was_committed(tmp_path):
    store = open_store(tmp_path / "state.db")
    with store.transaction():
        store.partition("client-a").put("members", "MBR-1", {"status": "CONNECTED"})
    script = textwrap.dedent(
        f"""
        import json
        from mocknexus.store import SQLiteStore
        store = SQLiteStore({str(tmp_path / "state.db")!r}, lambda t, v: json.dumps(v), lambda t, s: json.loads(s))
        print(json.dumps(store.partition("client-a").get("members", "MBR-1")))
        """
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip() == '{"status": "CONNECTED"}'


def test_a_failed_transaction_leaves_nothing(tmp_path):
    store = open_store(tmp_path / "state.db")
    store.put("t", "kept", 1)
    with pytest.raises(RuntimeError), store.transaction():
        store.put("t", "lost", 2)
        store.delete("t", "kept")
        raise RuntimeError("the operation failed half way")
    assert store.get("t", "kept") == 1
    assert store.get("t", "lost") is None
    with store.transaction():  # and the store is usable afterwards
        store.put("t", "after", 3)
    assert store.get("t", "after") == 3


def test_partitions_do_not_nest(tmp_path):
    with pytest.raises(ValueError, match="do not nest"):
        open_store(tmp_path / "state.db").partition("a").partition("b")
