"""What the webhook tests share: a live server over a frozen clock, a real receiver, and the guide's calls."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from mocknexus.app import create_app
from mocknexus.client import AdminClient
from mocknexus.config import Config
from mocknexus.domain.core.clock import Clock
from mocknexus.webhook_receiver import WebhookReceiver
from tests.support import CLIENT, LiveHttp, LiveServer, create_member, open_session

START = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


class Rig:
    """A server (its admin client addresses CLIENT), a receiver subscribed for CLIENT, and Nexus calls."""

    def __init__(self, server: LiveServer, receiver: WebhookReceiver, clock: Clock) -> None:
        self.server = server
        self.receiver = receiver
        self.clock = clock
        self.http = LiveHttp(server.url)
        self.admin = AdminClient(server.url, client_id=CLIENT)

    def session(self) -> dict:
        return open_session(self.http)

    def member(self, headers: dict, password: str = "challenge", **options) -> str:
        return create_member(self.http, headers, password=password, **options)["guid"]

    def verify(self, headers: dict, guid: str, extra_headers: dict | None = None) -> dict:
        r = self.http.post(f"/members/{guid}/verify", headers={**headers, **(extra_headers or {})})
        assert r.status in (200, 202), r.json
        return r.json["member"]

    def poll(self, headers: dict, guid: str, until: str, limit: int = 20) -> dict:
        """Read the member as a client does, 3 s of clock apart, until it is CHALLENGED (`until` CHALLENGED) or
        its job has ended."""
        for _ in range(limit):
            self.clock.advance(3)
            member = self.http.get(f"/members/{guid}", headers=headers).json["member"]
            if (until == "CHALLENGED" and member["connection_status"] == until) or not member["is_being_aggregated"]:
                return member
        raise AssertionError(f"{guid} never reached {until}")

    def answer(self, headers: dict, guid: str, value: str = "correct") -> dict:
        challenges = self.http.get(f"/members/{guid}/challenges", headers=headers).json["challenges"]
        body = {"member": {"challenges": [{"guid": c["guid"], "value": value} for c in challenges]}}
        r = self.http.put(f"/members/{guid}/resume", json=body, headers=headers)
        assert r.status in (200, 202), r.json
        return r.json["member"]


@contextmanager
def rig(subscribe: bool = True, **config) -> Iterator[Rig]:
    clock = Clock(frozen_at=START)
    app = create_app(Config(seed=7, **config), clock=clock)
    try:
        with LiveServer(app) as server, WebhookReceiver() as receiver:
            testbed = Rig(server, receiver, clock)
            if subscribe:
                testbed.admin.configure_webhooks(receiver.url)
            yield testbed
    finally:
        app.extensions["mocknexus.background"].stop()
        app.extensions["mocknexus.webhooks"].close()
