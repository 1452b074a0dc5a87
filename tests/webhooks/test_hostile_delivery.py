"""Issue 28: webhook delivery against hostile receivers and configurations. Tokens and connections belong to
one world and one configuration (point 2); an attempt has one deadline, a world its share of the senders,
and a claim's lease follows the attempt's timeout (point 3); a retry counts from the emulated time its
attempt started, and every delivery carries a stable event id (point 4); the smaller refusals of point 8.
Every receiver is on loopback."""

from __future__ import annotations

import base64
import json
import time

import pytest

from mocknexus.client import AdminClient
from mocknexus.domain.core.tables import WEBHOOK_PENDING
from mocknexus.webhook_receiver import WebhookReceiver
from tests.hostile_receivers import socket_receiver
from tests.support import API_KEY, CLIENT, create_member, free_port, open_session, session_headers
from tests.webhooks.support import rig

pytestmark = pytest.mark.live

EVENT_ID_HEADER = "X-Mocknexus-Event-Id"  # as docs/webhooks.md names it


def session_for(http, client: str, user: str = "u1") -> dict:
    """A Nexus session of a new user in `client`'s world."""
    r = http.post(f"/{client}/users.json", json={"user": {"id": user}}, headers=API_KEY)
    assert r.status == 200, r.json
    token = http.get(f"/{client}/users/{user}/api_token.json", headers=API_KEY).json["api_token"]["token"]
    r = http.post("/sessions", json={"session": {"skip_aggregation": True}}, headers={"MD-API-TOKEN": token})
    assert r.status == 200, r.json
    return session_headers(r.json["session"]["token"])


def member_for(t, headers: dict, n: int = 0) -> str:
    return create_member(t.http, headers, password="password", username=f"user{n}")["guid"]


# ---- point 2: tokens and connections per world and configuration -------------------------------------------


def test_an_oauth_token_fetched_for_one_client_is_never_sent_for_another():
    with rig(subscribe=False) as t:
        r = t.receiver
        r.require_bearer()
        r.require_client_credentials("mx-webhooks", "right")
        base = r.url.rsplit("/", 1)[0]
        oauth = {"token_url": r.token_url, "client_id": "mx-webhooks"}
        t.admin.configure_webhooks(f"{base}/hook/a", oauth2={**oauth, "client_secret": "right"})
        other = AdminClient(t.server.url, client_id="other-client")
        other.configure_webhooks(f"{base}/hook/b", oauth2={**oauth, "client_secret": "wrong"})

        guid_a = member_for(t, open_session(t.http))
        delivered_a = r.wait_for("MEMBER", guid_a)
        assert delivered_a.path == "/hook/a"
        guid_b = member_for(t, session_for(t.http, "other-client"))
        [failed] = other.wait_for_deliveries(type="MEMBER", member_guid=guid_b, attempts=1)
        assert failed["attempts"][0]["status_code"] is None
        assert "token URL answered 401" in failed["attempts"][0]["error"]
        assert not [w for w in r.received if w.path == "/hook/b"]  # B's receiver never saw A's token

        # The same world with a new secret is a new configuration: it fetches (and is refused) a token of its own.
        t.admin.configure_webhooks(f"{base}/hook/a", oauth2={**oauth, "client_secret": "changed"})
        guid_a2 = member_for(t, open_session(t.http), 1)
        [refused] = t.admin.wait_for_deliveries(type="MEMBER", member_guid=guid_a2, attempts=1)
        assert "token URL answered 401" in refused["attempts"][0]["error"]
        assert [w.path for w in r.received] == ["/hook/a"]


# ---- point 3: a deadline per attempt, a share per world, a lease that follows the timeout -------------------


def test_a_trickling_receiver_is_cut_off_at_the_attempts_deadline():
    with rig(subscribe=False) as t, socket_receiver(trickle=True, every=0.1) as url:
        t.admin.configure_webhooks(url, timeout=1)
        guid = member_for(t, open_session(t.http))
        started = time.monotonic()
        [delivery] = t.admin.wait_for_deliveries(type="MEMBER", member_guid=guid, attempts=1, timeout=15)
        assert time.monotonic() - started < 10
        attempt = delivery["attempts"][0]
        assert attempt["status_code"] is None and attempt["error"].startswith("timed out"), attempt
        assert 900 <= attempt["latency_ms"] < 5000, attempt


@pytest.mark.parametrize("timeout", [1e12, 61, 0, -1, "10", True])
def test_a_timeout_out_of_bounds_is_a_400(timeout):
    with rig(subscribe=False) as t:
        r = t.http.put(f"/__admin/clients/{CLIENT}/webhooks", json={"url": t.receiver.url, "timeout": timeout})
        assert r.status == 400 and "timeout" in r.json["error"]["message"], r.json


def test_a_claims_lease_follows_the_clients_timeout():
    """A 30 s timeout (the default is 10): the lease outlives the attempt, so no other sender posts it again."""
    with rig(subscribe=False) as t:
        t.receiver.never_answer()
        t.admin.configure_webhooks(t.receiver.url, timeout=30)
        member_for(t, open_session(t.http))
        worlds = t.server.server.app.extensions["mocknexus.worlds"]
        store = worlds.existing(CLIENT).emulator.store
        deadline = time.monotonic() + 10
        while not [p for p in store.values(WEBHOOK_PENDING) if p["owner"]]:
            assert time.monotonic() < deadline, "the delivery was never claimed"
            time.sleep(0.02)
        [claimed] = [p for p in store.values(WEBHOOK_PENDING) if p["owner"]]
        assert claimed["lease"] - time.time() > 60  # twice the 30 s deadline and a margin
        t.receiver.never_answer(False)


def test_a_world_whose_receiver_hangs_holds_only_its_share_of_senders():
    with rig(subscribe=False) as t, WebhookReceiver() as healthy:
        hub = t.server.server.app.extensions["mocknexus.webhooks"]
        share = hub.dispatcher.per_world
        t.receiver.never_answer()
        t.admin.configure_webhooks(t.receiver.url, timeout=30)
        headers = open_session(t.http)
        for n in range(share * 3):  # one member each: as many lanes, all due at once
            member_for(t, headers, n)
        deadline = time.monotonic() + 10
        while t.receiver.held < share:
            assert time.monotonic() < deadline, t.receiver.held
            time.sleep(0.02)
        other = AdminClient(t.server.url, client_id="healthy-client")
        other.configure_webhooks(healthy.url)
        guid = member_for(t, session_for(t.http, "healthy-client"))
        healthy.wait_for("MEMBER", guid, timeout=5)
        assert t.receiver.held == share  # the hanging world never had more than its share
        t.receiver.never_answer(False)


# ---- point 4: retries from the attempt's start, a stable event id ---------------------------------------------


def test_a_retry_counts_from_when_its_attempt_started():
    """The receiver moves the emulated clock past the first retry's wait *while* answering 500: the retry is
    due as the attempt is recorded (it was lost when counted from the clock read after the attempt)."""
    with rig() as t:
        t.receiver.respond_with(500, 204)
        moved = []

        def advance_once(path: str, headers: dict) -> None:
            if not moved:
                moved.append(path)
                t.clock.advance(20)

        t.receiver.on_receive(advance_once)
        guid = member_for(t, open_session(t.http))
        second = t.receiver.wait_for("MEMBER", guid, timeout=10)
        assert second.status == 204 and moved
        [delivery] = t.admin.wait_for_deliveries(type="MEMBER", member_guid=guid, status="delivered")
        first, retry = delivery["attempts"]
        assert first["error"] == "the receiver answered 500"
        assert first["next_attempt_at"] == retry["at"] or first["next_attempt_at"] <= retry["at"]


def test_every_attempt_and_redelivery_of_an_event_carries_its_id():
    with rig() as t:
        t.receiver.respond_with(500, 204)
        headers = open_session(t.http)
        guid = member_for(t, headers)
        t.receiver.wait_for("MEMBER", guid, accepted_only=False)
        t.clock.advance(20)
        t.receiver.wait_for("MEMBER", guid)
        [delivery] = t.admin.wait_for_deliveries(type="MEMBER", member_guid=guid, status="delivered")
        again = t.admin.redeliver(delivery["id"])
        t.receiver.wait_for("MEMBER", guid, count=2)
        assert again["event_id"] == delivery["event_id"] == delivery["id"] and again["id"] != delivery["id"]
        seen = [w.headers[EVENT_ID_HEADER] for w in t.receiver.of_type("MEMBER", guid, accepted_only=False)]
        assert seen == [delivery["id"]] * 3
        other = member_for(t, headers, 1)
        assert t.receiver.wait_for("MEMBER", other).headers[EVENT_ID_HEADER] != delivery["id"]


# ---- point 8's smaller items -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        {"url": "http://[x"},
        {"url": "http://h:99999/x"},
        {"url": "http://h:x/"},
        {"url": "http://"},
        {"urls": {"MEMBER": "http://[::1"}},
        {"url": "http://127.0.0.1:9/h", "oauth2": {"token_url": "http://[x", "client_id": "c", "client_secret": "s"}},
    ],
)
def test_a_malformed_url_is_a_400_not_a_500(body):
    with rig(subscribe=False) as t:
        r = t.http.put(f"/__admin/clients/{CLIENT}/webhooks", json=body)
        assert r.status == 400 and "must be an http" in r.json["error"]["message"], r.json


def test_a_refused_connection_is_recorded_as_refused():
    with rig(subscribe=False) as t:
        t.admin.configure_webhooks(f"http://127.0.0.1:{free_port()}/hook")
        guid = member_for(t, open_session(t.http))
        [delivery] = t.admin.wait_for_deliveries(type="MEMBER", member_guid=guid, attempts=1)
        assert delivery["attempts"][0]["error"] == "connection refused by the receiver"


def test_a_password_in_a_url_is_sent_as_basic_auth_and_masked_in_every_read():
    with rig(subscribe=False) as t:
        url = t.receiver.url.replace("http://", "http://partner:hunter2-secret@")
        shown = t.admin.configure_webhooks(url)
        assert shown["config"]["url"] == t.receiver.url.replace("http://", "http://partner:****@")
        guid = member_for(t, open_session(t.http))
        hook = t.receiver.wait_for("MEMBER", guid)
        assert hook.headers["Authorization"] == "Basic " + base64.b64encode(b"partner:hunter2-secret").decode()
        t.admin.wait_for_deliveries(type="MEMBER", member_guid=guid, status="delivered")
        for path in (
            f"/__admin/clients/{CLIENT}/webhooks",
            f"/__admin/clients/{CLIENT}/webhooks/deliveries",
            "/__admin/webhooks/deliveries",
        ):
            text = json.dumps(t.http.get(path).json)
            assert "hunter2-secret" not in text and "partner:****@" in text, (path, text)
