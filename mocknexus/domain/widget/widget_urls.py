"""Connect widget URLs: one-time tokens that open the widget page for a user, in the same world as the APIs.

MX: "Each URL contains an embedded token that expires after ten minutes or when used, whichever comes
first." Opening one gives the page a Nexus session for the user, made the way a partner makes one (an SSO
api_token traded for a session), so everything the widget then does goes through the Nexus API: magic
credentials, scenarios, the clock, faults and the journal apply to it exactly as to a partner's own calls.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

from mocknexus.domain.core.clock import Clock
from mocknexus.domain.core.errors import ErrorKind, MXError
from mocknexus.domain.core.ids import new_guid
from mocknexus.domain.core.models import ApiToken, Session, User, WidgetUrl
from mocknexus.domain.core.owners import TokenOwners
from mocknexus.domain.core.tables import WIDGET_URLS
from mocknexus.store import Store

WIDGET_URL_TTL = timedelta(minutes=10)

# Every widget type MX's web SDK can request (src/sso/widget_configuration.ts); mocknexus serves the first.
CONNECT_WIDGET = "connect_widget"
WIDGET_TYPES = (
    CONNECT_WIDGET, "accounts_widget", "budgets_widget", "connections_widget", "debts_widget", "finstrong_widget",
    "goals_widget", "help_widget", "master_widget", "mini_budgets_widget", "mini_finstrong_widget",
    "mini_pulse_carousel_widget", "mini_spending_widget", "pulse_widget", "settings_widget", "spending_widget",
    "transactions_widget", "trends_widget",
)  # fmt: skip


class WidgetUrlError(Exception):
    """Why a widget URL cannot be opened: shown to the end user on the widget's error page."""

    def __init__(self, title: str, message: str, gone: bool = True) -> None:
        super().__init__(message)
        self.title = title
        self.message = message
        self.gone = gone  # used or expired (HTTP 410), rather than never issued (404)


@dataclass(frozen=True)
class OpenedWidget:
    url: WidgetUrl
    session: Session  # the Nexus session the page calls the API with
    user: User


class Identity(Protocol):
    """What the widget needs of the emulator's users: `domain.users.Identity`."""

    store: Store
    clock: Clock
    owners: TokenOwners

    def find_user(self, identifier: str) -> User: ...

    def issue_api_token_for(self, user: User) -> ApiToken: ...

    def open_session(self, api_token: str, skip_aggregation: bool) -> Session: ...


class WidgetUrls:
    """Issue and open widget URLs over the emulator (kept apart from it: a concern of its own)."""

    def __init__(self, emulator: Identity, ttl: timedelta = WIDGET_URL_TTL) -> None:
        self.emulator = emulator
        self.ttl = ttl

    def issue(self, user_identifier: str, widget_type: str, options: dict[str, Any]) -> WidgetUrl:
        """A URL for the user by guid or partner id (SSO's `{user_id}`)."""
        with self.emulator.store.transaction():
            return self.issue_for(self.emulator.find_user(user_identifier), widget_type, options)

    def issue_for(self, user: User, widget_type: str, options: dict[str, Any]) -> WidgetUrl:
        """A URL for a user the caller found already (the Platform API's path)."""
        if widget_type != CONNECT_WIDGET:
            raise MXError(ErrorKind.BAD_REQUEST, f"mocknexus emulates the connect_widget only, not the {widget_type}.")
        store = self.emulator.store
        with store.transaction():
            now = self.emulator.clock.now()
            token = secrets.token_urlsafe(32)
            url = WidgetUrl(token, user.guid, user.id, widget_type, dict(options), now, now + self.ttl)
            self._save(url)
            self.emulator.owners.bind(token)  # the page, opened with the token alone, finds this client's world
            return url

    def open(self, token: str) -> OpenedWidget:
        """Use the token (once) and open a Nexus session for its user."""
        store = self.emulator.store
        with store.transaction():
            url = self.peek(token)
            now = self.emulator.clock.now()
            if url.used:
                raise WidgetUrlError(
                    "This link has already been used", "Widget URLs work once. Ask the app for a new one."
                )
            if now >= url.expires_at:
                raise WidgetUrlError("This link has expired", "Widget URLs expire after ten minutes.")
            user = self.emulator.find_user(url.user_guid)
            # Connect does not aggregate on load (MX: "except for the connect_widget"): skip_aggregation.
            token = self.emulator.issue_api_token_for(user).token
            session = self.emulator.open_session(token, skip_aggregation=True)
            url.used = True
            url.session_guid = new_guid("SES")
            self._save(url)
            return OpenedWidget(url, session, user)

    def peek(self, token: str) -> WidgetUrl:
        url: WidgetUrl | None = self.emulator.store.get(WIDGET_URLS, token)
        if url is None:
            raise WidgetUrlError("This link is not valid", "No widget URL has this token.", gone=False)
        return url

    def _save(self, url: WidgetUrl) -> None:
        self.emulator.store.put(WIDGET_URLS, url.token, url)
