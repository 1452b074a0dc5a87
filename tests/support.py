"""Test helpers: one small HTTP interface over either the Flask test client or a live server, and the MX flow."""

from __future__ import annotations

import itertools
import socket
import threading
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any

import requests
from werkzeug.serving import make_server

API_KEY = {"MD-API-KEY": "test-key"}
NEXUS_JSON = "application/vnd.mx.nexus.v1+json"
CLIENT = "client-123"
_user_ids = itertools.count(1)


@dataclass
class Reply:
    status: int
    json: Any
    headers: dict
    content_type: str


class Http(ABC):
    """The calls a client makes; subclasses send them through the test client or over a socket."""

    @abstractmethod
    def request(self, method: str, path: str, json: Any = None, headers: dict | None = None, data: Any = None) -> Reply:
        """Send one request."""

    def get(self, path: str, **kw: Any) -> Reply:
        return self.request("GET", path, **kw)

    def post(self, path: str, **kw: Any) -> Reply:
        return self.request("POST", path, **kw)

    def put(self, path: str, **kw: Any) -> Reply:
        return self.request("PUT", path, **kw)

    def delete(self, path: str, **kw: Any) -> Reply:
        return self.request("DELETE", path, **kw)


class FlaskHttp(Http):
    def __init__(self, app: Any) -> None:
        self.client = app.test_client()

    def request(self, method: str, path: str, json: Any = None, headers: dict | None = None, data: Any = None) -> Reply:
        r = self.client.open(path, method=method, json=json, data=data, headers=headers or {})
        return Reply(r.status_code, r.get_json(silent=True), dict(r.headers), r.content_type or "")


class LiveHttp(Http):
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.session = requests.Session()

    def request(self, method: str, path: str, json: Any = None, headers: dict | None = None, data: Any = None) -> Reply:
        r = self.session.request(method, self.base_url + path, json=json, data=data, headers=headers or {}, timeout=60)
        try:
            body = r.json()
        except ValueError:
            body = None
        return Reply(r.status_code, body, dict(r.headers), r.headers.get("Content-Type", ""))


def free_port() -> int:
    """A loopback port nobody is listening on now (for a server started as a process)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """The app on a real socket (a free port), served by threads, for as long as the test needs it."""

    def __init__(self, app: Any) -> None:
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        hooks = app.extensions.get("mocknexus.webhooks") if hasattr(app, "extensions") else None
        if hooks is not None:  # as mocknexus.serving does: webhooks never go to the server itself
            hooks.targets.serving_on(self.server.server_port)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.thread.join(5)


def session_headers(token: str) -> dict:
    return {"MD-SESSION-TOKEN": token, "Accept": NEXUS_JSON, "Content-Type": NEXUS_JSON}


def new_user(http: Http, user_id: str | None = None) -> str:
    user_id = user_id or f"user-{next(_user_ids)}"
    r = http.post(
        f"/{CLIENT}/users.json", json={"user": {"id": user_id, "email": f"{user_id}@example.com"}}, headers=API_KEY
    )
    assert r.status == 200, r.json
    return user_id


def api_token(http: Http, user_id: str) -> str:
    r = http.get(f"/{CLIENT}/users/{user_id}/api_token.json", headers=API_KEY)
    assert r.status == 200, r.json
    return r.json["api_token"]["token"]


def open_session(http: Http, user_id: str | None = None, skip_aggregation: bool = True) -> dict:
    """A new user with a Nexus session: returns headers carrying its session token."""
    token = api_token(http, user_id or new_user(http))
    r = http.post(
        "/sessions", json={"session": {"skip_aggregation": skip_aggregation}}, headers={"MD-API-TOKEN": token}
    )
    assert r.status == 200, r.json
    return session_headers(r.json["session"]["token"])


def institution(http: Http, headers: dict, name: str = "MX Bank") -> dict:
    r = http.post("/institutions/search", json={"institution": {"name": name}}, headers=headers)
    assert r.status == 200, r.json
    return next(i for i in r.json["institutions"] if i["name"] == name)


def create_member(
    http: Http, headers: dict, password: str, username: str = "mxuser", name: str = "MX Bank", skip: bool = True
) -> dict:
    inst = institution(http, headers, name)
    creds = http.get(f"/institutions/{inst['guid']}/credentials", headers=headers).json["credentials"]
    values = {"LOGIN": username, "PASSWORD": password}
    body = {
        "member": {
            "institution_guid": inst["guid"],
            "credentials": [{"guid": c["guid"], "value": values[c["field_name"]]} for c in creds],
            "skip_aggregation": skip,
        }
    }
    r = http.post("/members", json=body, headers=headers)
    assert r.status == 200, r.json
    return r.json["member"]


def poll_until_settled(http: Http, headers: dict, member_guid: str, clock: Any, limit: int = 20) -> dict:
    """Poll as a client would, moving the test clock 3 s between reads (MX's advice), until the job
    waits for answers or has ended."""
    for _ in range(limit):
        clock.advance(3)
        member = http.get(f"/members/{member_guid}", headers=headers).json["member"]
        if member["connection_status"] == "CHALLENGED" or not member["is_being_aggregated"]:
            return member
    raise AssertionError(f"member {member_guid} never settled")
