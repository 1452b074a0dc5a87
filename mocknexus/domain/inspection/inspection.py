"""Read-only views for the inspector: members with their user, institution, job progress and timeline, and
sessions and api tokens with their expiry by the emulator's clock. Nothing here changes the state beyond
settling jobs to the clock, which every read does."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from mocknexus.domain.core.models import Challenge, Member, User
from mocknexus.domain.core.state import EmulatorState
from mocknexus.domain.core.tables import API_TOKENS, MEMBERS, SESSIONS, USERS
from mocknexus.domain.members import jobs
from mocknexus.domain.oauth import oauth


@dataclass(frozen=True)
class MemberView:
    member: Member
    client_id: str | None  # the MX client id whose world the member lives in
    user_id: str | None
    institution_name: str
    progress: jobs.Progress | None
    challenges: list[Challenge]
    oauth: oauth.OAuthView | None = None  # an OAuth member's consent: pending since, the window's state

    def __getattr__(self, name: str) -> object:
        # Everything else is the member's own (guid, connection_status, job, status_history, ...).
        return getattr(self.member, name)


@dataclass(frozen=True)
class CredentialView:
    """A session or an api token. `token` is the secret itself: the rendering schema masks it."""

    kind: str  # "session" or "api_token"
    token: str
    client_id: str | None
    user_guid: str
    user_id: str | None
    issued_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None  # None: never (MX's static test_session)
    state: str  # "active", "expired", or (an api token traded for a session) "used"


def members(emu: EmulatorState, limit: int) -> list[MemberView]:
    """The newest `limit` members, settled to the clock."""
    with emu.store.transaction():
        newest = sorted(emu.store.values(MEMBERS), key=lambda m: (m.created_at, m.guid), reverse=True)[:limit]
        users: dict[str, User | None] = {}  # members share users: read each once
        views = []
        for member in newest:
            member = emu._settled(member)
            if member.user_guid not in users:
                users[member.user_guid] = emu.store.get(USERS, member.user_guid)
            user = users[member.user_guid]
            institution = emu.catalog.institutions.get(member.institution_guid)
            views.append(
                MemberView(
                    member=member,
                    client_id=emu.client_id,
                    user_id=user.id if user else None,
                    institution_name=institution.name if institution else member.name,
                    progress=jobs.progress(member, emu._scenario(member), emu.settings.job_time_scale),
                    challenges=list(member.challenges),
                    oauth=oauth.describe(member, emu.clock.now()),
                )
            )
        return views


def holds_members(emu: EmulatorState) -> bool:
    """Whether `members` would find any: server-wide reads skip the (many) worlds without, allocating nothing."""
    return bool(emu.store.count(MEMBERS))


def holds_credentials(emu: EmulatorState) -> bool:
    """Whether `credentials` would find any (a cheap count, as `holds_members`)."""
    return bool(emu.store.count(SESSIONS) or emu.store.count(API_TOKENS))


def credentials(emu: EmulatorState) -> list[CredentialView]:
    """Every session and api token, newest first, with its expiry as the emulator's clock sees it."""
    now, client = emu.clock.now(), emu.client_id
    with emu.store.transaction():
        user_ids = {u.guid: u.id for u in emu.store.values(USERS)}
        views = []
        for s in emu.store.values(SESSIONS):
            expires = None if s.never_expires else s.last_used_at + emu.settings.session_ttl
            state = "active" if expires is None or now < expires else "expired"
            user_id = user_ids.get(s.user_guid)
            views.append(
                CredentialView(
                    "session", s.token, client, s.user_guid, user_id, s.created_at, s.last_used_at, expires, state
                )
            )
        for t in emu.store.values(API_TOKENS):
            state = "used" if t.used else ("active" if now < t.expires_at else "expired")
            views.append(
                CredentialView(
                    "api_token",
                    t.token,
                    client,
                    t.user_guid,
                    user_ids.get(t.user_guid),
                    t.issued_at,
                    None,
                    t.expires_at,
                    state,
                )
            )
    return sorted(views, key=lambda v: (v.issued_at, v.kind), reverse=True)
