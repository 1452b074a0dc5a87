"""A small Python client for the control plane (/__admin/), standard library only.

admin = AdminClient("http://127.0.0.1:8080")
admin.reset()
admin.advance_clock(601)
admin.add_fault("/members/*/verify", method="POST", status=503, count=2)
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any


class AdminError(Exception):
    def __init__(self, status: int, body: Any) -> None:
        super().__init__(f"HTTP {status}: {body}")
        self.status = status
        self.body = body


class AdminClient:
    def __init__(self, base_url: str, admin_token: str | None = None, timeout: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.admin_token = admin_token
        self.timeout = timeout

    # ---- state
    def health(self) -> dict:
        return self._call("GET", "/health")

    def reset(self, user_id: str | None = None) -> None:
        self._call("POST", "/reset", {"user_id": user_id} if user_id else {})

    def state(self) -> dict:
        return self._call("GET", "/state")

    def load_state(self, state: dict) -> None:
        self._call("PUT", "/state", state)

    def scenarios(self) -> list[dict]:
        return self._call("GET", "/scenarios")["scenarios"]

    # ---- members
    def drive_member(self, member_guid: str, scenario: str | None = None, start: str | None = None) -> dict:
        """Give a member a scenario; `start` ("VERIFICATION" or "AGGREGATION") also starts a job now."""
        body = {"scenario": scenario, "start": start}
        return self._call("POST", f"/members/{_q(member_guid)}/scenario", body)["member"]

    def set_status(self, member_guid: str, connection_status: str) -> dict:
        return self._call("POST", f"/members/{_q(member_guid)}/status", {"connection_status": connection_status})[
            "member"
        ]

    def finish_job(self, member_guid: str) -> dict:
        return self._call("POST", f"/members/{_q(member_guid)}/finish")["member"]

    # ---- clock
    def clock(self) -> dict:
        return self._call("GET", "/clock")

    def advance_clock(self, seconds: float) -> dict:
        return self._call("POST", "/clock/advance", {"seconds": seconds})

    def freeze_clock(self, at: str | None = None) -> dict:
        return self._call("POST", "/clock/freeze", {"at": at} if at else {})

    def unfreeze_clock(self) -> dict:
        return self._call("POST", "/clock/unfreeze")

    # ---- faults
    def add_fault(self, path: str, **spec: Any) -> dict:
        """`spec`: method, status, message, latency_ms, drop, probability, count."""
        return self._call("POST", "/faults", {"path": path, **spec})["fault"]

    def faults(self) -> list[dict]:
        return self._call("GET", "/faults")["faults"]

    def remove_fault(self, fault_id: str) -> None:
        self._call("DELETE", f"/faults/{_q(fault_id)}")

    def clear_faults(self) -> None:
        self._call("DELETE", "/faults")

    # ---- journal
    def requests(
        self, method: str | None = None, path: str | None = None, status: int | None = None, limit: int | None = None
    ) -> list[dict]:
        query = {
            k: v for k, v in {"method": method, "path": path, "status": status, "limit": limit}.items() if v is not None
        }
        suffix = "?" + urllib.parse.urlencode(query) if query else ""
        return self._call("GET", "/requests" + suffix)["requests"]

    def clear_requests(self) -> None:
        self._call("DELETE", "/requests")

    def _call(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base_url + "/__admin" + path, data=data, method=method)
        request.add_header("Accept", "application/json")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if self.admin_token:
            request.add_header("Authorization", f"Bearer {self.admin_token}")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                raw = response.read()
        except urllib.error.HTTPError as exc:
            raw = exc.read()
            raise AdminError(exc.code, _parse(raw)) from None
        return _parse(raw)


def _q(segment: str) -> str:
    return urllib.parse.quote(segment, safe="")


def _parse(raw: bytes) -> Any:
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return raw.decode("utf-8", "replace")
