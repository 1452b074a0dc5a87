"""The sole replica's lease (store/postgres_sole.py): a replica alone on its database answers a read from its
copies with no round trip, and still behaves as one server with any replica that joins: the joiner waits for the
lease to end before it serves, the database refuses a write from anyone else while the lease runs, a copy from
before the lease is not trusted under it, and a holder killed holds the lease only until it runs out.

Stores made with `sole=False` have no thread renewing the lease: the tests take and renew it by hand
(`_sole.renew()`), so nothing here waits on a thread's timing."""

from __future__ import annotations

import time

import psycopg
import pytest

from mocknexus.store.postgres import PostgresStore
from mocknexus.store.postgres_cache import Copies
from mocknexus.store.postgres_notify import NOTICE
from mocknexus.store.postgres_sole import LEASE_SECONDS, WAIT_OUT_SECONDS
from mocknexus.store.postgres_sql import REFUSED
from tests.store.postgres_support import counted_sends
from tests.store.test_store_contract import decode, encode


def open_store(url: str, by_hand: bool = True) -> PostgresStore:
    return PostgresStore(url, encode, decode, sole=not by_hand)


def read(store: PostgresStore, key: str) -> object:
    """One request's read (its first run, as web/request_scope.py runs it), checked as its answer would be."""
    with store.scope(optimistic=True):
        value = store.get("users", key)
        store.confirm_reads()
    return value


def wait_until(check, seconds: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "not reached in time"
        time.sleep(0.02)


def test_a_replica_alone_reads_from_its_copy_with_no_round_trip(postgres_url, monkeypatch):
    store = open_store(postgres_url, by_hand=False)
    try:
        world = store.partition("client:a")
        with world.transaction():
            world.put("users", "u", {"name": "one"})
        wait_until(store.alone)  # its own thread took the lease
        assert read(world, "u") == {"name": "one"}  # a request before it: the copy now holds the record
        sent = counted_sends(monkeypatch)
        assert [read(world, "u") for _ in range(5)] == [{"name": "one"}] * 5
        assert sent == []
    finally:
        store.close()


def test_a_replica_alone_tells_no_other_replica_what_it_wrote(postgres_url, monkeypatch):
    """Its commits carry no notice for other replicas' copies (store/postgres_notify.py): there are none."""
    store = open_store(postgres_url)
    try:
        world = store.partition("client:a")
        store._listener.peers = ("mocknexus_copies:another",)  # as if another replica had been here
        sent = counted_sends(monkeypatch)
        with world.transaction():
            world.put("users", "u", {"name": "one"})
        store._sole.renew()
        assert store.alone()
        with world.transaction():
            world.put("users", "u", {"name": "two"})
        assert [NOTICE in text for text in sent] == [True, False]
    finally:
        store.close()


def test_a_replica_that_joins_waits_for_the_lease_to_end_and_then_each_sees_the_others_writes(postgres_url):
    one = open_store(postgres_url, by_hand=False)
    two = None
    try:
        wait_until(one.alone)
        a = one.partition("client:a")
        with a.transaction():
            a.put("users", "u", {"name": "one"})
        assert read(a, "u") == {"name": "one"}
        two = open_store(postgres_url, by_hand=False)  # returns once the first has seen it and let go
        assert not one.alone() and not two.alone()
        b = two.partition("client:a")
        with b.transaction():
            b.put("users", "u", {"name": "two"})
        assert read(a, "u") == {"name": "two"}  # not the first's copy: it is no longer alone
        with a.transaction():
            a.put("users", "u", {"name": "three"})
        assert read(b, "u") == {"name": "three"}
    finally:
        one.close()
        if two is not None:
            two.close()


def test_the_database_refuses_a_write_from_another_client_while_the_lease_runs(postgres_url):
    """An older mocknexus (which knows nothing of the lease) writing while a replica holds it: refused, until the
    holder sees the other client and ends the lease."""
    store = open_store(postgres_url)
    try:
        store._sole.renew()
        assert store.alone()
        with psycopg.connect(postgres_url, autocommit=True, application_name="an older mocknexus") as other:
            with pytest.raises(psycopg.errors.SerializationFailure, match=REFUSED):
                other.execute("UPDATE partitions SET version = version + 1 WHERE name = ''")
            store._sole.renew()  # sees the other client: stops counting it as held, then ends it
            assert not store.alone()
            other.execute("UPDATE partitions SET version = version + 1 WHERE name = ''")
    finally:
        store.close()


def test_a_copy_from_before_the_lease_is_not_trusted_under_it(postgres_url):
    """A replica's copy read while another replica was there, which then wrote and went: the lease taken
    after, the copy is behind the version the database had then, and the read asks the database."""
    one, two = open_store(postgres_url), open_store(postgres_url)
    a, b = one.partition("client:a"), two.partition("client:a")
    try:
        with a.transaction():
            a.put("users", "u", {"name": "one"})
        assert read(a, "u") == {"name": "one"}
        with b.transaction():
            b.put("users", "u", {"name": "two"})
    finally:
        two.close()
    try:
        wait_until(lambda: (one._sole.renew(), one.alone())[1])
        assert read(a, "u") == {"name": "two"}
    finally:
        one.close()


def test_a_holder_killed_holds_the_lease_only_until_it_runs_out(postgres_url):
    """A holder that stops with no word (kill -9: its connections dropped, its lease left in the database): a
    replica joining waits for the lease to run out, then writes."""
    dead = open_store(postgres_url)
    dead._sole.renew()
    assert dead.alone()
    dead._pool.close()  # gone, its lease still in the database
    started = time.monotonic()
    joined = open_store(postgres_url)
    try:
        waited = time.monotonic() - started
        assert LEASE_SECONDS / 2 <= waited <= WAIT_OUT_SECONDS + 1.0, waited
        b = joined.partition("client:a")
        with b.transaction():
            b.put("users", "u", {"name": "after"})
        assert read(b, "u") == {"name": "after"}
    finally:
        joined.close()


def test_a_refused_write_waits_for_the_lease_to_end_and_is_made(postgres_url):
    """A replica that joined unseen (the holder took the lease while it had no connection, after a database
    restart, say): its write is refused, waits for the holder to let go, and is made once, not answered 503."""
    one, two = open_store(postgres_url), open_store(postgres_url)
    try:
        with psycopg.connect(postgres_url, autocommit=True, application_name=one.replica) as conn:
            conn.execute("UPDATE sole_lease SET owner = %s, expires_at = now() + interval '2 seconds'", (one.replica,))
        b = two.partition("client:a")
        letting_go = _later(0.3, one._sole.renew)  # the holder's next turn sees the other and ends it
        started = time.monotonic()
        with b.transaction():
            b.put("users", "u", {"name": "two"})
        assert time.monotonic() - started >= 0.3  # it waited for the lease to end
        letting_go.join()
        assert not one.alone()
        assert read(one.partition("client:a"), "u") == {"name": "two"}
    finally:
        one.close()
        two.close()


def test_a_copy_behind_this_replicas_own_later_commit_is_not_the_latest():
    """Two commits of one partition finishing out of order here: the copy follows the first only, and is then
    not the one a read under the lease may answer from."""
    copies = Copies()
    copies.at("p", (5, 1)).records[("p/users", "u")] = "five"
    copies.committed("p", (6, 1), (7, 1), {("p/users", "u"): "seven"})  # the later commit, told first: not taken
    copies.committed("p", (5, 1), (6, 1), {("p/users", "u"): "six"})
    assert copies.current("p").version == (6, 1)
    assert copies.latest("p") is None
    copies.advance("p", (6, 1), (7, 1), {("p/users", "u"): "seven"})  # a read brings the copy to the latest
    assert copies.latest("p").records[("p/users", "u")] == "seven"


def _later(seconds: float, action):  # type: ignore[no-untyped-def]
    import threading

    thread = threading.Timer(seconds, action)
    thread.start()
    return thread


def test_health_says_whether_a_replica_is_alone(postgres_url):
    """`/__admin/health` names each replica and says whether it holds the lease: the first alone, then neither
    once a second replica has joined."""
    from mocknexus.app import create_app
    from mocknexus.config import Config

    def health(app):  # type: ignore[no-untyped-def]
        return app.test_client().get("/__admin/health").get_json()["store"]

    apps = [create_app(Config(store=postgres_url, background_seconds=0))]
    try:
        wait_until(lambda: health(apps[0])["alone"] is True)
        apps.append(create_app(Config(store=postgres_url, background_seconds=0)))
        first, second = health(apps[0]), health(apps[1])
        assert first["alone"] is False and second["alone"] is False
        assert first["replica"].startswith("mocknexus:") and first["replica"] != second["replica"]
    finally:
        for app in apps:
            app.extensions["mocknexus.store"][1].close()


def test_a_replica_of_another_database_role_ends_the_lease_too(postgres_server):
    """Replicas connecting as two roles: PostgreSQL hides another role's session's kind from a role without
    pg_read_all_stats, but not its database or name; the replica alone still sees it is not alone."""
    import uuid

    suffix = uuid.uuid4().hex[:8]
    roles = {name: f"{name}_{suffix}" for name in ("one", "two")}
    database = "roles_" + suffix
    url = postgres_server.create_database(database)
    with psycopg.connect(url, autocommit=True) as admin:
        for role in roles.values():
            admin.execute(f"CREATE ROLE {role} LOGIN PASSWORD 'pw'")
            admin.execute(f"GRANT ALL ON SCHEMA public TO {role}")
        admin.execute(f"ALTER DATABASE {database} OWNER TO {roles['one']}")
    host = url.split("@", 1)[1]
    one = open_store(f"postgresql://{roles['one']}:pw@{host}")
    try:
        one._sole.renew()
        assert one.alone()
        with psycopg.connect(f"postgresql://{roles['two']}:pw@{host}", application_name="mocknexus:another-role"):
            one._sole.renew()
            assert not one.alone()
    finally:
        one.close()
