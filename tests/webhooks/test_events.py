"""MX's events with MX's payloads, delivered to a real receiver: the guide's MFA flow, the member's lifecycle,
MX-Skip-Webhook and X-CALLBACK-PAYLOAD. Each test waits on the receiver (a condition), never on time."""

from __future__ import annotations

import pytest

from tests.webhooks.support import START, rig

pytestmark = pytest.mark.live


@pytest.mark.parametrize("store", ["memory", "sqlite"])
def test_the_guides_mfa_flow_sends_connection_status_challenged_then_verification(store, tmp_path):
    with rig(state_file=str(tmp_path / "state.db") if store == "sqlite" else "") as t:
        headers = t.session()
        guid = t.member(headers, password="challenge")
        t.verify(headers, guid)
        assert t.poll(headers, guid, until="CHALLENGED")["connection_status"] == "CHALLENGED"

        challenged = t.receiver.wait_for("CONNECTION_STATUS", guid)
        assert challenged.json == {
            "action": "CHANGED",
            "connection_status": "CHALLENGED",
            "connection_status_id": 3,
            "connection_status_message": challenged.json["connection_status_message"],
            "member_guid": guid,
            "type": "CONNECTION_STATUS",
            "user_guid": challenged.json["user_guid"],
        }
        assert challenged.json["user_guid"].startswith("USR-") and challenged.json["connection_status_message"]
        assert challenged.headers["Content-Type"] == "application/json; charset=utf-8"
        assert challenged.headers["Accept"] == "application/json"

        t.answer(headers, guid)
        assert t.poll(headers, guid, until="CONNECTED")["connection_status"] == "CONNECTED"
        verified = t.receiver.wait_for("VERIFICATION", guid)
        body = verified.json
        assert set(body) == {
            "type", "accounts", "action", "user_guid", "user_id", "member_guid", "job_guid", "completed_at", "completed_on"
        }  # fmt: skip
        assert body["action"] == "member_data_updated" and body["type"] == "VERIFICATION"
        assert body["accounts"] and all(a.startswith("ACT-") for a in body["accounts"])
        assert isinstance(body["completed_at"], int) and body["completed_at"] >= int(START.timestamp())
        assert body["completed_on"] == "2026-01-01" and body["job_guid"].startswith("JOB-")

        # CHALLENGED came first; the receiver saw them in the order MX raised them.
        order = [w.type for w in t.receiver.received if w.type in ("CONNECTION_STATUS", "VERIFICATION")]
        assert order == ["CONNECTION_STATUS", "VERIFICATION"]
        # The outbox holds the same story, every delivery accepted on its first attempt.
        outbox = t.admin.wait_for_deliveries(type="VERIFICATION", member_guid=guid, status="delivered")
        assert outbox[0]["attempts"][0]["status_code"] == 204 and outbox[0]["payload"] == body


def test_members_webhooks_created_updated_deleted_with_unix_times_and_a_growing_revision():
    with rig() as t:
        headers = t.session()
        guid = t.member(headers, password="password")
        created = t.receiver.wait_for("MEMBER", guid).json
        assert created["action"] == "created"
        member = created["member"]
        assert member["guid"] == guid and member["connection_status"] == "CREATED"
        assert member["connection_status_id"] == 0 and member["created_at"] == int(START.timestamp())
        assert member["institution_code"] and member["user_guid"].startswith("USR-")

        r = t.http.put(f"/members/{guid}", json={"member": {"name": "Renamed"}}, headers=headers)
        assert r.status == 200
        updated = t.receiver.wait_for("MEMBER", guid, count=2).json
        assert updated["action"] == "updated" and updated["member"]["name"] == "Renamed"
        assert updated["member"]["revision"] > member["revision"]

        assert t.http.delete(f"/members/{guid}", headers=headers).status in (200, 204)
        deleted = t.receiver.wait_for("MEMBER", guid, where=lambda w: w.json["action"] == "deleted")
        assert deleted.json["member"]["guid"] == guid


def test_a_denied_member_sends_connection_status_denied_and_the_nexus_job_status():
    with rig() as t:
        headers = t.session()
        guid = t.member(headers, password="INVALID")
        t.verify(headers, guid)
        assert t.poll(headers, guid, until="DENIED")["connection_status"] == "DENIED"
        assert t.receiver.wait_for("CONNECTION_STATUS", guid).json["connection_status"] == "DENIED"
        job = t.receiver.wait_for("JOB_STATUS", guid).json["job"]
        assert job["status_name"] == "DENIED" and job["member_guid"] == guid and job["guid"].startswith("JOB-")
        assert isinstance(job["finished_at"], int) and job["error_message"]


def test_mx_skip_webhook_suppresses_what_that_call_would_send():
    with rig() as t:
        headers = t.session()
        guid = t.member(headers, password="challenge")
        t.verify(headers, guid, extra_headers={"MX-Skip-Webhook": "true"})
        t.poll(headers, guid, until="CHALLENGED")
        # Recorded, never sent: the outbox says so, and the receiver saw nothing of that job.
        skipped = t.admin.wait_for_deliveries(type="CONNECTION_STATUS", member_guid=guid, status="skipped")
        assert skipped[0]["attempts"] == [] and skipped[0]["payload"]["connection_status"] == "CHALLENGED"
        t.receiver.wait_for("MEMBER", guid)  # the create call was not skipped
        assert t.receiver.of_type("CONNECTION_STATUS", guid) == []


def test_x_callback_payload_is_echoed_as_a_header_on_the_member_and_data_updated_webhooks():
    with rig() as t:
        headers = t.session()
        guid = t.member(headers, password="password")
        t.verify(headers, guid, extra_headers={"X-CALLBACK-PAYLOAD": "dHJhY2UtNDI="})
        t.poll(headers, guid, until="CONNECTED")
        verified = t.receiver.wait_for("VERIFICATION", guid)
        assert verified.headers["X-CALLBACK-PAYLOAD"] == "dHJhY2UtNDI="
        created = t.receiver.wait_for("MEMBER", guid)  # by a call without the header
        assert "X-CALLBACK-PAYLOAD" not in created.headers
