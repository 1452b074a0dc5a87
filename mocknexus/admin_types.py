"""What the control plane answers, typed for AdminClient's callers (TypedDicts: the JSON as it comes, with
its keys named for editors and type checkers). The server's marshmallow schemas (apis/admin/schemas/) are the
source of each shape; these name the keys a test reads (every one is `total=False`: a key may be added)."""

from __future__ import annotations

from typing import Any, TypedDict


class Health(TypedDict, total=False):
    status: str
    version: str


class ClientSummary(TypedDict, total=False):
    client_id: str
    created_at: str
    now: str
    frozen: bool
    users: int
    members: int
    faults: int
    requests: int


class Clock(TypedDict, total=False):
    now: str
    frozen: bool


class Fault(TypedDict, total=False):
    id: str
    path: str
    method: str
    status: int | None
    message: str | None
    latency_ms: int
    drop: bool
    probability: float
    count: int | None
    hits: int
    client_id: str | None


class JournalEntry(TypedDict, total=False):
    id: int
    at: str
    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: Any
    status: int
    duration_ms: float
    fault: str | None
    client_id: str | None


class Member(TypedDict, total=False):
    """A member as the control plane answers it (Nexus's member fields)."""

    guid: str
    user_guid: str
    institution_guid: str
    connection_status: str
    is_being_aggregated: bool
    is_oauth: bool
    most_recent_job_guid: str | None


class InspectedMember(TypedDict, total=False):
    """A member as the inspector reads it: with its job, challenges and timeline."""

    guid: str
    user_guid: str
    connection_status: str
    job: dict[str, Any] | None
    challenges: list[dict[str, Any]]
    status_history: list[dict[str, Any]]
    oauth: dict[str, Any] | None


class OAuthCompletion(TypedDict, total=False):
    member: Member
    oauth: dict[str, Any]  # outcome, post_message, redirect_url, ...


class Scenario(TypedDict, total=False):
    name: str
    description: str
    end: str
    steps: int


class MicroDeposit(TypedDict, total=False):
    guid: str
    status: int
    status_name: str
    deposit_amount_1: float
    deposit_amount_2: float
    attempts: int
    user_guid: str
    member_guid: str | None
    account_guid: str | None


class TestAccount(TypedDict, total=False):
    name: str
    user_id: str | None
    credentials: dict[str, str] | None
    institution_code: str | None
    accounts: list[dict[str, Any]]


class WebhookConfig(TypedDict, total=False):
    source: str  # client, server or none
    config: dict[str, Any] | None


class Attempt(TypedDict, total=False):
    number: int
    at: str
    url: str
    headers: dict[str, str]
    status_code: int | None
    latency_ms: float
    error: str | None
    next_attempt_at: str | None


class Delivery(TypedDict, total=False):
    id: str
    client_id: str | None
    type: str
    member_guid: str | None
    user_guid: str | None
    url: str
    payload: dict[str, Any]
    status: str  # pending, delivered, failed, skipped
    attempts: list[Attempt]
    next_attempt_at: str | None
    redelivery_of: str | None


class Session(TypedDict, total=False):
    """A session or an api token."""

    kind: str  # session, api_token
    token: str  # masked: **** and its last four characters
    client_id: str | None
    user_guid: str
    user_id: str | None
    issued_at: str
    last_used_at: str | None
    expires_at: str | None
    state: str  # active, expired, used


class Snapshot(TypedDict, total=False):
    """GET /__admin/state: the whole server's (`clients`) or one client id's (`client_id`, its tables)."""

    version: int
    clock: str
    client_id: str
    clients: list[dict[str, Any]]
    users: list[dict[str, Any]]
    members: list[dict[str, Any]]
    secrets: str  # masked, unless ?reveal=true


class MemberData(TypedDict, total=False):
    accounts: list[dict[str, Any]]
    transactions: list[dict[str, Any]]


class DataSettings(TypedDict, total=False):
    """A world's data settings (apis/admin/schemas: the keys in force)."""
