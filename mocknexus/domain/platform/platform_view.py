"""How an emulated member reads through MX's Platform API: the mapping from the domain's statuses and jobs
to the Platform's `connection_status`, job and status fields, in one place (the schemas only place them).

The Platform API names MX's connection statuses exactly as Nexus does (the same 22 names, MX's
connect-widget `Statuses.js`), but carries no `connection_status_id`; its member also names the partner's
user `id` (`user_id`), which a member record does not hold (`member_view`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mocknexus.domain.core.models import Member
from mocknexus.domain.core.statuses import ConnectionStatus, JobType

PLATFORM_USE_CASES = ("MONEY_MOVEMENT", "PFM")  # MX's enum for `use_cases` (its Python SDK refuses others)
# A member is past its institution's login in these states (INFERRED: MX's guide shows a CHALLENGED member
# with is_authenticated false; a connected one has logged in).
_AUTHENTICATED = (ConnectionStatus.CONNECTED, ConnectionStatus.RECONNECTED)


def member_view(member: Member, user_id: str | None) -> Member:
    """A member as the Platform API shows it: the record plus its user's partner `id` (`user_id`), on a
    shallow copy (the stored record is not touched; plain attributes keep the hot read fast)."""
    view = object.__new__(Member)
    view.__dict__.update(member.__dict__)
    view.user_id = user_id  # type: ignore[attr-defined]
    return view


@dataclass(frozen=True)
class MemberStatus:
    """`GET /users/{u}/members/{m}/status`: where the member's connection and data stand."""

    member: Member
    has_processed_accounts: bool
    has_processed_account_numbers: bool

    def __getattr__(self, name: str) -> Any:
        return getattr(self.member, name)


def connection_status(member: Member) -> str:
    return member.connection_status.name


def status_message(member: Member) -> str | None:
    return member.connection_status.message_for(member.name) or None


def job_detail_code(member: Member) -> int | None:
    """1000 NO_VERIFIABLE_ACCOUNTS when the last verification connected but found no account numbers."""
    job = member.job
    if job is None or job.finished_at is None or job.type != JobType.VERIFICATION.value:
        return None
    return job.detail_code


def use_cases(member: Member) -> list[str]:
    return [case for case in member.use_cases if case in PLATFORM_USE_CASES]


def oauth_window_uri(member: Member) -> str | None:
    """None for a member that does not connect through OAuth (MX answers such members the same way)."""
    return getattr(member, "oauth_window_uri", None) if member.is_oauth else None


def is_authenticated(member: Member) -> bool:
    return member.connection_status in _AUTHENTICATED


def has_processed_transactions(member: Member) -> bool:
    """mocknexus generates no transactions; a successful aggregation has processed what there was."""
    return member.successfully_aggregated_at is not None


def option(challenge_option: dict, key: str) -> str | None:
    value = challenge_option.get(key)
    return None if value is None else str(value)
