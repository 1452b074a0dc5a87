"""A read does not write: reading a member (or its accounts, or the user's members) saves nothing unless a
job step actually ran or a poll the running step still wants was counted."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from mocknexus.app import create_app
from mocknexus.config import Config
from mocknexus.store import MemoryStore
from tests.support import FlaskHttp, create_member, open_session, poll_until_settled


class CountingStore:
    """A store that counts the writes made through it (and through its partitions) by table."""

    def __init__(self, inner: Any, writes: Counter | None = None) -> None:
        self._inner = inner
        self.writes = Counter() if writes is None else writes

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def put(self, table: str, key: str, value: Any) -> None:
        self.writes[table] += 1
        self._inner.put(table, key, value)

    def delete(self, table: str, key: str) -> None:
        self.writes[table] += 1
        self._inner.delete(table, key)

    def partition(self, name: str) -> CountingStore:
        return CountingStore(self._inner.partition(name), self.writes)


@pytest.fixture
def counted(clock):
    store = CountingStore(MemoryStore())
    http = FlaskHttp(create_app(Config(seed=7), clock=clock, store=store))  # type: ignore[arg-type]
    return http, store.writes


def test_reading_a_settled_member_writes_nothing(counted, clock):
    http, writes = counted
    headers = open_session(http)
    member = create_member(http, headers, password="password")
    assert http.post(f"/members/{member['guid']}/verify", headers=headers).status == 200
    assert poll_until_settled(http, headers, member["guid"], clock)["connection_status"] == "CONNECTED"
    writes.clear()
    for path in (
        f"/members/{member['guid']}",
        "/members",
        f"/members/{member['guid']}/accounts",
        f"/members/{member['guid']}/account_numbers",
        "/accounts",
    ):
        for _ in range(3):
            assert http.get(path, headers=headers).status == 200, path
    assert writes == Counter()


def test_a_poll_writes_only_while_the_running_step_still_wants_it(counted, clock):
    http, writes = counted
    headers = open_session(http)
    member = create_member(http, headers, password="password")
    assert http.post(f"/members/{member['guid']}/verify", headers=headers).status == 200
    writes.clear()
    path = f"/members/{member['guid']}"
    http.get(path, headers=headers)  # the first step's one poll: counted, so saved
    assert writes["members"] == 1
    for _ in range(3):  # its time has not run out: nothing moves, and the poll is no longer wanted
        assert http.get(path, headers=headers).json["member"]["is_being_aggregated"]
    assert writes["members"] == 1
    clock.advance(3)
    http.get(path, headers=headers)  # the step ends and the next one is entered: saved
    assert writes["members"] >= 2


def test_a_call_in_the_same_emulated_second_does_not_write_its_session(counted, clock):
    """A session's slide is kept at MX's precision (whole seconds): a call in the second of the last slide writes
    nothing; one in the next second slides it, and the 30 minutes run from that second."""
    http, writes = counted
    headers = open_session(http)
    clock.advance(0.4)
    writes.clear()
    assert http.get("/members", headers=headers).status == 200
    assert writes["sessions"] == 0
    clock.advance(0.5)  # 12:00:00.9
    assert http.get("/members", headers=headers).status == 200
    assert writes["sessions"] == 0
    clock.advance(0.2)  # 12:00:01.1: the next second
    assert http.get("/members", headers=headers).status == 200
    assert writes["sessions"] == 1
    clock.advance(30 * 60 - 1.2)  # 12:29:59.9: 30 minutes after 12:00:01 not yet reached
    assert http.get("/members", headers=headers).status == 200
    clock.advance(30 * 60 + 1)  # idle since 12:29:59
    assert http.get("/members", headers=headers).json["error"]["code"] == 4011
