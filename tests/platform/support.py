"""A Platform API client for the tests (Basic auth, MX's Accept header), judging every answer by MX's document."""

from __future__ import annotations

import base64
import itertools
from dataclasses import dataclass, field
from typing import Any

from tests.platform import mx_document
from tests.support import Http, Reply

PLATFORM_JSON = "application/vnd.mx.api.v1+json"
_ids = itertools.count(1)


def basic(client_id: str = "platform-client", api_key: str = "key") -> dict[str, str]:
    token = base64.b64encode(f"{client_id}:{api_key}".encode()).decode()
    return {"Authorization": f"Basic {token}", "Accept": PLATFORM_JSON}


@dataclass
class Platform:
    """Calls as MX's Python SDK makes them; each success is checked against MX's document, and the operations
    answered are remembered (`seen`) so a test can show it covered them all."""

    http: Http
    client_id: str = "platform-client"
    api_key: str = "key"
    seen: set[str] = field(default_factory=set)

    def call(self, method: str, path: str, json: Any = None, expect: int | None = None, **headers: str) -> Reply:
        sent = {**basic(self.client_id, self.api_key), **headers}
        if json is not None:
            sent["Content-Type"] = "application/json"
        r = self.http.request(method, path, json=json, headers=sent)
        if expect is not None:
            assert r.status == expect, (method, path, r.status, r.json)
        if 200 <= r.status < 300:
            op = mx_document.operation_for(method, path)
            body = r.json if r.status != 204 else None
            assert not mx_document.problems(op, r.status, r.content_type, body), mx_document.problems(
                op, r.status, r.content_type, body
            )
            self.seen.add(op)
        else:
            assert r.json["error"]["message"], r.json  # MX's error body: {"error": {"message": ...}}
        return r

    def get(self, path: str, **kw: Any) -> Reply:
        return self.call("GET", path, **kw)

    def post(self, path: str, **kw: Any) -> Reply:
        return self.call("POST", path, **kw)

    def put(self, path: str, **kw: Any) -> Reply:
        return self.call("PUT", path, **kw)

    def delete(self, path: str, **kw: Any) -> Reply:
        return self.call("DELETE", path, **kw)

    # ---- the steps of MX's verification flow -------------------------------------------------------------

    def user(self, user_id: str | None = None) -> dict:
        user_id = user_id or f"platform-user-{next(_ids)}"
        return self.post("/users", json={"user": {"id": user_id, "email": f"{user_id}@example.com"}}, expect=200).json[
            "user"
        ]

    def member(self, user_guid: str, password: str, code: str = "mxbank", skip: bool = False, **extra: Any) -> dict:
        credentials = self.get(f"/institutions/{code}/credentials", expect=200).json["credentials"]
        values = {"LOGIN": "mxuser", "PASSWORD": password}
        body = {
            "member": {
                "institution_code": code,
                "credentials": [{"guid": c["guid"], "value": values[c["field_name"]]} for c in credentials],
                "skip_aggregation": skip,
                **extra,
            }
        }
        r = self.post(f"/users/{user_guid}/members", json=body)
        assert r.status == (200 if skip else 202), r.json
        return r.json["member"]

    def settle(self, user_guid: str, member_guid: str, polls: int = 20) -> dict:
        """Poll the member's status until it waits for answers or its job has ended."""
        for _ in range(polls):
            status = self.get(f"/users/{user_guid}/members/{member_guid}/status", expect=200).json["member"]
            if status["connection_status"] == "CHALLENGED" or not status["is_being_aggregated"]:
                return status
        raise AssertionError(f"member {member_guid} did not settle: {status}")

    def finish(self, user_guid: str, member_guid: str) -> dict:
        """Poll, answering each challenge rightly, until the member's job has ended."""
        status = self.settle(user_guid, member_guid)
        while status["connection_status"] == "CHALLENGED":
            self.answer(user_guid, member_guid)
            status = self.settle(user_guid, member_guid)
        return status

    def answer(self, user_guid: str, member_guid: str, value: str = "correct") -> dict:
        challenges = self.get(f"/users/{user_guid}/members/{member_guid}/challenges", expect=200).json["challenges"]
        answers = [{"guid": c["guid"], "value": _answer_for(c, value)} for c in challenges]
        return self.put(
            f"/users/{user_guid}/members/{member_guid}/resume", json={"member": {"challenges": answers}}, expect=202
        ).json["member"]


def _answer_for(challenge: dict, value: str) -> str:
    """The option whose value is `value` for OPTIONS / IMAGE_OPTIONS, the text itself otherwise."""
    options = challenge.get("options") or challenge.get("image_options") or []
    return next((o["value"] for o in options if o["value"] == value), value)
