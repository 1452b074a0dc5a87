"""What the PostgreSQL store promises beyond the common contract (test_store_contract.py), on a real server: its
schema is created and versioned on open, an older one is upgraded (by one of several replicas opening it at
once), a newer one refused; several store objects (as replicas have) see each other's writes at once and
serialize their transactions; leases are held by one owner at a time; and `--store` reads every spelling."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest

from mocknexus.config import Config, store_spec
from mocknexus.control.leases import Lease
from mocknexus.store.base import SchemaTooNew, StoreUnavailable
from mocknexus.store.postgres import PostgresStore
from mocknexus.store.postgres_sql import MIGRATIONS, SCHEMA_VERSION
from mocknexus.store.spec import parse
from tests.store.test_store_contract import decode, encode


def open_store(url: str) -> PostgresStore:
    return PostgresStore(url, encode, decode)


def test_the_schema_is_created_and_versioned_on_open(postgres_url):
    store = open_store(postgres_url)
    assert store.schema_version() == SCHEMA_VERSION
    with psycopg.connect(postgres_url) as conn:
        tables = {r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
    assert {"mocknexus_schema", "records", "leases"} <= tables
    store.close()
    again = open_store(postgres_url)  # opening it again changes nothing
    assert again.schema_version() == SCHEMA_VERSION
    again.close()


def test_an_older_schema_is_upgraded_and_keeps_its_records(postgres_url):
    with psycopg.connect(postgres_url, autocommit=True) as conn:  # the database as version 1 left it
        conn.execute("CREATE TABLE mocknexus_schema (version INTEGER NOT NULL)")
        conn.execute("INSERT INTO mocknexus_schema VALUES (1)")
        conn.execute(MIGRATIONS[1])
        conn.execute("""INSERT INTO records VALUES ('client%3Aa/users', 'USR-1', '{"id": "kept"}')""")

    with ThreadPoolExecutor(3) as pool:  # three replicas starting at once: the upgrade runs once, under a lock
        stores = list(pool.map(lambda _: open_store(postgres_url), range(3)))
    assert [s.schema_version() for s in stores] == [SCHEMA_VERSION] * 3
    assert stores[0].partition("client:a").get("users", "USR-1") == {"id": "kept"}
    assert Lease(stores[1], "sweep", 10, owner="one").hold()  # version 2's leases table is there
    for s in stores:
        s.close()


def test_a_version_3_database_is_upgraded_and_its_copies_then_follow_other_replicas(postgres_url):
    """Version 4 gives records their versions and deletions tombstones: the records are kept, and a replica's
    copy made after the upgrade is brought forward by another replica's writes and deletes."""
    with psycopg.connect(postgres_url, autocommit=True) as conn:  # the database as version 3 left it
        conn.execute("CREATE TABLE mocknexus_schema (version INTEGER NOT NULL)")
        conn.execute("INSERT INTO mocknexus_schema VALUES (3)")
        for version in (1, 2, 3):
            conn.execute(MIGRATIONS[version])
        conn.execute(
            """INSERT INTO records VALUES ('client%3Aa/users', 'u', '"kept"'), ('client%3Aa/users', 'v', '1')"""
        )
        conn.execute("UPDATE partitions SET version = 7")
    one, two = open_store(postgres_url), open_store(postgres_url)
    assert one.schema_version() == SCHEMA_VERSION >= 4
    a_one, a_two = one.partition("client:a"), two.partition("client:a")
    with one.scope():
        assert (a_one.get("users", "u"), a_one.get("users", "v")) == ("kept", 1)
    a_two.put("users", "w", 2)
    a_two.delete("users", "v")
    with one.scope():
        assert (a_one.get("users", "w"), a_one.get("users", "v"), a_one.get("users", "u")) == (2, None, "kept")
    for s in (one, two):
        s.close()


def test_a_newer_schema_is_refused_with_a_clear_message(postgres_url):
    open_store(postgres_url).close()
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute("UPDATE mocknexus_schema SET version = %s", (SCHEMA_VERSION + 5,))
    with pytest.raises(SchemaTooNew) as refused:
        open_store(postgres_url)
    message = str(refused.value)
    assert f"schema version {SCHEMA_VERSION + 5}, newer than this mocknexus knows (version {SCHEMA_VERSION})" in message
    assert "upgrade mocknexus" in message
    assert ":pw-" not in message and "postgresql://postgres@127.0.0.1:" in message


def test_store_objects_on_one_database_see_each_others_writes_at_once_and_serialize(postgres_url):
    one, two, three = (open_store(postgres_url) for _ in range(3))
    one.partition("c").put("t", "k", 1)
    assert two.partition("c").get("t", "k") == 1  # no cache: the next read anywhere sees it
    two.partition("c").clear()
    assert one.partition("c").get("t", "k") is None
    one.put("counters", "c", 0)

    def bump(store: PostgresStore) -> None:
        for _ in range(30):
            with store.transaction():
                store.put("counters", "c", store.get("counters", "c") + 1)

    with ThreadPoolExecutor(6) as pool:
        list(pool.map(bump, [one, two, three] * 2))
    assert three.get("counters", "c") == 180
    for s in (one, two, three):
        s.close()


def test_what_a_replica_keeps_is_never_answered_once_another_has_written(postgres_url):
    """A replica answers from its copies only after the database confirmed their version: in a new request (scope),
    in a transaction (its lock), after a root reset (the epoch), and never with a rolled-back write."""
    one, two = open_store(postgres_url), open_store(postgres_url)
    a_one, a_two = one.partition("client:a"), two.partition("client:a")
    a_one.put("users", "u", {"name": "first"})
    one.put("token_owners", "t", "a")
    with one.scope():
        assert a_one.get("users", "u") == {"name": "first"} and one.get("token_owners", "t") == "a"  # now kept
        a_two.put("users", "u", {"name": "second"})
        # This request began before that write ended: either value, as two threads of one replica may see
        # (the other replica's notification may have brought it, store/postgres_notify.py).
        assert a_one.get("users", "u") in ({"name": "first"}, {"name": "second"})
        with a_one.transaction():  # a transaction's lock confirms the version again
            assert a_one.get("users", "u") == {"name": "second"}
    with one.scope():  # the next request sees every write that ended before it
        a_two.put("users", "u", {"name": "third"})
        two.delete("token_owners", "t")
    with one.scope():
        assert a_one.get("users", "u") == {"name": "third"} and one.get("token_owners", "t") is None
        assert [k for k, _ in a_one.items("users")] == ["u"] and a_one.count("users") == 1
    with two.transaction():
        two.clear()  # the whole database: every replica's copies go (the epoch moves)
    with one.scope():
        assert a_one.get("users", "u") is None and a_one.count("users") == 0
    a_one.put("users", "u", {"name": "kept"})
    with pytest.raises(RuntimeError), one.scope(), a_one.transaction():
        a_one.put("users", "u", {"name": "rolled back"})
        assert a_one.get("users", "u") == {"name": "rolled back"}  # its own write, before commit
        raise RuntimeError("the call fails")
    with one.scope():
        assert a_one.get("users", "u") == {"name": "kept"} and a_two.get("users", "u") == {"name": "kept"}
    for s in (one, two):
        s.close()


def test_a_world_another_replica_wrote_is_read_again_with_the_lock(postgres_url):
    """The records a replica read last in a world come back with the world's lock once another replica has written
    there: the new values, and absent ones absent."""
    one, two = open_store(postgres_url), open_store(postgres_url)
    a_one, a_two = one.partition("client:a"), two.partition("client:a")
    a_one.put("users", "u", 1)
    a_one.put("users", "v", 1)
    with a_one.transaction():  # read under the lock: these are the records fetched again later
        assert (a_one.get("users", "u"), a_one.get("users", "v"), a_one.get("users", "w")) == (1, 1, None)
    with a_two.transaction():
        a_two.put("users", "u", 2)
        a_two.delete("users", "v")
        a_two.put("users", "w", 3)
    with a_one.transaction():
        assert (a_one.get("users", "u"), a_one.get("users", "v"), a_one.get("users", "w")) == (2, None, 3)
        a_one.put("users", "u", 4)
    with a_two.transaction():
        assert a_two.get("users", "u") == 4
    for s in (one, two):
        s.close()


def test_a_transaction_sends_its_writes_with_its_commit_and_locks_one_world_alone(postgres_url):
    """Writes are sent at commit, in one round trip; a transaction on one world does not wait for another's."""
    one, two = open_store(postgres_url), open_store(postgres_url)
    with one.partition("client:a").transaction():
        assert one.partition("client:a").get("users", "u") is None  # client:a's lock taken with this read
        one.partition("client:a").put("users", "u", 1)
        assert two.partition("client:a").get("users", "u") is None  # not committed yet
        with two.partition("client:b").transaction():  # another world: not held up by client:a's lock
            two.partition("client:b").put("users", "u", 2)
            assert two.partition("client:b").get("users", "u") == 2
    assert two.partition("client:a").get("users", "u") == 1 and one.partition("client:b").get("users", "u") == 2
    for s in (one, two):
        s.close()


def test_a_lease_has_one_holder_until_it_runs_out(postgres_url):
    one, two = open_store(postgres_url), open_store(postgres_url)
    first, second = Lease(one, "background", 30, owner="replica-1"), Lease(two, "background", 30, owner="replica-2")
    assert first.hold() and first.hold()  # taken, then renewed
    assert not second.hold()
    first.release()
    assert second.hold() and not first.hold()
    lapsing = Lease(two, "short", 0.0, owner="replica-2")
    assert lapsing.hold()
    assert Lease(one, "short", 30, owner="replica-1").hold()  # run out (by the database's clock): taken over
    one.close()
    two.close()


def test_a_dead_database_is_store_unavailable_without_the_password(postgres_server):
    store = open_store(postgres_server.create_database("doomed"))
    with psycopg.connect(postgres_server.url(), autocommit=True) as conn:  # every connection of the store cut
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'doomed'")
    assert store.get("t", "k") is None  # a dead pooled connection is replaced: the read goes through
    with psycopg.connect(postgres_server.url(), autocommit=True) as conn:
        conn.execute("DROP DATABASE doomed WITH (FORCE)")
    with pytest.raises(StoreUnavailable) as away:
        store.get("t", "k")
    assert postgres_server.password not in str(away.value) and "postgresql://postgres@127.0.0.1" in str(away.value)
    store.close()


@pytest.mark.parametrize(
    ("given", "kind", "target", "display"),
    [
        ("memory", "memory", "", "memory"),
        ("/var/lib/mocknexus/state.db", "sqlite", "/var/lib/mocknexus/state.db", "/var/lib/mocknexus/state.db"),
        ("sqlite:///var/lib/state.db", "sqlite", "/var/lib/state.db", "/var/lib/state.db"),
        ("postgresql://team:s3cret@db:5432/sandbox", "postgresql", "postgresql://team:s3cret@db:5432/sandbox",
         "postgresql://team@db:5432/sandbox"),
        ("postgresql://team@/sandbox?host=/run/postgresql", "postgresql", "postgresql://team@/sandbox?host=/run/postgresql",
         "postgresql://team@/sandbox?host=/run/postgresql"),
        ("postgres://team@db/sandbox?password=s3cret&sslmode=require", "postgresql",
         "postgres://team@db/sandbox?password=s3cret&sslmode=require", "postgres://team@db/sandbox?sslmode=require"),
    ],
)  # fmt: skip
def test_store_urls_and_what_may_be_shown_of_them(given, kind, target, display):
    spec = parse(given)
    assert (spec.kind, spec.target, spec.display) == (kind, target, display)
    assert "s3cret" not in spec.display


def test_state_file_is_an_alias_and_bad_stores_are_refused():
    assert store_spec(Config.from_env({}, state_file="/tmp/s.db")).kind == "sqlite"
    assert store_spec(Config.from_env({"MOCKNEXUS_STORE": "postgresql://u@h/db"})).kind == "postgresql"
    assert store_spec(Config.from_env({})).kind == "memory"
    with pytest.raises(ValueError, match="two different stores"):
        Config.from_env({}, state_file="/tmp/a.db", store="/tmp/b.db")
    with pytest.raises(ValueError, match="redis:// is not a store"):
        Config.from_env({}, store="redis://cache:6379")
    with pytest.raises(ValueError, match="three slashes"):
        Config.from_env({}, store="sqlite://relative.db")
