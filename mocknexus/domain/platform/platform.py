"""The operations MX's Platform API adds over the same world: users by guid (a partner `id` is optional),
institutions by code, and the member and account operations of the user the request's path names (found
once, by the request's caller: these take the `User`).

A Nexus session is how Nexus finds its user; the Platform API names the user in its paths. Both reach the
same records (a user, its members, their jobs and accounts), so a member created through either API is
read, verified and answered through the other. The member operations themselves are `Members`'s: this
module adds what only the Platform API asks: users by guid without a partner id, institutions by code, a
member's status and account views. (The member operations are `operations.UserOperations`, keyed by user.)
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from mocknexus.domain.catalog.catalog import Institution
from mocknexus.domain.core.errors import ErrorKind, MXError, not_found
from mocknexus.domain.core.ids import new_guid
from mocknexus.domain.core.models import Account, Member, User
from mocknexus.domain.core.state import EmulatorState
from mocknexus.domain.core.statuses import JobType
from mocknexus.domain.core.tables import ACCOUNTS, API_TOKENS, MEMBERS, SESSIONS, USER_IDS, USERS
from mocknexus.domain.oauth.oauth import OAuthOptions
from mocknexus.domain.platform.platform_view import MemberStatus


@dataclass(frozen=True)
class AccountView:
    """An account as the Platform API shows it: with its member's institution and the partner's ids."""

    account: Account
    institution_code: str | None
    institution_guid: str | None
    member_id: str | None
    user_id: str | None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.account, name)


class PlatformOperations(EmulatorState):
    """Mixed into `Emulator` next to `Identity` and `Members`, whose operations it calls through `self`."""

    # ---- users ------------------------------------------------------------------------------------------

    def create_platform_user(self, fields: dict[str, Any]) -> User:
        """MX's create user: every field optional; an `id` already taken is a 409, as through MDX."""
        with self.store.transaction():
            user_id = fields.get("id")
            if user_id is not None and self.store.get(USER_IDS, user_id) is not None:
                raise MXError(ErrorKind.CONFLICT, f"A user with id {user_id} already exists.")
            user = User(guid=new_guid("USR"), id=user_id, created_at=self.clock.now())
            user.email, user.metadata = fields.get("email"), fields.get("metadata")
            user.is_disabled = fields.get("is_disabled", False)
            self._save_user(user)
            return user

    def list_platform_users(self, query: dict[str, Any]) -> list[User]:
        """Every user, oldest first, kept to those matching the `id`, `email` and `is_disabled` given."""
        users = sorted(self.store.values(USERS), key=lambda u: u.created_at)
        for key in ("id", "email", "is_disabled"):
            if query.get(key) is not None:
                users = [u for u in users if getattr(u, key) == query[key]]
        return users

    def update_platform_user(self, user: User, fields: dict[str, Any]) -> User:
        with self.store.transaction():
            new_id = fields.get("id", user.id)
            if new_id != user.id:
                if new_id is not None and self.store.get(USER_IDS, new_id) is not None:
                    raise MXError(ErrorKind.CONFLICT, f"A user with id {new_id} already exists.")
                if user.id is not None:
                    self.store.delete(USER_IDS, user.id)
            user = replace(user, **fields)
            user.revision += 1
            self._save_user(user)
            return user

    def delete_platform_user(self, user: User) -> None:
        with self.store.transaction():
            self._forget(user, (SESSIONS, API_TOKENS), keep_static=False)
            if user.id is not None:
                self.store.delete(USER_IDS, user.id)
            self.store.delete(USERS, user.guid)

    # ---- institutions -----------------------------------------------------------------------------------

    def platform_institutions(
        self, name: str | None, countries: list[str] | None, flags: dict[str, bool]
    ) -> list[Institution]:
        """MX's institution list: `name` "appears" in the name (or is the code), each `supports_*` flag given
        keeps the institutions with that value (an institution mocknexus knows no statements of: false)."""
        found = self.catalog.search(name, None, countries)
        for flag, wanted in flags.items():
            found = [i for i in found if bool(getattr(i, flag, False)) is wanted]
        return found

    def favorite_institutions(self, countries: list[str] | None) -> list[Institution]:
        """A client's favorites are set up in MX's dashboard; here, the catalog's most popular (INFERRED)."""
        return self.catalog.search(None, None, countries)

    def institution_by_code(self, code: str) -> Institution:
        institution = self.catalog.by_code(code)
        if institution is None:
            raise not_found("Institution")
        return institution

    # ---- members ----------------------------------------------------------------------------------------

    def create_platform_member(self, user: User, fields: dict[str, Any], oauth: OAuthOptions | None = None) -> Member:
        """MX's createMember: `fields` are the body's `member`; `oauth` its top-level options (used by an
        OAuth member's window)."""
        with self.store.transaction():
            institution = self.catalog.by_code(fields["institution_code"])
            if institution is None:
                raise MXError(ErrorKind.UNPROCESSABLE, "The institution_code does not exist.")
            member: Member = self.create_member(  # type: ignore[attr-defined]
                user.guid,
                institution.guid,
                fields["credentials"],
                skip_aggregation=fields["skip_aggregation"],
                metadata=fields["metadata"],
                external_guid=fields["id"],
                background_aggregation_is_disabled=fields["background_aggregation_is_disabled"],
                is_oauth=fields["is_oauth"],
                oauth=oauth,
            )
            if fields.get("use_cases"):
                member.use_cases = list(fields["use_cases"])
                self._save_member(member)
            return member

    def list_platform_members(self, user: User, use_case: str | None) -> list[Member]:
        with self.store.transaction():
            members = self._members_of(user)
            if use_case is not None:
                members = [m for m in members if use_case in m.use_cases]
            return members

    def set_use_cases(self, user: User, member_guid: str, use_cases: list[str]) -> Member:
        with self.store.transaction():
            member = self._member(user.guid, member_guid)
            member.use_cases = list(use_cases)
            self._save_member(member)
            return member

    def member_status(self, user: User, member_guid: str) -> MemberStatus:
        """A status read is a poll, as a member read is (it moves the job's poll-gated steps)."""
        with self.store.transaction():
            member: Member = self.read_member(user.guid, member_guid)  # type: ignore[attr-defined]
            accounts = [self.store.get(ACCOUNTS, guid) for guid in member.account_guids]
            return MemberStatus(
                member=member,
                has_processed_accounts=bool(accounts),
                has_processed_account_numbers=any(a.numbers_verified for a in accounts),
            )

    def start_platform_job(self, user: User, member_guid: str, job_type: JobType) -> tuple[Member, bool]:
        return self.start_job(user.guid, member_guid, job_type)  # type: ignore[attr-defined]

    # ---- accounts ---------------------------------------------------------------------------------------

    def account_views(self, user: User, member_guid: str | None = None) -> list[AccountView]:
        with self.store.transaction():
            accounts: list[Account] = self.list_accounts(user.guid, member_guid)  # type: ignore[attr-defined]
            return [self._view(a, user) for a in accounts]

    def account_view(self, user: User, account_guid: str, member_guid: str | None = None) -> AccountView:
        with self.store.transaction():
            account: Account = self.read_account(user.guid, account_guid)  # type: ignore[attr-defined]
            if member_guid is not None and account.member_guid != member_guid:
                raise not_found("Account")
            return self._view(account, user)

    def update_platform_account(
        self, user: User, member_guid: str, account_guid: str, changes: dict[str, Any]
    ) -> AccountView:
        with self.store.transaction():
            view = self.account_view(user, account_guid, member_guid)
            account = view.account
            for key in ("nickname", "name", "is_hidden", "is_closed"):
                if changes.get(key) is not None:
                    setattr(account, key, changes[key])
            account.updated_at = self.clock.now()
            self.store.put(ACCOUNTS, account.guid, account)
            return replace(view, account=account)

    def _view(self, account: Account, user: User) -> AccountView:
        member: Member | None = self.store.get(MEMBERS, account.member_guid)
        return AccountView(
            account=account,
            institution_code=member.institution_code if member else None,
            institution_guid=member.institution_guid if member else None,
            member_id=member.external_guid if member else None,
            user_id=user.id,
        )
