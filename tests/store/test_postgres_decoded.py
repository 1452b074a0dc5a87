"""Records a PostgreSQL replica keeps decoded (store/postgres_decoded.py): every read gets a copy of its own, as
deep as the record's mutable parts, so a caller changing what it read (as the domain does before writing it back,
or a request run again after WorldMoved) changes nothing another read gets; and a record written anew is read
as written, on this replica and on another."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from mocknexus.domain.core import snapshot
from mocknexus.domain.core.models import Challenge, ConnectionStatus, Job, Member, StatusChange
from mocknexus.store.postgres_decoded import Decoded, copy_of
from tests.store.postgres_support import two_replicas

AT = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def _member() -> Member:
    challenge = Challenge(guid="CRD-1", type="TEXT", label="Who?", field_name="who", answer="me")
    job = Job(guid="JOB-1", type="AGGREGATION", scenario="ok", started_at=AT, starting_status=ConnectionStatus.CREATED)
    job.challenges.append(challenge)
    member = Member(
        guid="MBR-1",
        user_guid="USR-1",
        institution_guid="INS-1",
        institution_code="mxbank",
        name="MX Bank",
        credentials={"CRD-1": "mxuser"},
        scenario="ok",
        created_at=AT,
        data_seed="seed",
        job=job,
    )
    member.status_history.append(StatusChange(status=ConnectionStatus.CONNECTED, at=AT, aggregating=False))
    return member


@pytest.fixture
def replicas(postgres_url):
    yield from two_replicas(postgres_url, snapshot.encode, snapshot.decode)


def _change_everything(member: Member) -> None:
    member.name = "changed"
    member.credentials["CRD-1"] = "changed"
    member.use_cases.append("MONEY_MOVEMENT")
    member.status_history.pop()  # an entry is frozen: the timeline itself changes
    member.status_history.append(StatusChange(status=ConnectionStatus.DENIED, at=AT, aggregating=False))
    assert member.job is not None
    member.job.step_polls = 9
    member.job.challenges[0].answer = "changed"


def test_a_record_changed_by_its_reader_reads_back_as_stored(replicas):
    one, _ = replicas
    one.put("members", "MBR-1", _member())
    stored = snapshot.encode("members", _member())
    with one.scope(optimistic=True):
        first = one.get("members", "MBR-1")
        _change_everything(first)
        second = one.get("members", "MBR-1")  # the same text, kept decoded: a fresh copy
    assert second is not first
    assert snapshot.encode("members", second) == stored
    assert second == _member()
    assert type(second.connection_status) is ConnectionStatus and second.created_at == AT
    third = one.get("members", "MBR-1")  # in a request of its own
    assert snapshot.encode("members", third) == stored


def test_a_record_written_anew_is_read_as_written_on_either_replica(replicas):
    one, two = replicas
    one.put("members", "MBR-1", _member())
    assert two.get("members", "MBR-1") == _member()
    changed = one.get("members", "MBR-1")
    _change_everything(changed)
    one.put("members", "MBR-1", changed)
    for replica in (one, two):
        with replica.scope(optimistic=True):
            assert replica.get("members", "MBR-1") == changed
    assert [m.name for m in one.values("members")] == ["changed"]


def test_values_and_items_hand_out_copies_too(replicas):
    one, _ = replicas
    one.put("members", "MBR-1", _member())
    (read,) = one.values("members")
    _change_everything(read)
    ((_, again),) = one.items("members")
    assert again == _member()


@dataclasses.dataclass
class Holder:
    name: str
    items: list
    mapping: dict
    nested: Holder | None = None


def test_a_copy_shares_only_what_cannot_change():
    inner = Holder("inner", [1, [2]], {"a": {"b": [3]}})
    value = Holder("outer", [inner, {"x": [4]}], {"when": AT}, nested=inner)
    copied = copy_of(value)
    assert copied == value and copied is not value
    assert copied.items is not value.items and copied.items[0] is not inner
    assert copied.items[0].items[1] is not inner.items[1]
    assert copied.mapping["when"] is AT  # immutable: shared
    assert copied.nested is not inner and copied.nested.mapping["a"] is not inner.mapping["a"]


def test_a_record_with_attributes_beside_its_fields_is_copied_attribute_by_attribute():
    value = Holder("x", [], {})
    value.extra = [1]  # type: ignore[attr-defined]
    copied = copy_of(value)
    assert copied.extra == [1] and copied.extra is not value.extra  # type: ignore[attr-defined]


def test_decoded_values_are_kept_by_their_text_and_bounded():
    calls: list[str] = []

    def decode(table: str, text: str) -> dict:
        calls.append(text)
        return {"text": text, "list": [1]}

    kept = Decoded(decode, max_chars=10)
    first = kept.value("t", "abcdef")
    first["list"].append(2)
    assert kept.value("t", "abcdef") == {"text": "abcdef", "list": [1]}
    assert calls == ["abcdef"]
    kept.value("t", "ghijkl")  # past the bound: everything kept is dropped, then this one kept
    kept.value("t", "abcdef")
    assert calls == ["abcdef", "ghijkl", "abcdef"]


def test_a_timeline_entry_is_shared_by_the_copies_not_copied():
    """A member's timeline entries never change once made (frozen): each copy has a timeline of its own, holding
    the same entries."""
    member = _member()
    copy = copy_of(member)
    assert copy.status_history is not member.status_history and copy.status_history == member.status_history
    assert copy.status_history[0] is member.status_history[0]
    assert copy.job is not member.job and copy.job.challenges[0] is not member.job.challenges[0]


def test_shared_values_hand_out_what_is_kept_and_values_a_copy_each(replicas):
    """A sweep that changes nothing looks at the records as kept (Store.shared_values); `values` copies each."""
    one, _ = replicas
    one.put("members", "MBR-1", _member())
    with one.scope():
        [first], [again], [copied] = one.shared_values("members"), one.shared_values("members"), one.values("members")
    assert first is again and copied is not first and copied == first == _member()
