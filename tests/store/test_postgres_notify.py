"""Each commit's writes pushed to the other replicas (store/postgres_notify.py): a write on one replica brings the
other's copy to its version without a read; calls alternating between two replicas then cost a write its commit
alone, and a Nexus read in a session the other replica made one check; a notification lost, late or out of order
never gives a stale answer; a notification too big carries no writes; the listener reconnects after the database
restarts."""

from __future__ import annotations

import psycopg
import pytest

from mocknexus.store.base import StaleCopy
from mocknexus.store.postgres_cache import TRUST_AFTER, Copies
from mocknexus.store.postgres_notify import PAYLOAD_LIMIT
from tests.postgres_server import PostgresServer
from tests.store.postgres_support import counted_sends, deaf, heard, two_replicas
from tests.store.test_postgres_trusted import BASIC, CHECK, CHECKING_BUMP, CONFIRM, VERSIONS, _store, _update, _user
from tests.store.test_store_contract import decode, encode

WORLD = "client%3Aa/"  # client:a's partition, as the database names it
MX_BANK = "INS-1572a04c-912b-59bf-5841-332c7dfafaef"  # the bundled MX Bank


def _at(store, version: tuple[int, int]):  # type: ignore[no-untyped-def]
    """Whether the store's copy of client:a's world is at `version`."""
    copy = store._copies.current(WORLD)
    return copy is not None and copy.version == version


def _version(store) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    with store.scope():
        store.get("users", "any")  # confirms the world's version in the scope
        return store._local.scope[WORLD]


def test_a_write_on_one_replica_brings_the_others_copy_to_its_version_without_a_read(replicas, monkeypatch):
    one, two = replicas
    one.put("users", "u", 1)
    one.put("users", "v", 1)
    with two.scope():  # two's copy: u, v and the table read whole
        assert (two.get("users", "u"), two.count("users")) == (1, 2)
    with one.transaction():
        one.put("users", "u", 2)
        one.delete("users", "v")
        one.put("users", "w", 3)
    after = _version(one)
    sent = counted_sends(monkeypatch)
    heard(two, lambda: _at(two, after))
    assert sent == []  # nothing asked of the database: the notification brought it
    copy = two._copies.current(WORLD)
    assert (copy.records[("client%3Aa/users", "u")], copy.records[("client%3Aa/users", "v")]) == ("2", None)
    with two.scope():
        assert (two.get("users", "u"), two.get("users", "v"), two.get("users", "w")) == (2, None, 3)
        assert dict(two.items("users")) == {"u": 2, "w": 3}
    assert len(sent) == 1  # the one confirmation, which found the copy current: nothing brought


def test_a_commit_too_big_for_a_notification_moves_no_copy_and_the_next_read_brings_it(replicas):
    one, two = replicas
    one.put("users", "u", "small")
    with two.scope():
        assert two.get("users", "u") == "small"
    big = "x" * PAYLOAD_LIMIT
    with psycopg.connect(two._listener._url, autocommit=True) as conn:  # what the notification to two says
        conn.execute(f'LISTEN "{two._listener.channel}"')
        one.put("users", "u", big)
        note = next(conn.notifies(timeout=10, stop_after=1))
    assert note.payload.endswith(",null]") and len(note.payload) < PAYLOAD_LIMIT + 100
    with two.scope():
        assert two.get("users", "u") == big


def test_a_notification_lost_late_or_out_of_order_never_gives_a_stale_answer(replicas, postgres_url):
    """Two replicas whose notifications are captured, not heard: replayed late, and in the wrong order, they
    move no copy past what the database confirms, and every answer is the database's."""
    one, two = replicas
    deaf(two)
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(f'LISTEN "{two._listener.channel}"')  # one still tells two (its connections are there)
        one.put("users", "u", 1)
        with two.scope():
            assert two.get("users", "u") == 1
        one.put("users", "u", 2)
        one.put("users", "u", 3)
        notes = [note.payload.encode() for note in conn.notifies(timeout=10, stop_after=3)]
    assert len(notes) == 3
    for payload in reversed(notes):  # out of order, and all of them late
        two._listener._apply(payload)
    with two.scope():
        assert two.get("users", "u") == 3  # confirmed as it is read: the copy brought forward by the read
    for payload in notes:  # replayed again, late: each finds the copy past its version before
        two._listener._apply(payload)
    with two.scope():
        assert two.get("users", "u") == 3
    for _ in range(TRUST_AFTER):
        with two.scope():
            assert two.get("users", "u") == 3  # two's copy trusted now
    one.put("users", "u", 4)  # and lost: two's copy is behind
    with pytest.raises(StaleCopy), two.scope(trusting=True):
        two.get("users", "u")  # read unconfirmed, stale: never answered, the scope's end checks it
    with two.scope(trusting=True):
        assert two.get("users", "u") == 4


def _heard_by(client, call):  # type: ignore[no-untyped-def]
    """A call on one replica, then the other replica (`client`) has heard of its commit (it took it in)."""
    listener = _store(client)._listener
    before = listener.applied
    result = call()
    heard(_store(client), lambda: listener.applied > before)
    return result


def test_calls_alternating_two_replicas_cost_a_write_its_commit_alone(apps, monkeypatch):
    """Each replica hears the other's commits before the next call reaches it: its copy is current, trusted after a
    few calls, and a write request costs its commit alone, as on one replica, whose locks check what it read (the
    replica heard of every write since)."""
    a, b = apps
    guid = a.post("/users", json={"user": {"id": "hop"}}, headers=BASIC).get_json()["user"]["guid"]
    assert _user(b, guid)["id"] == "hop"
    for n in range(TRUST_AFTER + 1):
        _heard_by(b, lambda n=n: _update(a, guid, metadata=f"a{n}"))
        _heard_by(a, lambda n=n: _update(b, guid, metadata=f"b{n}"))
    sent = counted_sends(monkeypatch)
    assert _update(a, guid, metadata="last")["metadata"] == "last"
    assert len(sent) == 1 and "BEGIN" in sent[0] and CHECKING_BUMP in sent[0] and "COMMIT" in sent[0], sent
    assert CHECK not in sent[0]
    assert _user(b, guid)["metadata"] == "last"


def _session(client, n: int) -> dict[str, str]:
    """A new MDX user and its Nexus session, made on `client` (each as the Nexus flow makes them)."""
    key = {"MD-API-KEY": "key"}
    made = client.post("/trusted/users.json", json={"user": {"id": f"user-{n}"}}, headers=key)
    assert made.status_code == 200, made.get_data()
    token = client.get(f"/trusted/users/user-{n}/api_token.json", headers=key).get_json()["api_token"]["token"]
    session = client.post("/sessions", json={"session": {}}, headers={"MD-API-TOKEN": token}).get_json()
    return {"MD-SESSION-TOKEN": session["session"]["token"]}


def test_a_read_in_a_session_the_other_replica_made_is_one_check(apps, monkeypatch):
    """A Nexus read reads its session's token in the shared partition, then the session in the owner's world:
    confirmed as it reads, two round trips, as the token is new to this replica each time. Such a read-only call
    answers from the trusted copies instead, with one check (web/request_scope.py)."""
    a, b = apps
    assert a.post("/__admin/clients/trusted/clock/freeze").status_code == 200  # no session slide: nothing written
    sent = counted_sends(monkeypatch)
    trips = []
    for n in range(TRUST_AFTER + 3):
        headers = _session(a, n)
        copies = _store(b)._copies  # b has heard of the session's token (its last commit there): in its copy
        token = ("token_owners", headers["MD-SESSION-TOKEN"])
        heard(_store(b), lambda copies=copies, token=token: token in getattr(copies.current(""), "records", {}))
        del sent[:]
        reply = b.get(f"/institutions/{MX_BANK}/credentials", headers=headers)
        assert reply.status_code == 200 and reply.get_json()["credentials"], reply.get_data()
        trips.append(sent[:])
    assert len(trips[1]) == 2, trips  # wrote nothing: confirmed as it read
    assert not any(check in trips[1][0] for check in (CONFIRM, VERSIONS)), trips
    assert len(trips[-1]) == 1 and VERSIONS in trips[-1][0], trips  # it cost two: trusted copies, one check


def test_the_listener_reconnects_after_the_database_restarts(tmp_path):
    server = PostgresServer().init().start()  # its own server: this test stops it
    try:
        url = server.create_database("restarts")
        pair = two_replicas(url, encode, decode)
        one, two = next(pair)
        try:
            one.put("users", "u", 1)
            with two.scope():
                assert two.get("users", "u") == 1
            server.stop("fast")
            server.start()
            heard(two, lambda: two._listener.connected == 2, seconds=60)  # listening again, on its own
            one.put("users", "u", 2)
            after = _version(one)
            heard(two, lambda: _at(two, after))
            with two.scope():
                assert two.get("users", "u") == 2
        finally:
            pair.close()
    finally:
        server.close()


def test_a_read_kept_after_a_commit_brought_the_copy_forward_does_not_overwrite_it():
    """A read without the lock found a record at version 1; before it is kept, another replica's notification
    brought the copy to version 2 with a new text for it: the read's older text is not kept at version 2."""
    copies = Copies()
    key = ("client%3Aa/users", "u")
    copy = copies.at(WORLD, (1, 1))
    copies.follow(WORLD, (1, 1), (2, 1), {key: "new"})
    copies.keep(copy, (1, 1), key, "old")
    copies.keep(copy, (1, 1), "client%3Aa/users", {"u": "old"})
    assert (copy.version, copy.records, copy.tables) == ((2, 1), {key: "new"}, {})
    copies.keep(copy, (2, 1), ("client%3Aa/users", "v"), None)  # at the copy's version: kept
    assert copy.records[("client%3Aa/users", "v")] is None


def test_the_listener_reconnects_when_its_connection_is_ended(replicas, postgres_url):
    one, two = replicas
    one.put("users", "u", 1)
    with two.scope():
        assert two.get("users", "u") == 1
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        listening = two._listener._conn.info.backend_pid  # the listener's session, as PostgreSQL names it
        ended = conn.execute("SELECT pg_terminate_backend(%s)", (listening,)).fetchall()
    assert ended == [(True,)]
    heard(two, lambda: two._listener.connected == 2)  # listening again, on its own
    one.put("users", "u", 2)
    after = _version(one)
    heard(two, lambda: _at(two, after))
