"""MICRODEPOSITS webhooks at a real receiver: a create, every status change (the clock's too, with no read),
MX's body at MX's types, and MX-Skip-Webhook. Each test waits on the receiver, never on time."""

from __future__ import annotations

import pytest

from tests.api.test_microdeposits import ACCOUNT, create, verify
from tests.webhooks.support import rig

pytestmark = pytest.mark.live

MICRO_DEPOSIT_KEYS = {
    "account_number", "account_type", "created_at", "guid", "institution_guid", "routing_number", "status",
    "status_name", "updated_at", "user_guid", "user_id", "verified_at",
}  # fmt: skip


def statuses(t, guid: str) -> list[str]:
    return [w.json["micro_deposit"]["status_name"] for w in t.receiver.received if w.member_guid == guid]


@pytest.mark.parametrize("store", ["memory", "sqlite"])
def test_created_then_the_clock_alone_deposits_then_verified(store, tmp_path):
    with rig(state_file=str(tmp_path / "state.db") if store == "sqlite" else "") as t:
        headers = t.session()
        guid = create(t.http, headers)["guid"]
        created = t.receiver.wait_for("MICRODEPOSITS", guid)
        assert (created.json["action"], created.json["version"]) == ("created", 1)
        record = created.json["micro_deposit"]
        assert set(record) == MICRO_DEPOSIT_KEYS
        assert record == {
            **record,
            "account_number": ACCOUNT["account_number"], "account_type": 1, "guid": guid, "institution_guid": None,
            "routing_number": ACCOUNT["routing_number"], "status": 0, "status_name": "INITIATED",
            "created_at": "2026-01-01T12:00:00.000+00:00", "verified_at": None,
        }  # fmt: skip
        assert record["user_guid"].startswith("USR-") and record["user_id"]
        assert created.headers["Content-Type"] == "application/json; charset=utf-8"

        t.clock.advance(121)  # no read: the world's background work moves it, and reports each step
        deposited = t.receiver.wait_for("MICRODEPOSITS", guid, where=lambda w: w.json["micro_deposit"]["status"] == 2)
        assert deposited.json["action"] == "updated"
        assert deposited.json["micro_deposit"]["status_name"] == "DEPOSITED"
        assert deposited.json["micro_deposit"]["updated_at"] == "2026-01-01T12:02:01.000+00:00"

        assert verify(t.http, headers, guid).status == 200
        verified = t.receiver.wait_for("MICRODEPOSITS", guid, where=lambda w: w.json["micro_deposit"]["status"] == 3)
        assert verified.json["micro_deposit"]["status_name"] == "VERIFIED"
        assert verified.json["micro_deposit"]["verified_at"] == "2026-01-01T12:02:01.000+00:00"
        # Delivered in the order raised (one lane per micro-deposit), and recorded in the outbox.
        assert statuses(t, guid) == ["INITIATED", "REQUESTED", "DEPOSITED", "VERIFIED"]
        outbox = t.admin.wait_for_deliveries(type="MICRODEPOSITS", status="delivered", count=4)
        assert {d["user_guid"] for d in outbox} == {record["user_guid"]} and all(
            d["member_guid"] is None for d in outbox
        )


def test_mx_skip_webhook_suppresses_the_calls_own_events():
    with rig() as t:
        headers = t.session()
        skipped = create(t.http, {**headers, "MX-Skip-Webhook": "true"})["guid"]
        sent = create(t.http, headers, account_number="555512345")["guid"]
        t.receiver.wait_for("MICRODEPOSITS", sent)
        assert statuses(t, skipped) == []
        recorded = t.admin.wait_for_deliveries(type="MICRODEPOSITS", status="skipped")
        assert recorded[0]["payload"]["micro_deposit"]["guid"] == skipped
