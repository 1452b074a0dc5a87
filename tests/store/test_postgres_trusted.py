"""A request's first run answering from a replica's trusted copy of a world before the database confirms it
(store/postgres_cache.Unsure): it costs a request that writes its commit alone and a read one check, and two
replicas on one database still behave as one server: a stale answer is never passed on, a write over a stale read
is never made (the request runs again, confirming its reads), and a copy another replica keeps writing to is not
trusted."""

from __future__ import annotations

import base64

import pytest

from mocknexus.store.base import StaleCopy
from mocknexus.store.postgres_cache import TRUST_AFTER
from tests.store.postgres_support import counted_sends, deaf

PLATFORM = "application/vnd.mx.api.v1+json"
BASIC = {
    "Authorization": "Basic " + base64.b64encode(b"trusted:key").decode(),
    "Accept": PLATFORM,
    "Content-Type": "application/json",
}
CHECK = "EXECUTE mocknexus_check("  # a commit's check of what its request read
# A commit's lock that checks the version read itself, where the replica knew of no write since (postgres_checks.py).
CHECKING_BUMP = "EXECUTE mocknexus_bump_at("
CONFIRM = (
    "EXECUTE mocknexus_confirm("  # the one statement that checks what a request that wrote nothing read unconfirmed
)
# That check where the replica knew of no write since the reads: the versions alone (postgres_checks.py).
VERSIONS = "EXECUTE mocknexus_versions("


@pytest.fixture
def reruns(monkeypatch):
    """Each StaleCopy a request's first run raised (the request then ran again, confirming its reads)."""
    from mocknexus.web import request_scope

    raised: list[str] = []
    in_scope = request_scope.in_scope

    def counting(wsgi_app, scope, max_body):  # type: ignore[no-untyped-def]
        def counted_scope(optimistic: bool = False, trusting: bool = False):  # type: ignore[no-untyped-def]
            return _Counting(scope(optimistic=optimistic, trusting=trusting), raised)

        return in_scope(wsgi_app, counted_scope, max_body)

    monkeypatch.setattr("mocknexus.app.in_scope", counting)
    return raised


class _Counting:
    def __init__(self, inner, raised: list[str]) -> None:  # type: ignore[no-untyped-def]
        self.inner, self.raised = inner, raised

    @property
    def wrote(self) -> bool:
        return self.inner.wrote

    @property
    def trips(self) -> int:
        return self.inner.trips

    def __enter__(self) -> None:
        self.inner.__enter__()

    def __exit__(self, kind, error, trace):  # type: ignore[no-untyped-def]
        try:
            return self.inner.__exit__(kind, error, trace)
        finally:
            if kind is not None and issubclass(kind, StaleCopy):
                self.raised.append(str(error))


def _store(client):  # type: ignore[no-untyped-def]
    """The PostgreSQL store of an app's test client."""
    return client.application.extensions["mocknexus.store"][1]


def _user(client, guid: str) -> dict:
    reply = client.get(f"/users/{guid}", headers=BASIC)
    assert reply.status_code == 200, reply.get_data()
    return reply.get_json()["user"]


def _update(client, guid: str, **changes: object) -> dict:
    reply = client.put(f"/users/{guid}", json={"user": changes}, headers=BASIC)
    assert reply.status_code == 200, reply.get_data()
    return reply.get_json()["user"]


def _trusting(client, guid: str) -> None:
    """Requests on one replica until its copy of the world is trusted (each confirms its first read and finds it
    current)."""
    for _ in range(TRUST_AFTER + 1):
        _user(client, guid)


def _listed(client) -> dict[str, dict]:
    reply = client.get("/users", headers=BASIC)
    assert reply.status_code == 200, reply.get_data()
    return {user["guid"]: user for user in reply.get_json()["users"]}


def test_on_one_replica_a_read_is_one_check_and_a_write_its_commit_alone(reruns, apps, monkeypatch):
    a, _ = apps
    guid = a.post("/users", json={"user": {"id": "alone"}}, headers=BASIC).get_json()["user"]["guid"]
    _trusting(a, guid)
    sent = counted_sends(monkeypatch)
    assert _listed(a)[guid]["id"] == "alone"  # a path new to the replica: it may write, so it trusts its copy
    assert len(sent) == 1 and VERSIONS in sent[0], sent  # answered from the copy, then its version confirmed
    del sent[:]
    assert _update(a, guid, metadata="one")["metadata"] == "one"  # no write since its reads: its locks check them
    assert len(sent) == 1 and "BEGIN" in sent[0] and CHECKING_BUMP in sent[0] and "COMMIT" in sent[0], sent
    assert CHECK not in sent[0]
    del sent[:]
    assert _user(a, guid)["metadata"] == "one"  # a path that wrote nothing last time: confirmed as it is read
    assert len(sent) == 1 and not any(check in sent[0] for check in (CHECK, CONFIRM, VERSIONS)), sent
    assert reruns == []


def test_a_read_answered_from_a_stale_copy_is_never_passed_on(reruns, apps, monkeypatch):
    """The other replica wrote after this one's copy was last confirmed, and its notification was lost: the check
    before the answer finds it, and the request runs again, confirming as it reads: its answer is the other
    replica's write."""
    a, b = apps
    deaf(_store(a))
    guid = a.post("/users", json={"user": {"id": "seen"}}, headers=BASIC).get_json()["user"]["guid"]
    _trusting(a, guid)
    _update(b, guid, metadata="b's")
    assert _listed(a)[guid]["metadata"] == "b's"
    assert len(reruns) == 1, reruns
    journal = a.get("/__admin/clients/trusted/requests").get_json()["requests"]
    # Journaled once: the first run's answer was dropped before its call was recorded.
    assert sorted((e["method"], e["status"]) for e in journal if e["path"] == "/users") == [("GET", 200), ("POST", 200)]
    _update(b, guid, metadata="b's again")
    assert _user(a, guid)["metadata"] == "b's again"  # a path that only reads: confirmed as it reads
    assert len(reruns) == 1, reruns


def test_a_write_over_a_stale_read_is_not_made_and_no_write_is_lost(reruns, apps, monkeypatch):
    """A read-modify-write on a replica whose trusted copy another replica has written since: its commit's check
    fails (nothing written), it runs again confirming its reads, and both writes are there (the notification of
    the other replica's write lost)."""
    a, b = apps
    deaf(_store(a))
    guid = a.post("/users", json={"user": {"id": "both"}}, headers=BASIC).get_json()["user"]["guid"]
    _trusting(a, guid)
    _update(b, guid, email="b@example.com")
    assert _update(a, guid, metadata="a's") == {**_user(b, guid), "email": "b@example.com", "metadata": "a's"}
    assert len(reruns) == 1, reruns
    assert (_user(a, guid)["email"], _user(b, guid)["metadata"]) == ("b@example.com", "a's")


def test_a_copy_another_replica_keeps_writing_to_is_not_trusted(reruns, apps, monkeypatch):
    """Requests alternating between the replicas, each writing, their notifications lost: each finds its copy
    behind when it confirms its first read, so none answers unconfirmed, and none runs again."""
    deaf(*map(_store, apps))
    sides = apps * 10
    guid = sides[0].post("/users", json={"user": {"id": "hop"}}, headers=BASIC).get_json()["user"]["guid"]
    for n, client in enumerate(sides):
        assert _update(client, guid, metadata=str(n))["metadata"] == str(n)
        assert _user(sides[n + 1] if n + 1 < len(sides) else sides[0], guid)["metadata"] == str(n)
    assert reruns == []


def test_a_store_read_unconfirmed_is_checked_before_the_request_ends(replicas, monkeypatch):
    """The store alone: reads of a trusted copy send nothing, `confirm_reads` checks them in one statement, and a
    stale one is StaleCopy; from then on the request's reads are confirmed as they are made."""
    one, two = replicas
    deaf(one)  # what two writes is not heard: one's copy goes stale
    one.put("users", "u", 1)
    for _ in range(TRUST_AFTER):
        with one.scope():
            assert one.get("users", "u") == 1
    sent = counted_sends(monkeypatch)
    with one.scope(trusting=True):
        assert one.get("users", "u") == 1
        assert sent == []
        one.confirm_reads()
        assert len(sent) == 1 and VERSIONS in sent[0]  # no write heard of since: the version alone
    two.put("users", "u", 2)
    with pytest.raises(StaleCopy), one.scope(trusting=True):
        assert one.get("users", "u") == 1  # stale, never answered: the scope's end checks it
    with one.scope(trusting=True):
        assert one.get("users", "u") == 2  # no longer trusted: confirmed as it is read
        del sent[:]
        one.confirm_reads()
        assert sent == []


@pytest.fixture
def stale_once(monkeypatch):
    """The next check of what a request read unconfirmed fails once, as if another replica had written (set
    `stale_once.append(True)` to arm it); the replicas' checks are made through it from their start."""
    from mocknexus.store.postgres import PostgresStore

    armed: list[bool] = []
    confirm = PostgresStore.confirm_reads

    def checked(self) -> None:  # type: ignore[no-untyped-def]
        if armed and self._local.unsure is not None:
            armed.clear()
            raise StaleCopy("made stale by the test")
        confirm(self)

    monkeypatch.setattr(PostgresStore, "confirm_reads", checked)
    return armed


def test_a_fault_taken_by_a_run_found_stale_is_the_answer_of_its_run_again(stale_once, reruns, apps):
    """An injected fault fires once: a request whose first run took it and was found stale answers it from its
    run again, journaled once, and the next call is not faulted."""
    a, _ = apps
    guid = a.post("/users", json={"user": {"id": "faulted"}}, headers=BASIC).get_json()["user"]["guid"]
    fault = {"path": "/users", "method": "GET", "status": 503, "count": 1}
    assert a.post("/__admin/clients/trusted/faults", json=fault).status_code == 201
    stale_once.append(True)
    assert a.get("/users", headers=BASIC).status_code == 503
    assert not stale_once and len(reruns) == 1, reruns
    assert guid in _listed(a)
    journal = a.get("/__admin/clients/trusted/requests").get_json()["requests"]
    assert sorted(e["status"] for e in journal if e["path"] == "/users" and e["method"] == "GET") == [200, 503]
