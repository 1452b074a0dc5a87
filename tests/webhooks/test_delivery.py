"""How webhooks are delivered: MX's auth modes as the receiver sees them, retries on MX's schedule driven by
the emulated clock, the last retry, redelivery, firing on demand and forcing a status."""

from __future__ import annotations

import base64

import pytest

from mocknexus.client import AdminError
from mocknexus.domain.webhooks.outbox import MAX_RETRIES, RETRY_DELAYS
from tests.webhooks.support import rig

pytestmark = pytest.mark.live


def test_http_basic_reaches_the_receiver_and_is_masked_in_config_and_outbox():
    with rig(subscribe=False) as t:
        t.receiver.require_basic("partner", "s3cret")
        shown = t.admin.configure_webhooks(t.receiver.url, basic_auth={"username": "partner", "password": "s3cret"})
        assert shown["config"]["basic_auth"] == {"username": "partner", "password": "****"}
        assert t.admin.webhook_config()["config"]["basic_auth"]["password"] == "****"
        guid = t.member(t.session(), password="password")
        hook = t.receiver.wait_for("MEMBER", guid)
        assert hook.headers["Authorization"] == "Basic " + base64.b64encode(b"partner:s3cret").decode()
        [delivery] = t.admin.wait_for_deliveries(type="MEMBER", member_guid=guid, status="delivered")
        assert delivery["attempts"][0]["headers"]["Authorization"] == "Basic ****"


def test_oauth2_client_credentials_token_is_fetched_reused_and_fetched_again_on_a_401():
    with rig(subscribe=False) as t:
        t.receiver.require_bearer()
        oauth = {"token_url": t.receiver.token_url, "client_id": "mx-webhooks", "client_secret": "shh"}
        shown = t.admin.configure_webhooks(t.receiver.url, oauth2=oauth)
        assert shown["config"]["oauth2"]["client_secret"] == "****"
        headers = t.session()
        first = t.member(headers, password="password")
        t.receiver.wait_for("MEMBER", first)
        assert len(t.receiver.token_requests) == 1
        token_request = t.receiver.token_requests[0]
        assert token_request["authorization"] == "Basic " + base64.b64encode(b"mx-webhooks:shh").decode()
        assert "grant_type=client_credentials" in token_request["body"]

        second = t.member(headers, password="password", username="another")
        t.receiver.wait_for("MEMBER", second)
        assert len(t.receiver.token_requests) == 1  # reused while it lives

        t.receiver.revoke_tokens()  # the partner's server forgets it: a 401, then MX fetches a new one
        third = t.member(headers, password="password", username="third")
        hook = t.receiver.wait_for("MEMBER", third)
        assert hook.headers["Authorization"].startswith("Bearer ") and len(t.receiver.token_requests) == 2


def test_an_expired_oauth2_token_is_not_reused():
    """A token is used until shortly (5 s) before its `expires_in` runs out (real time: the partner's token
    server's clock): one that lives 1 s is fetched again for the next delivery."""
    with rig(subscribe=False) as t:
        t.receiver.require_bearer()
        t.receiver.token_lifetime = 1
        oauth = {"token_url": t.receiver.token_url, "client_id": "mx-webhooks", "client_secret": "shh"}
        t.admin.configure_webhooks(t.receiver.url, oauth2=oauth)
        headers = t.session()
        t.receiver.wait_for("MEMBER", t.member(headers, password="password"))
        t.receiver.wait_for("MEMBER", t.member(headers, password="password", username="another"))
        assert len(t.receiver.token_requests) == 2
        assert not [w for w in t.receiver.received if w.status == 401]  # fetched ahead, not after a refusal


def test_a_500_is_retried_when_the_emulated_clock_reaches_the_retry():
    with rig() as t:
        t.receiver.respond_with(500, 204)
        guid = t.member(t.session(), password="password")
        [failed] = t.admin.wait_for_deliveries(type="MEMBER", member_guid=guid, attempts=1)
        attempt = failed["attempts"][0]
        assert failed["status"] == "pending" and attempt["status_code"] == 500 and attempt["error"]
        assert failed["next_attempt_at"] == attempt["next_attempt_at"]
        # Nothing moves until the clock does: the retry is due 20 s (MX's first interval here) later.
        t.admin.advance_clock(RETRY_DELAYS[0].total_seconds())
        [done] = t.admin.wait_for_deliveries(type="MEMBER", member_guid=guid, status="delivered")
        assert [a["status_code"] for a in done["attempts"]] == [500, 204]
        assert len(t.receiver.of_type("MEMBER", guid, accepted_only=False)) == 2


def test_a_receiver_that_never_answers_is_given_up_after_the_twelfth_retry():
    with rig(webhook_timeout=0.2) as t:
        t.receiver.never_answer()
        guid = t.member(t.session(), password="password")
        for retry in range(MAX_RETRIES):
            t.admin.wait_for_deliveries(type="MEMBER", member_guid=guid, attempts=retry + 1, timeout=10)
            t.admin.advance_clock(RETRY_DELAYS[retry].total_seconds())
        [given_up] = t.admin.wait_for_deliveries(type="MEMBER", member_guid=guid, status="failed", timeout=10)
        attempts = given_up["attempts"]
        assert len(attempts) == 1 + MAX_RETRIES
        assert all(a["status_code"] is None and "timed out" in a["error"] for a in attempts)
        assert given_up["next_attempt_at"] is None and attempts[-1]["next_attempt_at"] is None
        # About a day, diminishing: each wait longer than the one before.
        assert 20 * 3600 < sum(d.total_seconds() for d in RETRY_DELAYS) < 26 * 3600
        assert list(RETRY_DELAYS) == sorted(RETRY_DELAYS)


def test_redeliver_sends_a_recorded_event_again():
    with rig() as t:
        guid = t.member(t.session(), password="password")
        [delivered] = t.admin.wait_for_deliveries(type="MEMBER", member_guid=guid, status="delivered")
        again = t.admin.redeliver(delivered["id"])
        assert again["redelivery_of"] == delivered["id"] and again["payload"] == delivered["payload"]
        second = t.receiver.wait_for("MEMBER", guid, count=2)
        assert second.json == delivered["payload"]


def test_fire_sends_an_event_for_the_members_current_state_and_refuses_one_it_has_not():
    with rig() as t:
        guid = t.member(t.session(), password="password")
        [made] = t.admin.fire_webhook(guid, "CONNECTION_STATUS")
        assert made["fired"] is True and made["payload"]["connection_status"] == "CREATED"
        assert t.receiver.wait_for("CONNECTION_STATUS", guid).json["connection_status_id"] == 0
        with pytest.raises(AdminError) as refused:
            t.admin.fire_webhook(guid, "VERIFICATION")  # no job has finished
        assert refused.value.status == 409


def test_forcing_a_status_from_the_control_plane_sends_what_mx_would():
    with rig() as t:
        guid = t.member(t.session(), password="password")
        t.admin.set_status(guid, "LOCKED")
        assert t.receiver.wait_for("CONNECTION_STATUS", guid).json["connection_status"] == "LOCKED"
        assert t.receiver.wait_for("JOB_STATUS", guid).json["job"]["status_name"] == "HALTED"
        t.admin.set_status(guid, "CONNECTED")
        verified = t.receiver.wait_for("VERIFICATION", guid).json
        assert verified["accounts"] and verified["member_guid"] == guid


def test_a_flow_nobody_polls_ends_by_the_clock_alone_and_sends_its_webhooks():
    """The partner waits for webhooks: it never reads the member. Moving the clock is all it takes."""
    with rig() as t:
        headers = t.session()
        guid = t.member(headers, password="challenge")
        t.verify(headers, guid)
        t.admin.advance_clock(60)
        t.receiver.wait_for("CONNECTION_STATUS", guid)  # CHALLENGED, with no read of the member
        t.answer(headers, guid)
        t.admin.advance_clock(60)
        assert t.receiver.wait_for("VERIFICATION", guid).json["accounts"]
        journal = t.admin.requests(method="GET", path=f"/members/{guid}")
        assert journal == []


def test_events_for_one_member_are_delivered_in_order_behind_a_retry():
    with rig() as t:
        t.receiver.respond_with(500, 204)
        headers = t.session()
        guid = t.member(headers, password="password")
        t.admin.wait_for_deliveries(type="MEMBER", member_guid=guid, attempts=1)
        assert t.http.put(f"/members/{guid}", json={"member": {"name": "Later"}}, headers=headers).status == 200
        _, updated = t.admin.deliveries(type="MEMBER", member_guid=guid)
        assert updated["payload"]["action"] == "updated" and updated["attempts"] == []  # waits behind the retry
        t.admin.advance_clock(RETRY_DELAYS[0].total_seconds())
        t.admin.wait_for_deliveries(type="MEMBER", member_guid=guid, status="delivered", count=2)
        actions = [(w.json["action"], w.status) for w in t.receiver.of_type("MEMBER", guid, accepted_only=False)]
        assert actions == [("created", 500), ("created", 204), ("updated", 204)]
