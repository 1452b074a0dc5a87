"""Small Python clients, standard library only: the control plane (/__admin/), and a helper that opens
a Nexus session the way a client's first three calls do.

admin = AdminClient("http://127.0.0.1:8080")
admin.reset()
admin.advance_clock(601)
admin.add_fault("/members/*/verify", method="POST", status=503, count=2)

Every MX client id is its own world: `AdminClient(url, client_id="ci-42")` (or `admin.for_client("ci-42")`)
acts on that client alone; without a client id, on the whole server.

ci = AdminClient("http://127.0.0.1:8080", client_id="ci-42")
ci.wait_for_member(member_guid, "CHALLENGED", timeout=5)   # the member, or WaitTimeout (408)
"""

from __future__ import annotations

import json
import secrets
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

NEXUS_MEDIA_TYPE = "application/vnd.mx.nexus.v1+json"


class AdminError(Exception):
    """A call answered with an error status; `body` is MX's error object."""

    def __init__(self, status: int, body: Any) -> None:
        super().__init__(f"HTTP {status}: {body}")
        self.status = status
        self.body = body


class WaitTimeout(AdminError):
    """A server-side wait gave up (HTTP 408); `body` holds the error and the state at that moment
    (`body["member"]`, or `body["requests"]` matched so far)."""


MX_BANK = "INS-1572a04c-912b-59bf-5841-332c7dfafaef"  # MX's MX Bank (bundled: fixtures/)
MX_BANK_OAUTH = "INS-68e96dd6-eabd-42d3-9f05-416897f0746c"  # MX's MX Bank (Oauth)


@dataclass(frozen=True)
class NexusSession:
    """A user with an open Nexus session, as a client under test would hold it."""

    base_url: str
    user_id: str
    user_guid: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"MD-SESSION-TOKEN": self.token, "Accept": NEXUS_MEDIA_TYPE, "Content-Type": NEXUS_MEDIA_TYPE}

    def call(self, method: str, path: str, body: Any = None) -> Any:
        """Any Nexus call with this session (`path` from the root, e.g. "/micro_deposits"): the parsed answer;
        AdminError (status, body) for a 4xx or 5xx."""
        return _http(method, self.base_url + path, body, self.headers)

    def create_member(
        self,
        password: str = "password",
        username: str = "mxuser",
        institution_guid: str = MX_BANK,
        skip_aggregation: bool = True,
    ) -> dict:
        """A member at the institution (MX Bank by default) logged in with `username` and `password` (MX Bank's
        passwords and the Scenario Bank's choose a scenario: README), as a Nexus client creates one."""
        base = f"{self.base_url}/institutions/{_q(institution_guid)}"
        fields = _http("GET", f"{base}/credentials", None, self.headers)["credentials"]
        values = {"LOGIN": username, "PASSWORD": password}  # by the credential's type (MX's LOGIN, PASSWORD)
        credentials = [{"guid": f["guid"], "value": values.get(f.get("type") or "", password)} for f in fields]
        body = {"member": {"institution_guid": institution_guid, "skip_aggregation": skip_aggregation}}
        body["member"]["credentials"] = credentials
        return _http("POST", f"{self.base_url}/members", body, self.headers)["member"]

    def create_oauth_member(self, institution_guid: str = MX_BANK_OAUTH, **options: Any) -> dict:
        """A PENDING OAuth member (MX Bank (Oauth) by default) with its `oauth_window_uri`; `options` are MX's
        create-member options (referral_source, client_redirect_url, ...). End its consent with
        `AdminClient.complete_oauth` (or open the URI in a browser)."""
        body = {"member": {"institution_guid": institution_guid, "is_oauth": True}, **options}
        return _http("POST", f"{self.base_url}/members", body, self.headers)["member"]


def open_session(
    base_url: str,
    user_id: str | None = None,
    skip_aggregation: bool = True,
    client_id: str = "mocknexus",
    api_key: str = "mocknexus",
) -> NexusSession:
    """Create a user (MDX), get it an api_token (SSO) and open a Nexus session: the flow's first three calls."""
    base_url = base_url.rstrip("/")
    user_id = user_id or f"user-{secrets.token_hex(6)}"
    key = {"MD-API-KEY": api_key}
    created = _http("POST", f"{base_url}/{_q(client_id)}/users.json", {"user": {"id": user_id}}, key)
    token = _http("GET", f"{base_url}/{_q(client_id)}/users/{_q(user_id)}/api_token.json", None, key)
    opened = _http(
        "POST", f"{base_url}/sessions", {"session": {"skip_aggregation": skip_aggregation}},
        {"MD-API-TOKEN": token["api_token"]["token"]},
    )  # fmt: skip
    return NexusSession(base_url, user_id, created["user"]["guid"], opened["session"]["token"])


class AdminClient:
    def __init__(
        self, base_url: str, admin_token: str | None = None, timeout: float = 10.0, client_id: str | None = None
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.admin_token = admin_token
        self.timeout = timeout
        self.client_id = client_id  # None: the whole server

    def for_client(self, client_id: str | None) -> AdminClient:
        """The same server, addressed as one client id's world (None: the whole server)."""
        return AdminClient(self.base_url, self.admin_token, self.timeout, client_id)

    # ---- client ids (server-wide)
    def clients(self) -> list[dict]:
        """Every client id's world, with counts of its users, members, faults and requests (every page)."""
        found: list[dict] = []
        page = 1
        while True:
            body = self._call("GET", f"/clients?page={page}&records_per_page=1000", scoped=False)
            found += body["clients"]
            if page >= body.get("pagination", {}).get("total_pages", 1):
                return found
            page += 1

    def forget_client(self, client_id: str | None = None) -> None:
        """Drop a client id's world altogether (its state, clock, faults and journal)."""
        client_id = client_id or self.client_id
        if client_id is None:
            raise ValueError("forget_client needs a client id")
        self._call("DELETE", f"/clients/{_q(client_id)}", scoped=False)

    # ---- waits
    def wait_for_member(self, member_guid: str, status: str = "END", timeout: float = 5.0) -> dict:
        """Block until the member reaches `status` (a connection_status; `END`: any end state with its job
        over; or several comma-separated), and return it; WaitTimeout after `timeout` seconds."""
        query = urllib.parse.urlencode({"status": status, "timeout": timeout})
        return self._wait(f"/members/{_q(member_guid)}/wait?{query}", timeout)["member"]

    def wait_for_requests(
        self, method: str | None = None, path: str | None = None, count: int = 1, timeout: float = 5.0
    ) -> list[dict]:
        """Block until the journal holds `count` requests matching `method` and the `path` glob; return them
        (newest first); WaitTimeout after `timeout` seconds."""
        query = {k: v for k, v in {"method": method, "path": path, "count": count, "timeout": timeout}.items() if v}
        return self._wait("/requests/wait?" + urllib.parse.urlencode(query), timeout)["requests"]

    def _wait(self, path: str, timeout: float) -> Any:
        try:
            return self._call("GET", path, http_timeout=max(self.timeout, timeout + 10))
        except AdminError as exc:
            if exc.status == 408:
                raise WaitTimeout(exc.status, exc.body) from None
            raise

    # ---- state
    def health(self) -> dict:
        return self._call("GET", "/health", scoped=False)

    def reset(self, user_id: str | None = None) -> None:
        self._call("POST", "/reset", {"user_id": user_id} if user_id else {})

    def state(self) -> dict:
        return self._call("GET", "/state")

    def load_state(self, state: dict) -> None:
        self._call("PUT", "/state", state)

    def scenarios(self) -> list[dict]:
        return self._call("GET", "/scenarios")["scenarios"]

    def upload_scenarios(self, scenarios: dict[str, dict]) -> list[dict]:
        """Scenarios for this client id alone: name -> scenario in the fixture files' format."""
        if self.client_id is None:
            raise ValueError("scenarios are uploaded to a client id: AdminClient(..., client_id=...)")
        return self._call("POST", "/scenarios", {"scenarios": scenarios})["scenarios"]

    def remove_scenario(self, name: str) -> None:
        self._call("DELETE", f"/scenarios/{_q(name)}")

    # ---- members
    def drive_member(self, member_guid: str, scenario: str | None = None, start: str | None = None) -> dict:
        """Give a member a scenario; `start` ("VERIFICATION" or "AGGREGATION") also starts a job now."""
        body = {"scenario": scenario, "start": start}
        return self._call("POST", f"/members/{_q(member_guid)}/scenario", body)["member"]

    def set_status(self, member_guid: str, connection_status: str) -> dict:
        return self._call("POST", f"/members/{_q(member_guid)}/status", {"connection_status": connection_status})[
            "member"
        ]

    def complete_oauth(self, member_guid: str, outcome: str = "SUCCESS", delay_seconds: float = 0) -> dict:
        """End an OAuth member's consent with `outcome` (SUCCESS, CANCELLED, DENIED, IMPEDED, PROVIDER_ERROR,
        SERVER_ERROR, SESSION_ERROR), the bank's answer landing `delay_seconds` later by the clock, as the
        consent page would: {"member", "oauth": {"post_message", "redirect_url", ...}} (docs/oauth.md)."""
        body = {"outcome": outcome, "delay_seconds": delay_seconds}
        return self._call("POST", f"/members/{_q(member_guid)}/oauth", body)

    def finish_job(self, member_guid: str) -> dict:
        return self._call("POST", f"/members/{_q(member_guid)}/finish")["member"]

    # ---- micro-deposits and declared accounts
    def micro_deposit(self, guid: str) -> dict:
        """A micro-deposit with what MX never shows: `deposit_amount_1`, `deposit_amount_2`, `attempts`."""
        return self._call("GET", f"/micro_deposits/{_q(guid)}")["micro_deposit"]

    def set_micro_deposit(
        self, guid: str, status: str | None = None, amounts: tuple[float, float] | None = None
    ) -> dict:
        """Force a micro-deposit's status (any of MX's) and/or the two amounts that verify it."""
        body: dict[str, Any] = {"status": status} if status else {}
        if amounts is not None:
            body.update(deposit_amount_1=amounts[0], deposit_amount_2=amounts[1])
        return self._call("POST", f"/micro_deposits/{_q(guid)}/status", body)["micro_deposit"]

    def declare_accounts(self, declaration: dict) -> dict:
        """Accounts a successful job finds for a user id and/or credential values (docs/microdeposits.md)."""
        if self.client_id is None:
            raise ValueError("accounts are declared for a client id: AdminClient(..., client_id=...)")
        return self._call("POST", "/test_accounts", declaration)["test_account"]

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
        self,
        method: str | None = None,
        path: str | None = None,
        status: int | None = None,
        limit: int | None = None,
        client_id: str | None = None,
    ) -> list[dict]:
        """The journal, newest first (server-wide: every client's; `client_id` picks one)."""
        query = {
            k: v
            for k, v in {
                "method": method,
                "path": path,
                "status": status,
                "limit": limit,
                "client_id": client_id,
            }.items()
            if v is not None
        }
        suffix = "?" + urllib.parse.urlencode(query) if query else ""
        return self._call("GET", "/requests" + suffix)["requests"]

    def clear_requests(self) -> None:
        self._call("DELETE", "/requests")

    # ---- webhooks (this client id's, or the server's default for every client without its own)
    def configure_webhooks(self, url: str | None = None, **config: Any) -> dict:
        """Subscribe: `url` for every type, or `urls={"CONNECTION_STATUS": ...}`; `basic_auth={"username",
        "password"}` or `oauth2={"token_url", "client_id", "client_secret"}`. Returns it, secrets masked."""
        return self._call("PUT", "/webhooks", {**({"url": url} if url else {}), **config})

    def webhook_config(self) -> dict:
        return self._call("GET", "/webhooks")

    def remove_webhooks(self) -> dict:
        return self._call("DELETE", "/webhooks")

    def deliveries(self, type: str | None = None, member_guid: str | None = None, status: str | None = None) -> list:
        """The outbox, oldest first: every event with its attempts (filters: type, member, status)."""
        query = {k: v for k, v in {"type": type, "member_guid": member_guid, "status": status}.items() if v}
        suffix = "?" + urllib.parse.urlencode(query) if query else ""
        return self._call("GET", "/webhooks/deliveries" + suffix)["deliveries"]

    def wait_for_deliveries(
        self, type: str | None = None, member_guid: str | None = None, status: str | None = None,
        count: int = 1, timeout: float = 5.0, attempts: int = 0,
    ) -> list[dict]:  # fmt: skip
        """Block until the outbox holds `count` matching deliveries (status `delivered`: the receiver took
        them; `attempts`: with at least that many attempts made); WaitTimeout after `timeout` seconds."""
        fields = {"type": type, "member_guid": member_guid, "status": status, "count": count, "timeout": timeout}
        fields["attempts"] = attempts
        query = urllib.parse.urlencode({k: v for k, v in fields.items() if v})
        return self._wait("/webhooks/wait?" + query, timeout)["deliveries"]

    def redeliver(self, delivery_id: str) -> dict:
        return self._call("POST", f"/webhooks/deliveries/{_q(delivery_id)}/redeliver")["delivery"]

    def fire_webhook(self, member_guid: str, type: str) -> list[dict]:
        """Send a webhook of `type` for the member's current state now (the deliveries it made)."""
        return self._call("POST", f"/members/{_q(member_guid)}/webhooks", {"type": type})["deliveries"]

    def _call(
        self, method: str, path: str, body: Any = None, *, scoped: bool = True, http_timeout: float | None = None
    ) -> Any:
        headers = {"Authorization": f"Bearer {self.admin_token}"} if self.admin_token else {}
        if scoped and self.client_id is not None:
            path = f"/clients/{_q(self.client_id)}{path}"
        return _http(method, self.base_url + "/__admin" + path, body, headers, http_timeout or self.timeout)


def _http(method: str, url: str, body: Any, headers: dict[str, str], timeout: float = 10.0) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers={"Accept": "application/json", **headers})
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw = response.read()
    except urllib.error.HTTPError as exc:
        raise AdminError(exc.code, _parse(exc.read())) from None
    return _parse(raw)


def _q(segment: str) -> str:
    return urllib.parse.quote(segment, safe="")


def _parse(raw: bytes) -> Any:
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return raw.decode("utf-8", "replace")
