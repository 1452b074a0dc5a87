"""The store contract (mocknexus/store/base.py), run against every store the app can be given.

The domain talks to the `Store` interface only, so whatever it relies on is asserted here once for the memory
store, for SQLite and for PostgreSQL (a real server the tests start): records by table and key, transactions
that make a read-modify-write atomic across threads, partitions (one per MX client id) that never see each other, and `clear` at either level.
What only SQLite promises (persistence, processes sharing a file) is in test_sqlite_store.py; PostgreSQL's (its
schema, replicas sharing a database) in test_postgres_store.py.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from mocknexus.store import MemoryStore, ReadOnlyView, SQLiteStore, Store


def encode(table: str, value: Any) -> str:
    return json.dumps(value)


def decode(table: str, text: str) -> Any:
    return json.loads(text)


@pytest.fixture(params=["memory", "sqlite", "postgresql"])
def store(request, tmp_path) -> Iterator[Store]:
    if request.param == "sqlite":
        yield SQLiteStore(str(tmp_path / "state.db"), encode, decode)
    elif request.param == "postgresql":  # a real server (tests/conftest.py), a fresh database each test
        from mocknexus.store.postgres import PostgresStore

        pg = PostgresStore(request.getfixturevalue("postgres_url"), encode, decode)
        yield pg
        pg.close()
    else:
        yield MemoryStore()


def test_a_record_reads_back_by_table_and_key(store):
    assert store.get("members", "MBR-1") is None
    store.put("members", "MBR-1", {"guid": "MBR-1", "name": "MX Bank"})
    assert store.get("members", "MBR-1") == {"guid": "MBR-1", "name": "MX Bank"}
    assert store.get("members", "MBR-2") is None
    assert store.get("users", "MBR-1") is None  # keys are per table


def test_put_replaces_and_delete_removes(store):
    store.put("members", "MBR-1", {"v": 1})
    store.put("members", "MBR-1", {"v": 2})
    assert store.get("members", "MBR-1") == {"v": 2}
    assert store.count("members") == 1
    store.delete("members", "MBR-1")
    assert store.get("members", "MBR-1") is None
    store.delete("members", "MBR-1")  # deleting what is not there is no error
    store.delete("never-written", "x")
    assert store.count("members") == 0


def test_values_items_and_count_see_one_table_only(store):
    for i in range(3):
        store.put("members", f"MBR-{i}", {"i": i})
    store.put("members2", "MBR-9", {"i": 9})  # a table whose name extends another's
    store.put("member", "MBR-8", {"i": 8})  # and one whose name is a prefix of it
    assert store.count("members") == 3
    assert sorted(v["i"] for v in store.values("members")) == [0, 1, 2]
    assert sorted(store.items("members")) == [("MBR-0", {"i": 0}), ("MBR-1", {"i": 1}), ("MBR-2", {"i": 2})]
    assert (store.count("members2"), store.count("member"), store.count("empty")) == (1, 1, 0)
    assert list(store.values("empty")) == [] and list(store.items("empty")) == []


def test_iterating_is_a_snapshot_that_writes_cannot_disturb(store):
    for i in range(5):
        store.put("t", str(i), i)
    seen = []
    for key, value in store.items("t"):
        store.put("t", f"new-{key}", value)
        store.delete("t", key)
        seen.append(value)
    assert sorted(seen) == [0, 1, 2, 3, 4]
    assert sorted(store.values("t")) == [0, 1, 2, 3, 4]
    assert store.count("t") == 5


def test_keys_and_values_keep_unusual_characters(store):
    key = "ünï/cödé %2F 'quoted' \"double\" ; DROP TABLE records"
    store.put("t", key, {"text": "line\nbreak\ttab ✓"})
    assert store.get("t", key) == {"text": "line\nbreak\ttab ✓"}
    assert list(store.items("t")) == [(key, {"text": "line\nbreak\ttab ✓"})]


def test_transactions_are_reentrant(store):
    with store.transaction(), store.transaction():
        store.put("t", "k", 1)
        assert store.get("t", "k") == 1
    assert store.get("t", "k") == 1


def test_a_read_modify_write_in_a_transaction_loses_no_update_under_threads(store):
    store.put("counters", "c", 0)

    def bump(_: int) -> None:
        for _ in range(25):
            with store.transaction():
                value = store.get("counters", "c")
                store.put("counters", "c", value + 1)

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(bump, range(8)))
    assert store.get("counters", "c") == 200


def test_a_transaction_is_not_seen_half_done(store):
    """A reader in its own transaction sees both of a transaction's writes or neither."""
    store.put("a", "x", 0)
    store.put("b", "x", 0)
    stop, torn = threading.Event(), []

    def writer() -> None:
        for i in range(1, 200):
            with store.transaction():
                store.put("a", "x", i)
                store.put("b", "x", i)
        stop.set()

    def reader() -> None:
        while not stop.is_set():
            with store.transaction():
                a, b = store.get("a", "x"), store.get("b", "x")
            if a != b:
                torn.append((a, b))

    threads = [threading.Thread(target=writer), threading.Thread(target=reader)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert torn == []
    assert store.get("a", "x") == store.get("b", "x") == 199


def test_partitions_never_see_each_other_or_the_root(store):
    ca, cb = store.partition("client-a"), store.partition("client-b")
    ca.put("members", "MBR-1", {"owner": "a"})
    cb.put("members", "MBR-1", {"owner": "b"})
    store.put("members", "MBR-1", {"owner": "root"})
    assert ca.get("members", "MBR-1") == {"owner": "a"}
    assert cb.get("members", "MBR-1") == {"owner": "b"}
    assert store.get("members", "MBR-1") == {"owner": "root"}
    assert [ca.count("members"), cb.count("members"), store.count("members")] == [1, 1, 1]
    assert list(ca.items("members")) == [("MBR-1", {"owner": "a"})]


def test_asking_for_a_partition_again_gives_the_same_records(store):
    store.partition("client-a").put("t", "k", "v")
    assert store.partition("client-a").get("t", "k") == "v"
    assert store.partition("client-a").count("t") == 1


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("client", "client-2"),  # one name a prefix of the other
        ("a/b", "a"),  # a separator-looking character
        ("a/b", "a%2Fb"),  # a name that looks like another's quoting
        ("a", "A"),  # case
        ("", "x"),  # the empty name
    ],
)
def test_partition_names_that_look_alike_stay_apart(store, first, second):
    one, two = store.partition(first), store.partition(second)
    one.put("t", "k", first)
    two.put("t", "k", second)
    one.put("t2", "k", first)
    assert (one.get("t", "k"), two.get("t", "k")) == (first, second)
    assert (one.count("t"), two.count("t"), two.count("t2")) == (1, 1, 0)
    one.clear()
    assert (one.count("t"), one.count("t2"), two.get("t", "k")) == (0, 0, second)


def test_clearing_a_partition_empties_it_alone(store):
    ca, cb = store.partition("client-a"), store.partition("client-b")
    for s in (ca, cb, store):
        s.put("members", "MBR-1", 1)
        s.put("users", "USR-1", 1)
    ca.clear()
    assert (ca.count("members"), ca.count("users")) == (0, 0)
    assert (cb.count("members"), cb.count("users")) == (1, 1)
    assert (store.count("members"), store.count("users")) == (1, 1)
    ca.put("members", "MBR-2", 2)  # a cleared partition is still usable
    assert store.partition("client-a").get("members", "MBR-2") == 2


def test_clearing_the_root_empties_every_partition(store):
    store.put("t", "k", 1)
    store.partition("client-a").put("t", "k", 1)
    store.clear()
    assert store.count("t") == 0
    assert store.partition("client-a").count("t") == 0
    store.partition("client-a").put("t", "k", 2)  # and partitions work again afterwards
    assert store.partition("client-a").get("t", "k") == 2


def test_partitions_take_writes_from_many_threads_at_once(store):
    def run(client: int) -> None:
        part = store.partition(f"client-{client}")
        part.put("counters", "c", 0)
        for _ in range(20):
            with part.transaction():
                part.put("counters", "c", part.get("counters", "c") + 1)
                part.put("log", str(part.get("counters", "c")), client)

    with ThreadPoolExecutor(6) as pool:
        list(pool.map(run, range(6)))
    for client in range(6):
        part = store.partition(f"client-{client}")
        assert part.get("counters", "c") == 20
        assert sorted(set(part.values("log"))) == [client] and part.count("log") == 20


def test_a_read_only_view_keeps_writes_to_its_own_transaction(store):
    """MX's static test members: the domain writes as it would anywhere, and nothing reaches the shared store."""
    store.put("members", "MBR-1", {"status": "CONNECTED"})
    view = ReadOnlyView(store)
    with view.transaction():
        member = view.get("members", "MBR-1")
        member["status"] = "CHALLENGED"  # a copy: mutating it changes nothing shared
        view.put("members", "MBR-1", member)
        view.put("members", "MBR-2", {"status": "PENDING"})
        view.delete("members", "MBR-3")
        assert view.get("members", "MBR-1") == {"status": "CHALLENGED"}
        assert view.count("members") == 2
    assert store.get("members", "MBR-1") == {"status": "CONNECTED"}
    assert view.get("members", "MBR-1") == {"status": "CONNECTED"}
    assert store.count("members") == view.count("members") == 1
    with pytest.raises(PermissionError):
        view.clear()


def test_the_generation_moves_on_every_write_or_is_none(store):
    """What is derived from a store's records (a kept snapshot) is kept until its generation moves; a store
    written by other processes (SQLite, PostgreSQL) cannot tell, and says None."""
    part = store.partition("client:a")
    seen = part.generation()
    if not isinstance(store, MemoryStore):  # SQLite, PostgreSQL: other processes write unseen
        assert seen is None
        return
    for write in (
        lambda: part.put("users", "u", {"v": 1}),
        lambda: part.put("users", "u", {"v": 1}),  # the same value again is still a write
        lambda: part.delete("users", "u"),
        lambda: part.clear(),
    ):
        write()
        assert part.generation() != seen
        seen = part.generation()
    part.get("users", "u")
    list(part.values("users"))
    part.count("users")
    store.partition("client:b").put("users", "u", {})  # another partition's write is not this one's
    assert part.generation() == seen
    assert ReadOnlyView(part).generation() is None
