"""The records the emulator keeps. Plain dataclasses: the store holds them, the web layer renders them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mocknexus.domain.core import causes
from mocknexus.domain.core.statuses import ConnectionStatus

# A member's timeline keeps its most recent changes only, so a member polled for days stays small.
STATUS_HISTORY_LIMIT = 100


@dataclass
class User:
    guid: str
    id: str | None  # the partner's own id (MDX `id`, Nexus `external_guid`); a Platform user may have none
    created_at: datetime
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None
    birthdate: str | None = None
    credit_score: int | None = None
    gender: str | None = None
    zip_code: str | None = None
    metadata: str | None = None
    is_disabled: bool = False
    logged_in_at: datetime | None = None
    revision: int = 1
    member_guids: list[str] = field(default_factory=list)


@dataclass
class ApiToken:
    token: str
    user_guid: str
    issued_at: datetime
    expires_at: datetime
    used: bool = False


@dataclass
class Session:
    token: str
    user_guid: str
    created_at: datetime
    last_used_at: datetime
    never_expires: bool = False  # MX's static `test_session`


@dataclass
class Challenge:
    """One MFA question issued to a member; `answer` is what the scenario accepts and is never rendered."""

    guid: str
    type: str
    label: str
    field_name: str
    answer: str
    options: list[dict] = field(default_factory=list)
    image_data: str | None = None
    image_options: list[dict] = field(default_factory=list)


@dataclass
class Job:
    """A running or finished aggregation or verification: where it is in its scenario."""

    guid: str
    type: str  # JobType value
    scenario: str
    started_at: datetime
    starting_status: ConnectionStatus  # shown by steps that name no status of their own
    step_index: int = 0
    step_started_at: datetime | None = None
    step_polls: int = 0
    challenges: list[Challenge] = field(default_factory=list)
    finished_at: datetime | None = None
    outcome_applied: bool = False  # accounts / account numbers produced once the job has finished
    detail_code: int | None = None  # MX's most_recent_job_detail_code (1000: no verifiable accounts)
    # From the call that started the job: its webhooks echo X-CALLBACK-PAYLOAD, or are not sent (MX-Skip-Webhook).
    callback_payload: str | None = None
    skip_webhooks: bool = False
    # What an aggregation brought in (its AGGREGATION / HISTORY webhook's counts); a background one is MX's own.
    transactions_created_count: int = 0
    transactions_updated_count: int = 0
    is_background: bool = False


@dataclass(frozen=True)
class StatusChange:
    """One entry of a member's timeline: the status it entered, when by the emulator's clock, and the request
    during which the change happened (a job moves lazily, so that is the request that observed it). Never
    changed once made (frozen): a store that hands out copies shares it (store/postgres_decoded.py)."""

    status: ConnectionStatus
    at: datetime
    aggregating: bool  # whether a job was running: CONNECTED while re-aggregating differs from CONNECTED done
    job_guid: str | None = None
    request_id: int | None = None  # the request journal's entry id; None for the control plane or no request
    request: str | None = None  # "METHOD /path", kept so the cause stays readable after the journal forgets it


@dataclass
class DeclaredOwner:
    """An account owner declared as test data (domain/declared/declared.py): what account_owners returns for it."""

    owner_name: str
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    phone: str | None = None
    address: str | None = None
    city: str | None = None
    state: str | None = None
    postal_code: str | None = None
    country: str | None = None


@dataclass
class Account:
    guid: str
    member_guid: str
    user_guid: str
    name: str
    type: str
    subtype: str | None
    balance: float
    available_balance: float
    currency_code: str
    account_number: str
    routing_number: str
    institution_number: str | None = None
    transit_number: str | None = None
    passed_validation: bool = True
    numbers_verified: bool = False  # account numbers are readable only after a verification
    owners_identified: bool = False  # account owners are readable only after an identification
    nickname: str | None = None
    is_hidden: bool = False
    is_closed: bool = False
    created_at: datetime | None = None
    updated_at: datetime | None = None
    declared: bool = False  # declared as test data: its owners are the declared ones (perhaps none)
    id: str | None = None  # MX's "partner-defined identifier for the account": a declared account may carry one
    declared_owners: list[DeclaredOwner] = field(default_factory=list)
    # A card's or loan's terms (domain/data/profiles.py): None for a deposit account.
    credit_limit: float | None = None
    apr: float | None = None
    interest_rate: float | None = None
    original_balance: float | None = None


@dataclass
class OAuthState:
    """An OAuth member's side of the bank's consent: how its end is reported, and where the window stands.

    MX documents the options (create member / oauth_window_uri); the record's shape is mocknexus's own.
    """

    pending_since: datetime  # when the member entered PENDING (it is removed an hour later if never completed)
    referral_source: str = "BROWSER"  # BROWSER: the complete page posts to its opener; APP: a redirect
    client_redirect_url: str | None = None  # APP only: where MX redirects at the end
    ui_message_webview_url_scheme: str | None = None  # APP only: `{scheme}://oauth_complete?...` instead
    enable_app2app: bool = True  # MX: affects Chase only; kept and shown, changes nothing here
    skip_aggregation: bool = False  # no aggregation after a successful consent
    window_token: str | None = None  # the current oauth_window_uri's one-time token
    window_issued_at: datetime | None = None
    window_expires_at: datetime | None = None
    window_opened_at: datetime | None = None  # the consent page was shown
    window_used_at: datetime | None = None  # Authorize or Deny was pressed (or an outcome was forced)
    outcome: str | None = None  # SUCCESS, or an error reason (CANCELLED, DENIED, ...)
    outcome_at: datetime | None = None
    applies_at: datetime | None = None  # when the bank's answer reaches the member (a scenario may delay it)
    applied: bool = False


@dataclass
class Member:
    guid: str
    user_guid: str
    institution_guid: str
    institution_code: str
    name: str
    credentials: dict[str, str]  # credential guid -> value as the user typed it
    scenario: str
    created_at: datetime
    data_seed: str  # what generated data for this member is seeded from (stable across runs)
    connection_status: ConnectionStatus = ConnectionStatus.CREATED
    aggregated_at: datetime | None = None
    successfully_aggregated_at: datetime | None = None
    background_aggregation_is_disabled: bool = False
    external_guid: str | None = None
    metadata: str | None = None
    is_oauth: bool = False
    is_user_created: bool = True
    is_managed_by_user: bool = False
    use_cases: list[str] = field(default_factory=lambda: ["PFM"])
    job: Job | None = None
    account_guids: list[str] = field(default_factory=list)
    failed_logins: int = 0  # consecutive DENIED jobs; the third makes the member PREVENTED, as at MX
    revision: int = 0  # G21's `revision`: one more for every change a client makes (update, a new job)
    status_history: list[StatusChange] = field(default_factory=list)
    status_serial: int = 0  # how many timeline entries were ever made (the timeline itself is capped)
    announced_serial: int = 0  # how many of them have had their webhooks raised
    oauth: OAuthState | None = None  # set for a member created with is_oauth

    def __post_init__(self) -> None:
        # A new member; or one from a snapshot that predates timelines, whose first entry then names the
        # request that first read it back.
        if not self.status_history:
            self.note_status(self.created_at)

    def note_status(self, at: datetime) -> None:
        """Record the current status in the timeline if it (or whether a job runs) changed since the last entry."""
        last = self.status_history[-1] if self.status_history else None
        if last is not None and (last.status, last.aggregating) == (self.connection_status, self.is_being_aggregated):
            return
        ref = causes.current()
        self.status_history.append(
            StatusChange(
                status=self.connection_status,
                at=at,
                aggregating=self.is_being_aggregated,
                job_guid=self.job.guid if self.job else None,
                request_id=ref.id if ref else None,
                request=ref.label if ref else None,
            )
        )
        del self.status_history[:-STATUS_HISTORY_LIMIT]
        self.status_serial += 1

    @property
    def is_being_aggregated(self) -> bool:
        return self.job is not None and self.job.finished_at is None

    @property
    def most_recent_job_guid(self) -> str | None:
        return self.job.guid if self.job else None

    @property
    def challenges(self) -> list[Challenge]:
        if self.connection_status is ConnectionStatus.CHALLENGED and self.is_being_aggregated:
            return self.job.challenges  # type: ignore[union-attr]
        return []


@dataclass
class WidgetUrl:
    """A Connect widget URL's one-time token (see `widget_urls`): for whom, with which options, and whether used."""

    token: str
    user_guid: str
    user_id: str | None  # the partner's id: what MX answers as `user_id` (a Platform user may have none)
    widget_type: str
    options: dict[str, Any]  # the configuration options, as validated by the web layer
    issued_at: datetime
    expires_at: datetime
    used: bool = False
    session_guid: str | None = None  # set when opened; every Connect event carries it
