"""What a user's bank-data APIs do, declared once: the interface Nexus and MX's Platform API both call.

Operations are keyed by user: `user_guid` is MX's guid of the user the call acts for. How a call finds
its user is the API's business: Nexus authenticates its session (MD-SESSION-TOKEN) and passes the
session's user; the Platform API names the user in its paths (`/users/{user_guid}/members/{member_guid}`).
Either way the same operation runs. A member or account of another user is as absent as one that never
existed (MX's 404), so passing a user is also how every operation is scoped.

Two worlds satisfy it: `service.Emulator` (a client id's state) and `static_members.StaticMembers` (MX's
read-only static test members behind `test_session`). tests/api/test_operations.py checks both against it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from mocknexus.domain.catalog.catalog import Institution
from mocknexus.domain.core.datagen import AccountOwner
from mocknexus.domain.core.models import Account, Challenge, Member, User
from mocknexus.domain.core.pagination import Page
from mocknexus.domain.core.statuses import JobType
from mocknexus.domain.oauth.oauth import OAuthOptions

Answers = list[dict[str, str]]  # [{"guid": challenge or credential guid, "value": ...}]


@dataclass
class MemberChanges:
    """What an update-member call may change; None leaves a field as it is."""

    credentials: list[dict[str, str]] | None = None
    challenges: list[dict[str, str]] | None = None
    skip_aggregation: bool = False
    name: str | None = None
    metadata: str | None = None
    external_guid: str | None = None
    background_aggregation_is_disabled: bool | None = None


class UserOperations(Protocol):
    """Institutions (shared by every user), and one user's members, jobs, MFA and accounts."""

    # ---- institutions ----------------------------------------------------------------------------------

    def search_institutions(
        self,
        name: str | None,
        url: str | None,
        countries: list[str] | None,
        page: int | None,
        per_page: int | None,
        supports: tuple[str, ...] = (),
    ) -> tuple[list[Institution], Page]: ...

    def read_institution(self, guid: str) -> Institution: ...

    # ---- the user ---------------------------------------------------------------------------------------

    def get_user(self, user_guid: str) -> User:
        """The user with this guid; MX's 404 if there is none."""
        ...

    # ---- members and their jobs ---------------------------------------------------------------------------

    def list_members(self, user_guid: str, page: int | None, per_page: int | None) -> tuple[list[Member], Page]: ...

    def create_member(
        self,
        user_guid: str,
        institution_guid: str,
        credentials: Answers,
        skip_aggregation: bool = False,
        name: str | None = None,
        metadata: str | None = None,
        external_guid: str | None = None,
        background_aggregation_is_disabled: bool = False,
        is_oauth: bool = False,
        oauth: OAuthOptions | None = None,
    ) -> Member:
        """With `is_oauth`: no credentials; the member is PENDING with a one-time OAuth window (`oauth`'s
        options: referral source, redirect URL, WebView scheme)."""
        ...

    def read_member(self, user_guid: str, member_guid: str, poll: bool = True) -> Member:
        """A client's read of a member; `poll` counts it toward the running step's minimum number of reads."""
        ...

    def update_member(self, user_guid: str, member_guid: str, changes: MemberChanges) -> Member: ...

    def delete_member(self, user_guid: str, member_guid: str) -> None: ...

    def resume_member(self, user_guid: str, member_guid: str, challenges: Answers) -> Member: ...

    def list_challenges(self, user_guid: str, member_guid: str) -> list[Challenge]: ...

    def request_oauth_window(self, user_guid: str, member_guid: str, options: OAuthOptions) -> Member:
        """A fresh one-time OAuth window for an OAuth member (MX's 400 "Member cannot use OAuth" otherwise)."""
        ...

    def start_job(self, user_guid: str, member_guid: str, job_type: JobType) -> tuple[Member, bool]:
        """Verify, identify or aggregate: (member, started); not started means one of the same type runs."""
        ...

    # ---- accounts, account numbers and owners -----------------------------------------------------------

    def list_accounts(self, user_guid: str, member_guid: str | None = None) -> list[Account]: ...

    def read_account(self, user_guid: str, account_guid: str) -> Account: ...

    def update_account(
        self, user_guid: str, account_guid: str, nickname: str | None, is_hidden: bool | None
    ) -> Account: ...

    def account_numbers(self, user_guid: str, member_guid: str) -> list[Account]: ...

    def account_numbers_for_account(self, user_guid: str, account_guid: str) -> list[Account]: ...

    def account_owners(self, user_guid: str, member_guid: str) -> list[AccountOwner]: ...
