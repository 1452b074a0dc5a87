"""Helpers for the OAuth tests: an app per MX dialect, creating OAuth members, and the consent page over HTTP."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from mocknexus.app import create_app
from mocknexus.config import Config
from mocknexus.domain.core.clock import Clock
from tests.support import CLIENT, FlaskHttp, open_session

MX_BANK_OAUTH = "INS-68e96dd6-eabd-42d3-9f05-416897f0746c"
MX_BANK = "INS-1572a04c-912b-59bf-5841-332c7dfafaef"
_MESSAGE = re.compile(r'<script type="application/json" id="oauth-message">(.*?)</script>', re.S)


@dataclass
class OAuthWorld:
    """One app (one MX dialect), a user's Nexus session, and the raw test client for the HTML pages."""

    app: Any
    http: FlaskHttp
    headers: dict
    clock: Clock

    @classmethod
    def build(cls, clock: Clock, dialect: str = "union", **config: Any) -> OAuthWorld:
        app = create_app(Config(seed=7, mx_dialect=dialect, **config), clock=clock)
        http = FlaskHttp(app)
        return cls(app, http, open_session(http), clock)

    def create(self, institution: str = MX_BANK_OAUTH, status: int = 200, **body: Any) -> dict:
        member = {"institution_guid": institution, "is_oauth": True, **body.pop("member", {})}
        r = self.http.post("/members", json={"member": member, **body}, headers=self.headers)
        assert r.status == status, r.json
        return r.json.get("member", r.json) if status == 200 else r.json

    def read(self, guid: str) -> tuple[int, dict]:
        r = self.http.get(f"/members/{guid}", headers=self.headers)
        return r.status, r.json

    def member(self, guid: str) -> dict:
        status, body = self.read(guid)
        assert status == 200, body
        return body["member"]

    def settle(self, guid: str, limit: int = 20) -> dict:
        """Poll as a client does, 3 s of clock apart, until no job runs and the member has left PENDING."""
        for _ in range(limit):
            member = self.member(guid)
            if not member["is_being_aggregated"] and member["connection_status"] != "PENDING":
                return member
            self.clock.advance(3)
        raise AssertionError(f"member {guid} never settled: {member}")

    def page(self, uri: str) -> Any:
        return self.app.test_client().get(_path(uri))

    def answer(self, uri: str, action: str) -> Any:
        return self.app.test_client().post(_path(uri), data={"action": action})

    def fresh_uri(self, guid: str, status: int = 200, **query: str) -> Any:
        suffix = f"?{urlencode(query)}" if query else ""
        r = self.http.get(f"/members/{guid}/oauth_window_uri{suffix}", headers=self.headers)
        assert r.status == status, r.json
        return r.json

    def outcome(self, guid: str, outcome: str, status: int = 200, **extra: Any) -> dict:
        r = self.http.post(f"/__admin/clients/{CLIENT}/members/{guid}/oauth", json={"outcome": outcome, **extra})
        assert r.status == status, r.json
        return r.json

    def drive(self, guid: str, scenario: str) -> None:
        r = self.http.post(f"/__admin/clients/{CLIENT}/members/{guid}/scenario", json={"scenario": scenario})
        assert r.status == 200, r.json


def _path(uri: str) -> str:
    parts = urlsplit(uri)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def posted_message(html: str) -> dict | None:
    """The message MX's complete page (or an expired window's error page) posts to its opener."""
    found = _MESSAGE.search(html)
    return json.loads(found.group(1)) if found else None
