"""The PostgreSQL store's optimistic transactions (a request's first run, store/postgres.py): they lock nothing to
read, send nothing to commit when they wrote nothing, and write only if what they read is still so at their
commit (WorldMoved otherwise, nothing written); the web layer then runs the request again, locking as it reads."""

from __future__ import annotations

import io
from contextlib import contextmanager

import psycopg
import pytest

from mocknexus.store.base import StaleCopy, WorldMoved
from mocknexus.store.postgres import PostgresStore
from mocknexus.web.request_scope import in_scope
from tests.store.postgres_support import counted_sends
from tests.store.test_store_contract import decode, encode


def test_a_read_only_transaction_locks_nothing_and_sends_no_commit(replicas, monkeypatch):
    one, two = replicas
    one.put("users", "u", 1)
    sent = counted_sends(monkeypatch)
    with one.scope(optimistic=True), one.transaction():
        assert one.get("users", "u") == 1
        assert len(sent) == 1 and not any(word in sent[0] for word in ("BEGIN", "mocknexus_lock", "COMMIT"))
        with two.transaction():  # a writer of the same world, in this thread: it would wait forever for a lock
            two.put("users", "v", 2)
        del sent[:]
    assert sent == []  # its end sent nothing


def test_a_write_over_what_another_replica_changed_meanwhile_is_not_made(replicas):
    one, two = replicas
    one.put("users", "u", 1)
    with pytest.raises(WorldMoved), one.scope(optimistic=True), one.transaction():
        assert one.get("users", "u") == 1
        two.put("users", "u", 2)  # another replica's write, committed
        one.put("users", "u", one.get("users", "u") + 10)
        one.put("users", "w", "made with u")
    assert (two.get("users", "u"), two.get("users", "w")) == (2, None)


def test_an_absent_record_another_replica_made_meanwhile_is_a_conflict(replicas):
    """Uniqueness: two replicas creating one id; the second finds it made at its commit."""
    one, two = replicas
    with pytest.raises(WorldMoved), one.scope(optimistic=True), one.transaction():
        assert one.get("logins", "alice") is None
        two.put("logins", "alice", "two's")
        one.put("logins", "alice", "one's")
    assert two.get("logins", "alice") == "two's"


def test_a_write_beside_another_replicas_write_in_the_same_world_is_made(replicas):
    """The world moved, but not what the transaction read: its writes are made."""
    one, two = replicas
    one.put("users", "u", 1)
    with one.scope(optimistic=True), one.transaction():
        assert one.get("users", "u") == 1
        two.put("users", "v", 2)
        one.put("users", "u", 3)
    assert (two.get("users", "u"), two.get("users", "v")) == (3, 2)


def test_a_table_read_whole_conflicts_with_any_write_to_its_world(replicas):
    one, two = replicas
    one.put("users", "u", 1)
    with pytest.raises(WorldMoved), one.scope(optimistic=True), one.transaction():
        assert one.count("users") == 1
        two.put("users", "v", 2)
        one.put("counts", "users", 1)
    assert two.get("counts", "users") is None


def test_a_record_another_replica_deleted_meanwhile_is_a_conflict(replicas):
    one, two = replicas
    one.put("users", "u", 1)
    with pytest.raises(WorldMoved), one.scope(optimistic=True), one.transaction():
        assert one.get("users", "u") == 1
        two.delete("users", "u")  # gone: no record left whose version could tell
        one.put("users", "w", "made with u")
    assert two.get("users", "w") is None


@pytest.fixture
def roots(postgres_url):
    """Two replicas' stores, whole (`replicas` gives client:a's partition of each)."""
    stores = [PostgresStore(postgres_url, encode, decode) for _ in range(2)]
    yield stores
    for store in stores:
        store.close()


@pytest.mark.parametrize("written", ["the world read", "another world"])
def test_a_write_after_an_older_mocknexus_changed_a_record_read_is_not_made(roots, postgres_url, written):
    """A replica of schema version 3 (a rolling deploy) writes without the record's version: what the partition
    says (`logged` where the transaction only read, `kept` after its own write there) tells the commit that the
    records' versions cannot be trusted."""
    one, other = roots[0].partition("client:a"), roots[0].partition("client:b")
    one.put("users", "u", 1)
    with pytest.raises(WorldMoved), one.scope(optimistic=True), one.transaction():
        assert one.get("users", "u") == 1
        with psycopg.connect(postgres_url) as conn, conn.transaction():  # version 3's statements
            conn.execute("UPDATE partitions SET version = version + 1 WHERE name = 'client%3Aa/'")
            conn.execute("UPDATE records SET value = '2' WHERE tbl = 'client%3Aa/users' AND key = 'u'")
        (one if written == "the world read" else other).put("users", "w", "made with u")
    two = roots[1]
    assert (two.partition("client:a").get("users", "u"), two.partition("client:b").get("users", "w")) == (2, None)
    assert two.partition("client:a").get("users", "w") is None


def test_a_write_into_a_world_the_whole_store_was_cleared_under_is_not_made(roots):
    """A clear of the root (on another replica) deletes every world's records without moving their versions: the
    epoch moved, and a commit that read before it is not made, even where what it read looks the same."""
    one = roots[0].partition("client:a")
    one.put("users", "u", 1)
    with pytest.raises(WorldMoved), one.scope(optimistic=True), one.transaction():
        assert one.get("users", "x") is None
        roots[1].clear()
        one.put("users", "x", "written into the cleared world")
    assert (one.get("users", "u"), one.get("users", "x")) == (None, None)


def test_a_table_read_whole_in_the_world_its_transaction_writes_commits_at_once(replicas):
    """The commit's own BUMP moves the world it read whole before its check: that move is no conflict."""
    one, two = replicas
    one.put("users", "u", 1)
    with one.scope(optimistic=True), one.transaction():
        assert one.count("users") == 1
        one.put("counts", "users", 1)
    assert two.get("counts", "users") == 1


def test_two_reads_of_one_transaction_at_two_versions_are_a_conflict(replicas):
    one, two = replicas
    one.put("users", "u", 1)
    with pytest.raises(WorldMoved), one.scope(optimistic=True), one.transaction():
        assert one.get("users", "u") == 1
        two.put("users", "v", 2)
        one.get("users", "v")  # not in the copy: read from the database, at the next version


def test_once_a_request_has_written_its_transactions_lock_as_they_read(replicas):
    """Running it again would repeat what it wrote: after a commit, a request's transactions cannot conflict."""
    one, two = replicas
    one.put("users", "u", 1)
    with one.scope(optimistic=True):
        with one.transaction():
            one.put("users", "w", 1)
        with one.transaction():
            assert one.get("users", "u") == 1  # the world's lock taken with this read
            one.put("users", "u", 5)
    assert two.get("users", "u") == 5


def test_a_request_whose_world_moved_is_run_again_locking_as_it_reads_on_the_same_body():
    """web/request_scope.py: WorldMoved from a request's first run runs it again, its body read again."""
    runs: list[tuple[bool, bool, bytes]] = []

    @contextmanager
    def scope(optimistic: bool = False, trusting: bool = False):
        runs.append((optimistic, trusting, b""))
        yield

    def wsgi_app(environ, start_response):  # type: ignore[no-untyped-def]
        runs[-1] = (*runs[-1][:2], environ["wsgi.input"].read(int(environ["CONTENT_LENGTH"])))
        if len(runs) == 1:
            environ["mocknexus.caller"] = "resolved in the first run"
            raise WorldMoved("moved")
        assert "mocknexus.caller" not in environ  # nothing the first run resolved is reused
        start_response("200 OK", [])
        return [b"ok"]

    app = in_scope(wsgi_app, scope, max_body=100)
    environ = {"CONTENT_LENGTH": "5", "wsgi.input": io.BytesIO(b"hello")}
    assert app(environ, lambda *args: None) == [b"ok"]
    assert runs == [(True, True, b"hello"), (False, False, b"hello")]
    runs.clear()  # a body larger than the server takes is not kept: the request locks as it reads at once
    environ = {"CONTENT_LENGTH": "500", "wsgi.input": io.BytesIO(b"x" * 500)}
    with pytest.raises(WorldMoved):  # (this fake raises on any first run)
        app(environ, lambda *args: None)
    assert runs == [(False, False, b"x" * 500)]


@pytest.mark.parametrize("second_run_moves", [False, True])
def test_a_stale_unconfirmed_answer_is_never_passed_on_and_the_request_runs_again_confirming(second_run_moves):
    """StaleCopy found as the first run's scope ends, after it answered: that answer is dropped unsent, and the
    request runs again confirming its reads without locks (then, if its world moved, once more with them)."""
    runs: list[tuple[bool, bool]] = []
    started: list[str] = []

    @contextmanager
    def scope(optimistic: bool = False, trusting: bool = False):
        runs.append((optimistic, trusting))
        yield
        if trusting:
            raise StaleCopy("stale")  # the check before the answer is passed on
        if optimistic and second_run_moves:
            raise WorldMoved("moved")

    def wsgi_app(environ, start_response):  # type: ignore[no-untyped-def]
        assert environ["wsgi.input"].read() == b"hello"
        start_response(f"200 run {len(runs)}", [])
        return [f"answer of run {len(runs)}".encode()]

    app = in_scope(wsgi_app, scope, max_body=100)
    answer = app(
        {"CONTENT_LENGTH": "5", "wsgi.input": io.BytesIO(b"hello")}, lambda status, headers: started.append(status)
    )
    last = 3 if second_run_moves else 2
    assert answer == [f"answer of run {last}".encode()] and started == [f"200 run {last}"]
    assert runs == [(True, True), (True, False), *([(False, False)] if second_run_moves else [])]


def test_a_method_and_path_that_wrote_nothing_last_time_confirms_its_reads_next_time():
    """web/request_scope.py: a request new to the replica, or whose method and path wrote last time, trusts its
    copies; one that wrote nothing last time confirms as it reads (a copy answering would cost a check more)."""
    runs: list[tuple[str, bool]] = []
    writes = {"/polled": True, "/read": False}

    class Scope:
        def __init__(self, path: str, trusting: bool) -> None:
            self.path, self.wrote = path, True
            runs.append((path, trusting))

        def __enter__(self) -> None:
            pass

        def __exit__(self, *exc: object) -> None:
            self.wrote = writes[self.path]

    paths: list[str] = []

    def scope(optimistic: bool = False, trusting: bool = False) -> Scope:
        return Scope(paths[-1], trusting)

    def wsgi_app(environ, start_response):  # type: ignore[no-untyped-def]
        start_response("200 OK", [])
        return [b"ok"]

    app = in_scope(wsgi_app, scope, max_body=100)
    for path in ["/read", "/read", "/polled", "/polled", "/read"]:
        paths.append(path)
        app({"REQUEST_METHOD": "GET", "PATH_INFO": path, "wsgi.input": io.BytesIO()}, lambda *args: None)
    assert runs == [("/read", True), ("/read", False), ("/polled", True), ("/polled", True), ("/read", False)]
    writes["/read"] = True  # it wrote this time: trusted next time
    paths.append("/read")
    app({"REQUEST_METHOD": "GET", "PATH_INFO": "/read", "wsgi.input": io.BytesIO()}, lambda *args: None)
    paths.append("/read")
    app({"REQUEST_METHOD": "GET", "PATH_INFO": "/read", "wsgi.input": io.BytesIO()}, lambda *args: None)
    assert runs[-2:] == [("/read", False), ("/read", True)]
