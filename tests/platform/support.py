"""A Platform API client for the tests (Basic auth, MX's Accept header), judging every answer by MX's document."""

from __future__ import annotations

import base64
import itertools
from dataclasses import dataclass, field
from typing import Any

from tests.platform import mx_document
from tests.support import Http, Reply

PLATFORM_JSON = "application/vnd.mx.api.v1+json"
# How each version is asked for: v20111101 as MX's Python SDK asks (its Accept), v20250224 as MX documents it.
VERSION_HEADERS = {
    "v20111101": {"Accept": PLATFORM_JSON},
    "v20250224": {"Accept": "application/json", "Accept-Version": "v20250224"},
}
_ids = itertools.count(1)


def basic(client_id: str = "platform-client", api_key: str = "key", version: str = "v20111101") -> dict[str, str]:
    token = base64.b64encode(f"{client_id}:{api_key}".encode()).decode()
    return {"Authorization": f"Basic {token}", **VERSION_HEADERS[version]}


@dataclass
class Platform:
    """Calls as MX's Python SDK makes them; each success is checked against MX's document, and the operations
    answered are remembered (`seen`) so a test can show it covered them all."""

    http: Http
    client_id: str = "platform-client"
    api_key: str = "key"
    seen: set[str] = field(default_factory=set)
    version: str = "v20111101"

    def call(self, method: str, path: str, json: Any = None, expect: int | None = None, **headers: str) -> Reply:
        sent = {**basic(self.client_id, self.api_key, self.version), **headers}
        if json is not None:
            sent["Content-Type"] = "application/json"
        r = self.http.request(method, path, json=json, headers=sent)
        if expect is not None:
            assert r.status == expect, (method, path, r.status, r.json)
        judge = mx_document.DOCUMENTS[self.version]
        if 200 <= r.status < 300:
            op = judge.operation_for(method, path)
            body = r.json if r.status != 204 else None
            found = judge.problems(op, r.status, r.content_type, body)
            assert not found, found
            self.seen.add(op)
        else:
            assert r.json["error"]["message"], r.json  # MX's error body: {"error": {"message": ...}}
            if self.version == "v20250224":  # and v20250224's status and type beside it
                assert set(r.json["error"]) == {"message", "status", "type"}, r.json
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
        """v20111101: `skip_aggregation`; v20250224 has none (every create starts its products' job): use
        `created()` there to name the products."""
        if self.version != "v20111101":
            assert not skip, "v20250224 has no skip_aggregation"
            return self.created(user_guid, password, code, expect=202, **extra)
        body = {"member": {**self._member_fields(password, code), "skip_aggregation": skip, **extra}}
        r = self.post(f"/users/{user_guid}/members", json=body)
        assert r.status == (200 if skip else 202), r.json
        return r.json["member"]

    def created(
        self, user: str, password: str, code: str = "mxbank", products: list[str] | None = None, expect: int = 202,
        **extra: Any,
    ) -> dict:  # fmt: skip
        """v20250224's create member, with `data_request.products` when `products` is given."""
        body: dict[str, Any] = {"member": {**self._member_fields(password, code), **extra}}
        if products is not None:
            body["data_request"] = {"products": products}
        return self.post(f"/users/{user}/members", json=body, expect=expect).json["member"]

    def _member_fields(self, password: str, code: str) -> dict:
        credentials = self.get(f"/institutions/{code}/credentials", expect=200).json["credentials"]
        values = {"LOGIN": "mxuser", "PASSWORD": password}
        return {
            "institution_code": code,
            "credentials": [{"guid": c["guid"], "value": values[c["field_name"]]} for c in credentials],
        }

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

    def walk_accounts_and_jobs(self, u: str, m: str, numbers: list[dict], g: str | None = None) -> None:
        """A verified member's account reads (masked numbers: the full ones are `numbers`), a nickname, then
        its identify, aggregate and check_balance jobs: the part of each version's every-operation walk that
        both versions take alike. `u` and `m` name the user and member; `g` is the user's guid, for the one
        path v20250224 names by guid only (v20111101 names every user by guid: `u`)."""
        g = g or u
        accounts = self.get(f"/users/{u}/accounts", expect=200).json["accounts"]
        a = accounts[0]["guid"]
        assert {n["account_guid"] for n in numbers} == {account["guid"] for account in accounts}
        assert len(accounts[0]["account_number"]) == 4  # account reads are masked; numbers come from account_numbers
        self.get(f"/users/{g}/accounts/{a}", expect=200)
        self.get(f"/users/{u}/accounts/{a}/account_numbers", expect=200)
        self.get(f"/users/{u}/members/{m}/accounts", expect=200)
        self.get(f"/users/{u}/members/{m}/accounts/{a}", expect=200)
        updated = self.put(f"/users/{u}/members/{m}/accounts/{a}", json={"account": {"nickname": "Bills"}}, expect=200)
        assert updated.json["account"]["nickname"] == "Bills"
        self.post(f"/users/{u}/members/{m}/identify", expect=202)
        self.finish(u, m)
        owners = self.get(f"/users/{u}/members/{m}/account_owners", expect=200).json["account_owners"]
        assert owners and owners[0]["owner_name"]
        for job in ("aggregate", "check_balance"):
            self.post(f"/users/{u}/members/{m}/{job}", expect=202)
            self.finish(u, m)


def _answer_for(challenge: dict, value: str) -> str:
    """The option whose value is `value` for OPTIONS / IMAGE_OPTIONS, the text itself otherwise."""
    options = challenge.get("options") or challenge.get("image_options") or []
    return next((o["value"] for o in options if o["value"] == value), value)
