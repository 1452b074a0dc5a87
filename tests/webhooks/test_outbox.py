"""The outbox as the domain keeps it, without HTTP: claims are exclusive across stores over one file, a lane
keeps its order, retries follow the schedule on the clock given, and a skipped event is never due."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from mocknexus.domain.core import snapshot
from mocknexus.domain.webhooks.events import Event, EventType
from mocknexus.domain.webhooks.outbox import MAX_RETRIES, RETRY_DELAYS, Outbox
from mocknexus.store import MemoryStore, SQLiteStore

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
CONFIG = {"url": "http://127.0.0.1:9/hook"}


def event(member: str, n: int = 0, skip: bool = False) -> Event:
    return Event(EventType.MEMBER, {"action": "updated", "n": n}, NOW, member, "USR-1", skip=skip)


def outbox(store) -> Outbox:
    box = Outbox(store.partition("client:c"), "c")
    box.configure(CONFIG)
    return box


def test_two_stores_over_one_file_never_claim_the_same_delivery(tmp_path):
    path = str(tmp_path / "state.db")
    first = outbox(SQLiteStore(path, snapshot.encode, snapshot.decode))
    second = Outbox(SQLiteStore(path, snapshot.encode, snapshot.decode).partition("client:c"), "c")
    for i in range(40):
        first.emit(event(f"MBR-{i}"))  # 40 lanes: all due at once
    claimed: list[str] = []
    lock = threading.Lock()

    def worker(box: Outbox, owner: str) -> None:
        while True:
            got = box.claim_due(NOW, 1000.0, owner, 60.0, 3)
            if not got:
                return
            with lock:
                claimed.extend(d["id"] for d in got)

    threads = [threading.Thread(target=worker, args=(box, f"w{i}")) for i, box in enumerate([first, second] * 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(claimed) == 40 and len(set(claimed)) == 40


def test_a_lane_releases_its_next_delivery_only_when_the_first_is_done():
    box = outbox(MemoryStore())
    box.emit(event("MBR-a", 1))
    box.emit(event("MBR-a", 2))
    box.emit(event("MBR-b", 1))
    first = box.claim_due(NOW, 0.0, "w", 60.0, 10)
    assert [(d["member_guid"], d["payload"]["n"]) for d in first] == [("MBR-a", 1), ("MBR-b", 1)]
    assert box.claim_due(NOW, 0.0, "w", 60.0, 10) == []  # MBR-a's second waits behind its first
    box.record_attempt(first[0]["id"], {"status_code": 204}, True, NOW)
    [then] = box.claim_due(NOW, 0.0, "w", 60.0, 10)
    assert (then["member_guid"], then["payload"]["n"]) == ("MBR-a", 2)


def test_retries_follow_the_schedule_on_the_clock_and_end_after_the_twelfth():
    box = outbox(MemoryStore())
    box.emit(event("MBR-a"))
    at = NOW
    for retry in range(MAX_RETRIES + 1):
        [claimed] = box.claim_due(at, 0.0, "w", 60.0, 1)
        record = box.record_attempt(claimed["id"], {"status_code": 500}, False, at)
        if retry < MAX_RETRIES:
            due = at + RETRY_DELAYS[retry]
            assert record["next_attempt_at"] == due.isoformat() and record["status"] == "pending"
            assert box.claim_due(due - timedelta(seconds=1), 0.0, "w", 60.0, 1) == []  # not before its time
            at = due
    assert record["status"] == "failed" and len(record["attempts"]) == MAX_RETRIES + 1
    assert not box.has_pending()


def test_a_lease_held_by_a_dead_worker_runs_out_and_the_delivery_is_claimed_again():
    box = outbox(MemoryStore())
    box.emit(event("MBR-a"))
    [claimed] = box.claim_due(NOW, 1000.0, "dead", 30.0, 1)
    assert box.claim_due(NOW, 1029.0, "alive", 30.0, 1) == []
    [again] = box.claim_due(NOW, 1031.0, "alive", 30.0, 1)
    assert again["id"] == claimed["id"]


def test_a_skipped_event_is_recorded_and_never_due():
    box = outbox(MemoryStore())
    box.emit(event("MBR-a", skip=True))
    [skipped] = box.deliveries()
    assert skipped["status"] == "skipped" and box.claim_due(NOW, 0.0, "w", 60.0, 10) == []


def test_no_configuration_records_nothing():
    box = Outbox(MemoryStore().partition("client:c"), "c")
    box.emit(event("MBR-a"))
    assert box.deliveries() == []
