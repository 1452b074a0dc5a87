"""An optimistic commit whose replica knows of no write since its reads and expects none (its copies trusted:
the last requests there found them current; store/postgres_checks.py): its locks check the versions read
themselves (BUMP_AT where it writes, HOLD_AT where it only read), without the check of each record read. A write
the replica had not heard of (its notifications lost here: `deaf`) makes them fail, and the commit is sent again
with the full check, which makes it if what it read is untouched and refuses it if not; the copies are then not
trusted for a while, so where several writers are at work the commits go to the full check at once. A request
that wrote nothing has what it read checked the same way: the versions alone, then in full if they moved."""

from __future__ import annotations

import pytest

from mocknexus.store.base import StaleCopy, WorldMoved
from mocknexus.store.postgres import PostgresStore
from mocknexus.store.postgres_cache import TRUST_AFTER
from tests.store.postgres_support import counted_sends, deaf, heard, met
from tests.store.test_store_contract import decode, encode

CHECK = "EXECUTE mocknexus_check("
BUMP_AT = "EXECUTE mocknexus_bump_at("
HOLD_AT = "EXECUTE mocknexus_hold_at("


@pytest.fixture
def worlds(postgres_url):
    """Two replicas, each with two worlds' partitions: (one's a, one's b), (two's a, two's b)."""
    one, two = PostgresStore(postgres_url, encode, decode), PostgresStore(postgres_url, encode, decode)
    try:
        met(one, two)
        yield tuple((store.partition("client:a"), store.partition("client:b")) for store in (one, two))
    finally:
        one.close()
        two.close()


def _trusting(store, table: str = "users", key: str = "u") -> None:  # type: ignore[no-untyped-def]
    """Requests enough that found the store's copy of its world current: it is trusted."""
    for _ in range(TRUST_AFTER):
        with store.scope():
            store.get(table, key)


def _commits(sent: list[str]) -> list[str]:
    """The round trips that were a commit with writes."""
    return [text for text in sent if text.startswith("BEGIN") and "COMMIT" in text and "mocknexus_put(" in text]


def test_a_commit_after_no_write_it_has_not_heard_of_is_checked_by_its_locks(replicas, monkeypatch):
    one, two = replicas
    one.put("users", "u", 1)
    _trusting(one)
    sent = counted_sends(monkeypatch)
    with one.scope(optimistic=True), one.transaction():
        assert one.get("users", "u") == 1
        one.put("users", "u", 2)
    [commit] = [text for text in sent if "COMMIT" in text]
    assert BUMP_AT in commit and CHECK not in commit, sent
    assert two.get("users", "u") == 2


def test_a_write_beside_one_the_replica_had_not_heard_of_is_made_by_the_full_check(replicas, monkeypatch):
    """The version moved under the locks' check: the commit is sent again with the records read checked, and
    they are untouched."""
    one, two = replicas
    one.put("users", "u", 1)
    _trusting(one)
    deaf(one)
    sent = counted_sends(monkeypatch)
    with one.scope(optimistic=True), one.transaction():
        assert one.get("users", "u") == 1
        two.put("users", "v", 2)  # unheard by one: its copy still at the version it read
        one.put("users", "u", 3)
    commits = _commits(sent)
    assert len(commits) == 3, sent  # two's write, then one's: its locks' check, then the full check
    assert BUMP_AT in commits[1] and CHECK not in commits[1]
    assert CHECK in commits[2] and BUMP_AT not in commits[2]
    assert (two.get("users", "u"), two.get("users", "v")) == (3, 2)
    del sent[:]
    with one.scope(optimistic=True), one.transaction():  # its copy not trusted now: the full check at once
        assert one.get("users", "u") == 3
        one.put("users", "u", 4)
    [commit] = _commits(sent)
    assert CHECK in commit and BUMP_AT not in commit, sent


def test_a_write_over_what_an_unheard_write_changed_is_refused_by_the_full_check(replicas):
    one, two = replicas
    one.put("users", "u", 1)
    _trusting(one)
    deaf(one)
    with pytest.raises(WorldMoved), one.scope(optimistic=True), one.transaction():
        assert one.get("users", "u") == 1
        two.put("users", "u", 2)
        one.put("users", "u", one.get("users", "u") + 10)
    assert two.get("users", "u") == 2


def test_a_world_only_read_is_checked_by_its_share_lock(worlds, monkeypatch):
    """Read in world b, written in world a: b's lock (HOLD_AT) checks b's version, a's (BUMP_AT) a's."""
    (one_a, one_b), (two_a, _) = worlds
    one_b.put("users", "u", 1)
    one_a.put("users", "w", 1)
    _trusting(one_b)
    _trusting(one_a, key="w")
    sent = counted_sends(monkeypatch)
    with one_a.scope(optimistic=True), one_a.transaction():
        assert one_b.get("users", "u") == 1
        assert one_a.get("users", "w") == 1
        one_a.put("users", "w", 2)
    [commit] = [text for text in sent if "COMMIT" in text]
    assert BUMP_AT in commit and HOLD_AT in commit and CHECK not in commit, sent
    assert two_a.get("users", "w") == 2


@pytest.mark.parametrize("over_what_was_read", [False, True])
def test_a_world_only_read_moved_unheard_goes_to_the_full_check(worlds, over_what_was_read):
    (one_a, one_b), (two_a, two_b) = worlds
    one_b.put("users", "u", 1)
    one_a.put("users", "w", 1)
    _trusting(one_b)
    _trusting(one_a, key="w")
    deaf(one_a)
    with one_a.scope(optimistic=True):
        try:
            with one_a.transaction():
                assert one_b.get("users", "u") == 1
                two_b.put("users", "u" if over_what_was_read else "v", 2)
                one_a.put("users", "w", one_b.get("users", "u") + 1)
        except WorldMoved:
            assert over_what_was_read
        else:
            assert not over_what_was_read
    assert two_a.get("users", "w") == (1 if over_what_was_read else 2)


def test_a_replica_that_heard_the_write_goes_to_the_full_check_at_once(replicas, monkeypatch):
    """Its copy moved on since the read (the other replica's notification): no attempt that would fail."""
    one, two = replicas
    one.put("users", "u", 1)
    _trusting(one)
    sent = counted_sends(monkeypatch)
    with one.scope(optimistic=True), one.transaction():
        assert one.get("users", "u") == 1
        applied = one._listener.applied
        two.put("users", "v", 2)
        heard(one, lambda: one._listener.applied > applied)
        one.put("users", "u", 3)
    commits = _commits(sent)
    assert len(commits) == 2 and CHECK in commits[1] and BUMP_AT not in commits[1], sent
    assert (two.get("users", "u"), two.get("users", "v")) == (3, 2)


def test_a_replica_alone_checks_by_its_locks_with_no_trust_to_build(postgres_url, monkeypatch):
    """Under the sole lease (store/postgres_sole.py) only this replica writes: its newest copy is the database's."""
    store = PostgresStore(postgres_url, encode, decode, sole=False)  # the lease taken by hand
    try:
        world = store.partition("client:a")
        world.put("users", "u", 1)
        store._sole.renew()
        assert store.alone()
        sent = counted_sends(monkeypatch)
        with world.scope(optimistic=True), world.transaction():
            assert world.get("users", "u") == 1
            world.put("users", "u", 2)
        [commit] = _commits(sent)
        assert BUMP_AT in commit and CHECK not in commit, sent
    finally:
        store.close()


def test_the_notice_of_a_commit_checked_by_its_locks_carries_the_versions_it_knows(replicas, monkeypatch):
    """Its locks made each version it moves one more than it read: the notice is written whole (a plain NOTIFY),
    and the other replica's copy follows it to that version with its writes."""
    one, two = replicas
    one.put("users", "u", 1)
    _trusting(one)
    assert two.get("users", "u") == 1  # two's copy of the world, at the version one read
    part = one._prefix
    version = one._copies.current(part).version
    applied = two._listener.applied
    sent = counted_sends(monkeypatch)
    with one.scope(optimistic=True), one.transaction():
        assert one.get("users", "u") == 1
        one.put("users", "u", 2)
    [commit] = _commits(sent)
    assert BUMP_AT in commit and 'NOTIFY "' in commit and "mocknexus_notice(" not in commit, sent
    heard(two, lambda: two._listener.applied > applied)
    copy = two._copies.current(part)
    assert copy.version == (version[0] + 1, version[1])
    assert copy.records[(part + "users", "u")] == encode("users", 2)


VERSIONS = "EXECUTE mocknexus_versions("
CONFIRM = "EXECUTE mocknexus_confirm("


def test_a_read_only_request_after_no_write_it_has_not_heard_of_checks_versions_alone(replicas, monkeypatch):
    one, _ = replicas
    one.put("users", "u", 1)
    _trusting(one)
    sent = counted_sends(monkeypatch)
    with one.scope(trusting=True):
        assert one.get("users", "u") == 1
        one.confirm_reads()
    assert len(sent) == 1 and VERSIONS in sent[0], sent


@pytest.mark.parametrize("over_what_was_read", [False, True])
def test_a_read_only_request_after_an_unheard_write_is_checked_in_full(replicas, monkeypatch, over_what_was_read):
    """The version moved: the full check tells whether what was read moved with it (StaleCopy: run again)."""
    one, two = replicas
    one.put("users", "u", 1)
    _trusting(one)
    deaf(one)
    two.put("users", "u" if over_what_was_read else "v", 2)
    sent = counted_sends(monkeypatch)
    try:
        with one.scope(trusting=True):
            assert one.get("users", "u") == 1  # its copy, at the version before two's write
            one.confirm_reads()
    except StaleCopy:
        assert over_what_was_read
    else:
        assert not over_what_was_read
    assert [VERSIONS in sent[0], CONFIRM in sent[1]] == [True, True], sent
