"""OAuth members: created PENDING with a one-time `oauth_window_uri`, ended by the bank's consent page.

MX's facts (docs.mx.com OAuth guides for browsers and mobile apps, the Nexus create-member and
oauth_window_uri pages, MX's connect-widget source):
- `is_oauth: true` at an institution that supports OAuth, with no credentials, creates a member PENDING
  with an `oauth_window_uri`; the URI is one-time. `GET .../oauth_window_uri` gives a fresh one.
- At the end MX's "OAuth complete" page posts `oauthComplete/success` (member guid) or `oauthComplete/error`
  with a reason: CANCELLED (the user cancelled or exited), DENIED (could not authenticate at the provider),
  IMPEDED (action needed at the provider's site), PROVIDER_ERROR, SERVER_ERROR, SESSION_ERROR (the last
  name from the widget's `OauthState.ReadableErrorReason`). With referral_source APP MX redirects to
  `client_redirect_url` (or `{scheme}://oauth_complete?...`) with the status and the member guid.
- After a successful consent the member aggregates, unless `skip_aggregation`.

INFERRED (MX does not document them): the member's status after each error reason (`STATUS_AFTER`), the
window's lifetime (ten minutes, as a widget URL's), and that a PENDING member never completed is removed
after an hour (issue 17's statement of MX's behaviour).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from mocknexus.domain.core.errors import ErrorKind, MXError, not_found
from mocknexus.domain.core.models import Member, OAuthState
from mocknexus.domain.core.state import EmulatorState
from mocknexus.domain.core.statuses import ConnectionStatus, JobType
from mocknexus.domain.core.tables import MEMBERS, OAUTH_WINDOWS
from mocknexus.domain.members import jobs

WINDOW_TTL = timedelta(minutes=10)  # INFERRED: MX says one-time, not for how long
PENDING_LIFETIME = timedelta(hours=1)
NO_OAUTH = "Member cannot use OAuth"  # MX's 400 (Atrium and Nexus oauth_window_uri pages)
REFERRAL_SOURCES = ("BROWSER", "APP")


class OAuthOutcome(Enum):
    """How an OAuth window ends: SUCCESS, or one of the reasons MX's complete page posts."""

    SUCCESS = "SUCCESS"
    CANCELLED = "CANCELLED"
    DENIED = "DENIED"
    IMPEDED = "IMPEDED"
    PROVIDER_ERROR = "PROVIDER_ERROR"
    SERVER_ERROR = "SERVER_ERROR"
    SESSION_ERROR = "SESSION_ERROR"

    @property
    def is_error(self) -> bool:
        return self is not OAuthOutcome.SUCCESS

    @classmethod
    def names(cls) -> list[str]:
        return [o.name for o in cls]


# INFERRED, each: MX's widget retries a cancelled OAuth with the same PENDING member and a fresh URI, so a
# cancel (or an expired window's SESSION_ERROR) leaves the member PENDING; the other reasons name an MX
# connection status of the same meaning (a provider or server error: FAILED, "a problem ... try again later").
STATUS_AFTER: dict[OAuthOutcome, ConnectionStatus | None] = {
    OAuthOutcome.CANCELLED: None,
    OAuthOutcome.SESSION_ERROR: None,
    OAuthOutcome.DENIED: ConnectionStatus.DENIED,
    OAuthOutcome.IMPEDED: ConnectionStatus.IMPEDED,
    OAuthOutcome.PROVIDER_ERROR: ConnectionStatus.FAILED,
    OAuthOutcome.SERVER_ERROR: ConnectionStatus.FAILED,
}


@dataclass(frozen=True)
class OAuthOptions:
    """What create member and oauth_window_uri take besides the member (MX: top-level request fields)."""

    referral_source: str = "BROWSER"
    client_redirect_url: str | None = None
    ui_message_webview_url_scheme: str | None = None
    enable_app2app: bool = True
    skip_aggregation: bool = False


class OAuthWindowError(Exception):
    """Why a consent page cannot be used: shown to the end user on an error page."""

    def __init__(self, title: str, message: str, status: int, member: Member | None = None) -> None:
        super().__init__(message)
        self.title, self.message, self.status = title, message, status
        self.member = member  # known for an expired or used window: its opener can still be told


@dataclass(frozen=True)
class Ending:
    """What the consent page's end reports, and how (the web layer renders it)."""

    member_guid: str
    outcome: OAuthOutcome
    state: OAuthState


@dataclass(frozen=True)
class OAuthView:
    """An OAuth member's consent as the inspector shows it, by the emulated clock."""

    state: OAuthState
    window: str  # unused, opened, used or expired (or none: no window issued)
    removed_at: datetime | None  # when MX's hour removes the member if it is still PENDING

    def __getattr__(self, name: str) -> object:
        return getattr(self.state, name)


def describe(member: Member, now: datetime) -> OAuthView | None:
    state = member.oauth
    if state is None:
        return None
    if state.window_token is None:
        window = "none"
    elif state.window_used_at is not None:
        window = "used"
    elif state.window_expires_at is not None and now >= state.window_expires_at:
        window = "expired"
    else:
        window = "opened" if state.window_opened_at else "unused"
    pending = member.connection_status is ConnectionStatus.PENDING
    return OAuthView(state, window, state.pending_since + PENDING_LIFETIME if pending else None)


@dataclass
class OAuthAdvanced:
    moved: list[str] = field(default_factory=list)  # members whose bank's answer landed
    removed: list[str] = field(default_factory=list)  # members removed after MX's hour
    next_due: datetime | None = None  # the earliest clock time more of this work falls due


def _oauth_due(member: Member) -> list[datetime]:
    state = member.oauth
    assert state is not None
    due = []
    if not state.applied and state.applies_at is not None:
        due.append(state.applies_at)
    if member.connection_status is ConnectionStatus.PENDING:
        due.append(state.pending_since + PENDING_LIFETIME)
    return due


class OAuthMembers(EmulatorState):
    """The OAuth operations (a mixin of the emulator, beside `members`)."""

    def start_oauth(self, member: Member, options: OAuthOptions, now: datetime) -> None:
        """Make a just-created member an OAuth one: PENDING, with its first window."""
        _check_options(options)
        member.is_oauth = True
        member.connection_status = ConnectionStatus.PENDING
        member.status_history.clear()
        member.note_status(now)
        member.oauth = OAuthState(pending_since=now)
        self._issue_window(member, options, now)

    def request_oauth_window(self, user_guid: str, member_guid: str, options: OAuthOptions) -> Member:
        """A fresh one-time URI for an OAuth member (the previous one stops working)."""
        with self.store.transaction():
            member = self._member_of(user_guid, member_guid)
            if not member.is_oauth or member.oauth is None:
                raise MXError(ErrorKind.BAD_REQUEST, NO_OAUTH)
            _check_options(options)
            self._issue_window(member, options, self.clock.now())
            self._save_member(member)
            return member

    def open_window(self, token: str) -> tuple[Member, OAuthState]:
        """The consent page is shown: the window must be unused and unexpired."""
        with self.store.transaction():
            member, state = self._window(token)
            state.window_opened_at = state.window_opened_at or self.clock.now()
            self._save_member(member)
            return member, state

    def answer_window(self, token: str, authorize: bool) -> Ending:
        """Authorize or Deny on the consent page: the window is spent; the bank's answer (the member's
        scenario's `oauth_answer`) reaches the member now or after the scenario's delay."""
        with self.store.transaction():
            member, _ = self._window(token)
            scenario = self.catalog.scenarios[member.scenario]
            if not authorize:
                return self._end(member, OAuthOutcome.CANCELLED, 0.0)
            return self._end(member, OAuthOutcome[scenario.oauth_answer], scenario.oauth_answer_seconds)

    def force_oauth_outcome(self, member_guid: str, outcome: OAuthOutcome, delay_seconds: float = 0.0) -> Ending:
        """The control plane's way through the consent page: end the member's window with any outcome."""
        with self.store.transaction():
            member = self.any_member(member_guid)
            if member.oauth is None:
                raise MXError(ErrorKind.CONFLICT, "The member is not an OAuth member.")
            return self._end(member, outcome, delay_seconds)

    def advance_oauth(self) -> OAuthAdvanced:
        """What the clock alone does to OAuth members (control.background runs it with no request): a bank's
        delayed answer lands, and a member left PENDING past MX's hour is removed."""
        result = OAuthAdvanced()
        with self.store.transaction():
            for shared in list(self.store.shared_values(MEMBERS)):  # looked at, not changed: most are not OAuth
                if shared.oauth is None:
                    continue
                member = self.store.get(MEMBERS, shared.guid)  # a copy of its own, to change
                if member is None or member.oauth is None:
                    continue
                state = member.oauth
                if self._removed_if_abandoned(member):
                    result.removed.append(member.guid)
                    continue
                if not state.applied and self._advance(member, by_clock=True):
                    result.moved.append(member.guid)
                for due in _oauth_due(member):
                    result.next_due = due if result.next_due is None else min(result.next_due, due)
        return result

    def oauth_window_member(self, token: str) -> Member | None:
        """The member a window token belongs to (used or not), for error pages that still tell the opener."""
        guid = self.store.get(OAUTH_WINDOWS, token)
        member = self.store.get(MEMBERS, guid) if guid else None
        return member if member is not None and member.oauth is not None else None

    # ---- internals --------------------------------------------------------------------------------------

    def _issue_window(self, member: Member, options: OAuthOptions, now: datetime) -> None:
        state = member.oauth
        assert state is not None
        self._drop_window(state)
        token = secrets.token_urlsafe(32)
        state.referral_source = options.referral_source
        state.client_redirect_url = options.client_redirect_url
        state.ui_message_webview_url_scheme = options.ui_message_webview_url_scheme
        state.enable_app2app = options.enable_app2app
        state.skip_aggregation = options.skip_aggregation
        state.window_token, state.window_issued_at, state.window_expires_at = token, now, now + WINDOW_TTL
        state.window_opened_at = state.window_used_at = None
        state.outcome = state.outcome_at = state.applies_at = None
        state.applied = False
        self.store.put(OAUTH_WINDOWS, token, member.guid)
        self.owners.bind(token)  # the consent page, opened with the token alone, finds this client's world

    def _drop_window(self, state: OAuthState) -> None:
        if state.window_token:
            self.store.delete(OAUTH_WINDOWS, state.window_token)
            self.owners.unbind(state.window_token)

    def _window(self, token: str) -> tuple[Member, OAuthState]:
        guid = self.store.get(OAUTH_WINDOWS, token)
        member = self.store.get(MEMBERS, guid) if guid else None
        if member is None or member.oauth is None or self._removed_if_abandoned(member):
            raise OAuthWindowError("This link is not valid", "No OAuth window has this address.", 404)
        member = self._settled(member)
        state = member.oauth
        assert state is not None
        if state.window_used_at is not None:
            raise OAuthWindowError(
                "This link has already been used",
                "OAuth window URIs work once. Ask the app to start the connection again.",
                410,
                member,
            )
        if self.clock.now() >= state.window_expires_at:  # type: ignore[operator]
            raise OAuthWindowError(
                "This link has expired",
                "OAuth window URIs expire ten minutes after they are issued. Ask the app for a new one.",
                410,
                member,
            )
        return member, state

    def _end(self, member: Member, outcome: OAuthOutcome, delay_seconds: float) -> Ending:
        state = member.oauth
        assert state is not None
        now = self.clock.now()
        state.window_used_at = state.window_used_at or now
        state.outcome, state.outcome_at = outcome.name, now
        state.applies_at = now + timedelta(seconds=max(0.0, delay_seconds))
        state.applied = False
        member = self._settled(member)
        self._save_member(member)
        return Ending(member.guid, outcome, state)

    def _settle_oauth(self, member: Member) -> bool:
        """Apply the bank's answer once the clock has reached it (called whenever the member is touched)."""
        state = member.oauth
        assert state is not None
        if state.applied or state.applies_at is None or self.clock.now() < state.applies_at:
            return False
        state.applied = True
        at = state.applies_at
        outcome = OAuthOutcome[state.outcome]  # type: ignore[misc]
        if STATUS_AFTER.get(outcome, ConnectionStatus.CONNECTED) is not None:
            jobs.abandon(member, at)  # a new consent (or its failure) ends whatever job ran
        if outcome is OAuthOutcome.SUCCESS:
            if state.skip_aggregation:
                member.connection_status = ConnectionStatus.CONNECTED
                member.note_status(at)
            else:
                self._start_job(member, JobType.AGGREGATION, at)
        elif (status := STATUS_AFTER[outcome]) is not None:
            member.connection_status = status
            member.note_status(at)
        return True

    def _abandoned(self, member: Member) -> bool:
        """An OAuth member left PENDING for MX's hour (INFERRED timing, see the module docstring)."""
        state = member.oauth
        return (
            state is not None
            and member.connection_status is ConnectionStatus.PENDING
            and not member.is_being_aggregated
            and (state.applies_at is None or state.applied)
            and self.clock.now() >= state.pending_since + PENDING_LIFETIME
        )

    def _member_of(self, user_guid: str, member_guid: str) -> Member:
        member: Member | None = self.store.get(MEMBERS, member_guid)
        if member is None or member.user_guid != user_guid or self._removed_if_abandoned(member):
            raise not_found("Member")
        return self._settled(member)


def _check_options(options: OAuthOptions) -> None:
    # MX: client_redirect_url and ui_message_webview_url_scheme are "only available with referral_source=APP";
    # with BROWSER they are kept and unused (MX documents no refusal).
    if options.referral_source not in REFERRAL_SOURCES:
        raise MXError(ErrorKind.BAD_REQUEST, "referral_source must be BROWSER or APP.")


# MX's ending for an APP referral: the query appended to the partner's redirect or the WebView scheme.
def ending_params(member_guid: str, outcome: OAuthOutcome) -> list[tuple[str, str]]:
    if outcome is OAuthOutcome.SUCCESS:
        return [("status", "success"), ("member_guid", member_guid)]
    # The error's key is INFERRED: MX's guide says the reason is appended; the widget calls it error_reason.
    return [("status", "error"), ("member_guid", member_guid), ("error_reason", outcome.name)]


def app_redirect(state: OAuthState, member_guid: str, outcome: OAuthOutcome) -> str | None:
    """Where an APP referral goes at the end: the WebView scheme's `oauth_complete`, else the redirect URL."""
    if state.referral_source != "APP":
        return None
    params = ending_params(member_guid, outcome)
    if state.ui_message_webview_url_scheme:
        return f"{state.ui_message_webview_url_scheme}://oauth_complete?{urlencode(params)}"
    if state.client_redirect_url:
        parts = urlsplit(state.client_redirect_url)
        query = urlencode([*parse_qsl(parts.query, keep_blank_values=True), *params])
        return urlunsplit(parts._replace(query=query))
    return None  # APP with nowhere to go: the complete page, as for a browser
