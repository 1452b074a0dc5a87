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

import urllib.parse
from collections.abc import Callable
from typing import Any, TypeVar

from mocknexus import admin_types as t
from mocknexus.client_http import NEXUS_MEDIA_TYPE, AdminError, WaitTimeout
from mocknexus.client_http import http_call as _http
from mocknexus.client_http import quote as _q
from mocknexus.nexus_session import MX_BANK, MX_BANK_OAUTH, NexusSession, open_session

__all__ = [
    "CONTROL_PLANE", "MX_BANK", "MX_BANK_OAUTH", "NEXUS_MEDIA_TYPE", "AdminClient", "AdminError", "NexusSession",
    "WaitTimeout", "open_session",
]  # fmt: skip

F = TypeVar("F", bound=Callable[..., Any])
# The control plane as the client sees it: (method, route under /__admin/ as the server writes it) -> the
# AdminClient method that calls it. A route under /clients/<client_id>/ is the same operation on one client's
# world (AdminClient(client_id=...)). tests/control/test_admin_client.py holds it equal to the server's routes.
CONTROL_PLANE: dict[tuple[str, str], str] = {}


def operation(method: str, route: str) -> Callable[[F], F]:
    """Declare the control-plane route an AdminClient method calls."""

    def mark(func: F) -> F:
        CONTROL_PLANE[(method, route)] = func.__name__
        return func

    return mark


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
    @operation("GET", "/clients")
    def clients(self) -> list[t.ClientSummary]:
        """Every client id's world, with counts of its users, members, faults and requests (every page)."""
        found: list[dict] = []
        page = 1
        while True:
            body = self._call("GET", f"/clients?page={page}&records_per_page=1000", scoped=False)
            found += body["clients"]
            if page >= body.get("pagination", {}).get("total_pages", 1):
                return found
            page += 1

    @operation("DELETE", "/clients/<client_id>")
    def forget_client(self, client_id: str | None = None) -> None:
        """Drop a client id's world altogether (its state, clock, faults and journal)."""
        client_id = client_id or self.client_id
        if client_id is None:
            raise ValueError("forget_client needs a client id")
        self._call("DELETE", f"/clients/{_q(client_id)}", scoped=False)

    # ---- waits
    @operation("GET", "/members/<guid>/wait")
    def wait_for_member(self, member_guid: str, status: str = "END", timeout: float = 5.0) -> t.Member:
        """Block until the member reaches `status` (a connection_status; `END`: any end state with its job
        over; or several comma-separated), and return it; WaitTimeout after `timeout` seconds."""
        query = urllib.parse.urlencode({"status": status, "timeout": timeout})
        return self._wait(f"/members/{_q(member_guid)}/wait?{query}", timeout)["member"]

    @operation("GET", "/requests/wait")
    def wait_for_requests(
        self, method: str | None = None, path: str | None = None, count: int = 1, timeout: float = 5.0
    ) -> list[t.JournalEntry]:
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
    @operation("GET", "/health")
    def health(self) -> t.Health:
        return self._call("GET", "/health", scoped=False)

    @operation("POST", "/reset")
    def reset(self, user_id: str | None = None) -> None:
        self._call("POST", "/reset", {"user_id": user_id} if user_id else {})

    @operation("GET", "/state")
    def state(self) -> t.Snapshot:
        return self._call("GET", "/state")

    @operation("PUT", "/state")
    def load_state(self, state: dict) -> None:
        self._call("PUT", "/state", state)

    @operation("GET", "/scenarios")
    def scenarios(self) -> list[t.Scenario]:
        return self._call("GET", "/scenarios")["scenarios"]

    @operation("POST", "/scenarios")
    def upload_scenarios(self, scenarios: dict[str, dict]) -> list[t.Scenario]:
        """Scenarios for this client id alone: name -> scenario in the fixture files' format."""
        if self.client_id is None:
            raise ValueError("scenarios are uploaded to a client id: AdminClient(..., client_id=...)")
        return self._call("POST", "/scenarios", {"scenarios": scenarios})["scenarios"]

    @operation("DELETE", "/scenarios/<name>")
    def remove_scenario(self, name: str) -> None:
        self._call("DELETE", f"/scenarios/{_q(name)}")

    # ---- members
    @operation("POST", "/members/<guid>/scenario")
    def drive_member(self, member_guid: str, scenario: str | None = None, start: str | None = None) -> t.Member:
        """Give a member a scenario; `start` ("VERIFICATION" or "AGGREGATION") also starts a job now."""
        body = {"scenario": scenario, "start": start}
        return self._call("POST", f"/members/{_q(member_guid)}/scenario", body)["member"]

    @operation("POST", "/members/<guid>/status")
    def set_status(self, member_guid: str, connection_status: str) -> t.Member:
        return self._call("POST", f"/members/{_q(member_guid)}/status", {"connection_status": connection_status})[
            "member"
        ]

    @operation("POST", "/members/<guid>/oauth")
    def complete_oauth(self, member_guid: str, outcome: str = "SUCCESS", delay_seconds: float = 0) -> t.OAuthCompletion:
        """End an OAuth member's consent with `outcome` (SUCCESS, CANCELLED, DENIED, IMPEDED, PROVIDER_ERROR,
        SERVER_ERROR, SESSION_ERROR), the bank's answer landing `delay_seconds` later by the clock, as the
        consent page would: {"member", "oauth": {"post_message", "redirect_url", ...}} (docs/oauth.md)."""
        body = {"outcome": outcome, "delay_seconds": delay_seconds}
        return self._call("POST", f"/members/{_q(member_guid)}/oauth", body)

    @operation("POST", "/members/<guid>/finish")
    def finish_job(self, member_guid: str) -> t.Member:
        return self._call("POST", f"/members/{_q(member_guid)}/finish")["member"]

    # ---- micro-deposits and declared accounts
    @operation("GET", "/micro_deposits/<guid>")
    def micro_deposit(self, guid: str) -> t.MicroDeposit:
        """A micro-deposit with what MX never shows: `deposit_amount_1`, `deposit_amount_2`, `attempts`."""
        return self._call("GET", f"/micro_deposits/{_q(guid)}")["micro_deposit"]

    @operation("POST", "/micro_deposits/<guid>/status")
    def set_micro_deposit(
        self, guid: str, status: str | None = None, amounts: tuple[float, float] | None = None
    ) -> t.MicroDeposit:
        """Force a micro-deposit's status (any of MX's) and/or the two amounts that verify it."""
        body: dict[str, Any] = {"status": status} if status else {}
        if amounts is not None:
            body.update(deposit_amount_1=amounts[0], deposit_amount_2=amounts[1])
        return self._call("POST", f"/micro_deposits/{_q(guid)}/status", body)["micro_deposit"]

    @operation("POST", "/test_accounts")
    def declare_accounts(self, declaration: dict) -> t.TestAccount:
        """Accounts a successful job finds for a user id and/or credential values (docs/microdeposits.md)."""
        if self.client_id is None:
            raise ValueError("accounts are declared for a client id: AdminClient(..., client_id=...)")
        return self._call("POST", "/test_accounts", declaration)["test_account"]

    # ---- the data plane (docs/data.md)
    @operation("POST", "/members/<member_guid>/transactions")
    def add_transactions(self, member_guid: str, account_guid: str, transactions: list[dict]) -> list[str]:
        """Add transactions to a member's account (MX's fields: description, amount, type, status PENDING or
        POSTED, transacted_at, ...): they show at its next aggregation. Returns their guids."""
        body = {"account_guid": account_guid, "transactions": transactions}
        return self._client_call("POST", f"/members/{member_guid}/transactions", body)["transactions"]

    @operation("POST", "/members/<member_guid>/transactions/<guid>/post")
    def post_transaction(self, member_guid: str, transaction_guid: str, amount: float | None = None) -> None:
        """Post a pending transaction added by hand: POSTED (at `amount`, if given) at the next aggregation."""
        body = {} if amount is None else {"amount": amount}
        self._client_call("POST", f"/members/{member_guid}/transactions/{transaction_guid}/post", body)

    @operation("GET", "/members/<member_guid>/data")
    def member_data(self, member_guid: str) -> t.MemberData:
        """The member's accounts and newest transactions, as the partner sees them."""
        return self._client_call("GET", f"/members/{_q(member_guid)}/data")

    @operation("GET", "/data_settings")
    @operation("PUT", "/data_settings")
    def data_settings(self, **changes: Any) -> t.DataSettings:
        """A world's data settings; `limits` ("institution", "on", "off"), `background_aggregation` change them."""
        if changes:
            return self._client_call("PUT", "/data_settings", changes)["data_settings"]
        return self._client_call("GET", "/data_settings")["data_settings"]

    def _client_call(self, method: str, path: str, body: dict | None = None) -> dict:
        if self.client_id is None:
            raise ValueError("the data plane is a client id's: AdminClient(..., client_id=...)")
        return self._call(method, path, body)

    # ---- clock
    @operation("GET", "/clock")
    def clock(self) -> t.Clock:
        return self._call("GET", "/clock")

    @operation("POST", "/clock/advance")
    def advance_clock(self, seconds: float) -> t.Clock:
        return self._call("POST", "/clock/advance", {"seconds": seconds})

    @operation("POST", "/clock/freeze")
    def freeze_clock(self, at: str | None = None) -> t.Clock:
        return self._call("POST", "/clock/freeze", {"at": at} if at else {})

    @operation("POST", "/clock/unfreeze")
    def unfreeze_clock(self) -> t.Clock:
        return self._call("POST", "/clock/unfreeze")

    # ---- faults
    @operation("POST", "/faults")
    def add_fault(self, path: str, **spec: Any) -> t.Fault:
        """`spec`: method, status, message, latency_ms, drop, probability, count."""
        return self._call("POST", "/faults", {"path": path, **spec})["fault"]

    @operation("GET", "/faults")
    def faults(self) -> list[t.Fault]:
        return self._call("GET", "/faults")["faults"]

    @operation("DELETE", "/faults/<fault_id>")
    def remove_fault(self, fault_id: str) -> None:
        self._call("DELETE", f"/faults/{_q(fault_id)}")

    @operation("DELETE", "/faults")
    def clear_faults(self) -> None:
        self._call("DELETE", "/faults")

    # ---- journal
    @operation("GET", "/requests")
    def requests(
        self,
        method: str | None = None,
        path: str | None = None,
        status: int | None = None,
        limit: int | None = None,
        client_id: str | None = None,
    ) -> list[t.JournalEntry]:
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

    @operation("DELETE", "/requests")
    def clear_requests(self) -> None:
        self._call("DELETE", "/requests")

    # ---- webhooks (this client id's, or the server's default for every client without its own)
    @operation("PUT", "/webhooks")
    def configure_webhooks(self, url: str | None = None, **config: Any) -> t.WebhookConfig:
        """Subscribe: `url` for every type, or `urls={"CONNECTION_STATUS": ...}`; `basic_auth={"username",
        "password"}` or `oauth2={"token_url", "client_id", "client_secret"}`. Returns it, secrets masked."""
        return self._call("PUT", "/webhooks", {**({"url": url} if url else {}), **config})

    @operation("GET", "/webhooks")
    def webhook_config(self) -> t.WebhookConfig:
        return self._call("GET", "/webhooks")

    @operation("DELETE", "/webhooks")
    def remove_webhooks(self) -> t.WebhookConfig:
        return self._call("DELETE", "/webhooks")

    @operation("GET", "/webhooks/deliveries")
    def deliveries(
        self, type: str | None = None, member_guid: str | None = None, status: str | None = None
    ) -> list[t.Delivery]:
        """The outbox, oldest first: every event with its attempts (filters: type, member, status)."""
        query = {k: v for k, v in {"type": type, "member_guid": member_guid, "status": status}.items() if v}
        suffix = "?" + urllib.parse.urlencode(query) if query else ""
        return self._call("GET", "/webhooks/deliveries" + suffix)["deliveries"]

    @operation("GET", "/webhooks/wait")
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

    @operation("POST", "/webhooks/deliveries/<delivery_id>/redeliver")
    def redeliver(self, delivery_id: str) -> t.Delivery:
        return self._call("POST", f"/webhooks/deliveries/{_q(delivery_id)}/redeliver")["delivery"]

    @operation("POST", "/members/<guid>/webhooks")
    def fire_webhook(self, member_guid: str, type: str) -> list[t.Delivery]:
        """Send a webhook of `type` for the member's current state now (the deliveries it made)."""
        return self._call("POST", f"/members/{_q(member_guid)}/webhooks", {"type": type})["deliveries"]

    # ---- what the inspector reads
    @operation("GET", "/members")
    def members(self, limit: int | None = None) -> list[t.InspectedMember]:
        """Members, newest first, with their job progress, challenges (no answers) and timeline."""
        suffix = f"?limit={limit}" if limit is not None else ""
        return self._call("GET", "/members" + suffix)["members"]

    @operation("GET", "/sessions")
    def sessions(self) -> list[t.Session]:
        """Sessions and api tokens with their expiry by the emulated clock (tokens masked)."""
        return self._call("GET", "/sessions")["credentials"]

    @operation("GET", "/openapi.json")
    def openapi(self) -> dict[str, Any]:
        """This server's OpenAPI document (every API it serves, the control plane included)."""
        return self._call("GET", "/openapi.json", scoped=False)

    # ---- test data
    @operation("GET", "/test_accounts")
    def test_accounts(self) -> list[t.TestAccount]:
        """The accounts declared for this client id, and the fixture files'."""
        return self._call("GET", "/test_accounts")["test_accounts"]

    @operation("DELETE", "/test_accounts/<name>")
    def remove_test_accounts(self, name: str) -> None:
        self._call("DELETE", f"/test_accounts/{_q(name)}")

    @operation("GET", "/webhooks/deliveries/<delivery_id>")
    def delivery(self, delivery_id: str) -> t.Delivery:
        """One delivery of the outbox, with its attempts."""
        return self._call("GET", f"/webhooks/deliveries/{_q(delivery_id)}")["delivery"]

    def _call(
        self, method: str, path: str, body: Any = None, *, scoped: bool = True, http_timeout: float | None = None
    ) -> Any:
        headers = {"Authorization": f"Bearer {self.admin_token}"} if self.admin_token else {}
        if scoped and self.client_id is not None:
            path = f"/clients/{_q(self.client_id)}{path}"
        return _http(method, self.base_url + "/__admin" + path, body, headers, http_timeout or self.timeout)
