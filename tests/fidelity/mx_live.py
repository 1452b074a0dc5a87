"""A live mocknexus in one response dialect, and a client that talks to it as MX's guide does: MX's media
types and headers on every call (MD-API-KEY included on Nexus calls, as real clients send it)."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import requests

from mocknexus.app import create_app
from mocknexus.config import Config
from mocknexus.domain.core.clock import Clock
from tests.conftest import START
from tests.fidelity import mx_reference as ref
from tests.support import LiveServer

DIALECTS = ("g21", "v1", "union")
NEXUS_TYPE = "application/vnd.mx.nexus.v1+json"
MDX_TYPE = "application/vnd.moneydesktop.mdx.v5+json"
NEXUS = {"Content-Type": NEXUS_TYPE, "Accept": NEXUS_TYPE}
_ids = itertools.count(1)


class MX:
    def __init__(self, url: str, clock: Clock, dialect: str) -> None:
        self.url, self.clock, self.dialect = url, clock, dialect
        self.http = requests.Session()
        self.client_id = "my-client"
        self.key = {"MD-API-KEY": "any-key"}
        self.member_guid: str | None = None
        self.user_id = self.new_user()
        self.token = self.open_session()

    # ---- raw calls -------------------------------------------------------------------------------------

    def call(self, method: str, path: str, body: Any = None, headers: dict | None = None) -> requests.Response:
        data = None if body is None else json.dumps(body)
        return self.http.request(method, self.url + path, data=data, headers=headers or {}, timeout=30)

    def mdx(self, method: str, path: str, body: Any = None) -> requests.Response:
        return self.call(method, path, body, {"Content-Type": MDX_TYPE, "Accept": MDX_TYPE, **self.key})

    def nexus(self, method: str, path: str, body: Any = None, token: str | None = None) -> requests.Response:
        headers = {**NEXUS, "MD-SESSION-TOKEN": token or self.token, **self.key}
        return self.call(method, path, body, headers)

    def fill(self, path: str) -> str:
        """The guide's placeholders, filled with what the earlier steps produced."""
        for placeholder, value in ((":client_id", self.client_id), (":user_id", self.user_id)):
            path = path.replace(placeholder, value)
        return path.replace(":member_guid", self.member_guid or "")

    @staticmethod
    def fresh_id(base: str) -> str:
        return f"{base}-{next(_ids)}"

    # ---- the guide's steps, for tests that need them done ---------------------------------------------

    def new_user(self) -> str:
        user_id = self.fresh_id("U-39XBF7")
        r = self.mdx("POST", f"/{self.client_id}/users.json", {"user": {"id": user_id}})
        assert r.status_code == 200, r.text
        return user_id

    def api_token(self, user_id: str | None = None) -> str:
        r = self.call("GET", f"/{self.client_id}/users/{user_id or self.user_id}/api_token.json", headers=self.key)
        assert r.status_code == 200, r.text
        return r.json()["api_token"]["token"]

    def open_session(self, user_id: str | None = None) -> str:
        headers = {"MD-API-TOKEN": self.api_token(user_id), **NEXUS}
        r = self.call("POST", "/sessions", {"session": {"skip_aggregation": True}}, headers)
        assert r.status_code == 200, r.text
        return r.json()["session"]["token"]

    def mx_bank_member(self, password: str, institution: str = "MX Bank") -> str:
        """A member at MX Bank with MX's own credential guids (as MX's samples hard-code them), created the
        guide's way (`credential_guid`), for a new user whose session becomes this client's."""
        self.token = self.open_session(self.new_user())
        if institution == "MX Bank":
            credentials = ref.steps()["1.5"].blocks[0]["credentials"]
            institution_guid = credentials[0]["institution_guid"]
        else:
            search = self.nexus("POST", "/institutions/search", {"institution": {"name": institution}}).json()
            institution_guid = next(i["guid"] for i in search["institutions"] if i["name"] == institution)
            credentials = self.nexus("GET", f"/institutions/{institution_guid}/credentials").json()["credentials"]
        values = {"LOGIN": "mxuser", "PASSWORD": password}
        body = {
            "member": {
                "credentials": [{"credential_guid": c["guid"], "value": values[c["field_name"]]} for c in credentials],
                "institution_guid": institution_guid,
                "metadata": "Additional information",
                "skip_aggregation": True,
            }
        }
        r = self.nexus("POST", "/members", body)
        assert r.status_code == 200, r.text
        return r.json()["member"]["guid"]

    def connected_member(self) -> str:
        """A verified MX Bank member (CONNECTED, account numbers found)."""
        guid = self.mx_bank_member("password")
        assert self.nexus("POST", f"/members/{guid}/verify").status_code == 200
        member = self.poll_until(lambda m: not m["is_being_aggregated"], f"/members/{guid}")
        assert member["connection_status"] == "CONNECTED"
        return guid

    def poll_until(self, done: Callable[[dict], bool], path: str, limit: int = 30) -> dict:
        """Poll as MX advises (every 3 seconds, on the server's clock) until `done(member)`."""
        for _ in range(limit):
            self.clock.advance(3)
            r = self.nexus("GET", path)
            assert r.status_code == 200, r.text
            if done(r.json()["member"]):
                return r.json()["member"]
        raise AssertionError(f"{path} never reached the awaited state")


@contextmanager
def live_mx(dialect: str) -> Iterator[MX]:
    clock = Clock(frozen_at=START)
    app = create_app(Config(seed=7, mx_dialect=dialect), clock=clock)
    with LiveServer(app) as server:
        yield MX(server.url, clock, dialect)
