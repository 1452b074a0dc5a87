"""Institutions, and a user's members (their jobs and MFA), accounts and account numbers: `UserOperations`
as the emulator does them. Every operation takes the user it acts for (see `operations`)."""

from __future__ import annotations

from dataclasses import replace

from mocknexus.domain.catalog.catalog import Institution
from mocknexus.domain.core import datagen
from mocknexus.domain.core.datagen import AccountOwner
from mocknexus.domain.core.errors import ErrorKind, MXError, not_found
from mocknexus.domain.core.ids import new_guid
from mocknexus.domain.core.models import Account, Challenge, DeclaredOwner, Member
from mocknexus.domain.core.pagination import Page, paginate
from mocknexus.domain.core.statuses import ConnectionStatus, JobType
from mocknexus.domain.core.tables import ACCOUNTS, EXTERNAL_GUIDS
from mocknexus.domain.members.operations import MemberChanges
from mocknexus.domain.oauth.oauth import NO_OAUTH, OAuthMembers, OAuthOptions
from mocknexus.domain.webhooks.triggers import member_event

STALE_CREDENTIALS = (
    "The credential guids submitted are no longer valid. "
    "Check the Institution Required Credentials endpoint for the most recent credentials."
)
NO_VERIFICATION = "Member's institution does not support instant account verification."
NO_IDENTIFICATION = "Member's institution does not support instant account identification."
OAUTH_WITH_CREDENTIALS = "An OAuth member is created without credentials: the end user signs in at the institution."
NOT_AUTHORIZED = "The member is waiting for the end user to complete OAuth."
OAUTH_ONLY = "This institution connects through OAuth only: create the member with is_oauth set to true."


class Members(OAuthMembers):
    # ---- Institutions ---------------------------------------------------------------------------------

    def search_institutions(
        self,
        name: str | None,
        url: str | None,
        countries: list[str] | None,
        page: int | None,
        per_page: int | None,
        supports: tuple[str, ...] = (),
    ) -> tuple[list[Institution], Page]:
        """`supports`: V1's filters (e.g. "supports_account_verification"), each keeping those that do."""
        found = self.catalog.search(name, url, countries)
        if supports:
            found = [i for i in found if all(getattr(i, flag) for flag in supports)]
        return paginate(found, page, per_page)

    def read_institution(self, guid: str) -> Institution:
        institution = self.catalog.institutions.get(guid)
        if institution is None:
            raise not_found("Institution")
        return institution

    # ---- Members --------------------------------------------------------------------------------------

    def create_member(
        self,
        user_guid: str,
        institution_guid: str,
        credentials: list[dict[str, str]],
        skip_aggregation: bool = False,
        name: str | None = None,
        metadata: str | None = None,
        external_guid: str | None = None,
        background_aggregation_is_disabled: bool = False,
        is_oauth: bool = False,
        oauth: OAuthOptions | None = None,
    ) -> Member:
        with self.store.transaction():
            institution = self.catalog.institutions.get(institution_guid)
            if institution is None:
                raise MXError(ErrorKind.UNPROCESSABLE, "The institution_guid does not exist.")
            if is_oauth and not institution.supports_oauth:
                raise MXError(ErrorKind.BAD_REQUEST, NO_OAUTH)
            if is_oauth and credentials:
                # MX: "you cannot include end-user credentials in your request body when creating an OAuth
                # member" (the 400 is INFERRED). An empty list is what MX's own SDKs send.
                raise MXError(ErrorKind.BAD_REQUEST, OAUTH_WITH_CREDENTIALS)
            if not is_oauth and not institution.credentials:
                raise MXError(ErrorKind.BAD_REQUEST, OAUTH_ONLY)  # INFERRED: no credentials to connect with
            values = {} if is_oauth else _credential_values(institution, credentials, require_all=True)
            user = self.get_user(user_guid)
            if external_guid and self.store.get(EXTERNAL_GUIDS, external_guid):
                raise MXError(ErrorKind.UNPROCESSABLE, "A member with this external_guid already exists.")
            if values and self._duplicate_of(user, institution, values):
                raise MXError(ErrorKind.UNPROCESSABLE, "A member with these credentials already exists.")
            now = self.clock.now()
            member = Member(
                guid=new_guid("MBR"),
                user_guid=user.guid,
                institution_guid=institution.guid,
                institution_code=institution.code,
                name=name or institution.name,
                credentials=values,
                scenario=self.catalog.scenario_for(institution, _by_field_name(institution, values)),
                created_at=now,
                data_seed=f"{user.id}:{institution.code}:{len(user.member_guids)}",
                metadata=metadata,
                external_guid=external_guid,
                background_aggregation_is_disabled=background_aggregation_is_disabled,
            )
            user.member_guids.append(member.guid)
            self._save_user(user)
            self._raise(member_event(member, user, "created", now), None)
            member.announced_serial = member.status_serial  # "created" says all there is so far
            if external_guid:
                self.store.put(EXTERNAL_GUIDS, external_guid, member.guid)
            if is_oauth:
                options = oauth or OAuthOptions()
                self.start_oauth(member, replace(options, skip_aggregation=skip_aggregation), now)
            elif not skip_aggregation:
                self._start_job(member, JobType.AGGREGATION, now)
            self._save_member(member)
            return member

    def read_member(self, user_guid: str, member_guid: str, poll: bool = True) -> Member:
        """A client's read of a member; `poll` counts it toward the running step's minimum number of reads."""
        with self.store.transaction():
            member = self._member(user_guid, member_guid)
            return self._polled(member) if poll else member

    def list_members(self, user_guid: str, page: int | None, per_page: int | None) -> tuple[list[Member], Page]:
        with self.store.transaction():
            user = self.get_user(user_guid)
            return paginate(self._members_of(user), page, per_page)

    def update_member(self, user_guid: str, member_guid: str, changes: MemberChanges) -> Member:
        with self.store.transaction():
            member = self._member(user_guid, member_guid)
            serial = member.status_serial
            if changes.challenges is not None:
                # Answering MFA through update member: deprecated by MX, still supported.
                return self._answered(member, changes.challenges)
            if changes.credentials and _all_challenge_guids(member, changes.credentials):
                # G21's way: MFA answers as `credentials` keyed by the challenges' guids.
                return self._answered(member, changes.credentials, as_credentials=True)
            institution = self.read_institution(member.institution_guid)
            if changes.external_guid and changes.external_guid != member.external_guid:
                if self.store.get(EXTERNAL_GUIDS, changes.external_guid):
                    raise MXError(ErrorKind.UNPROCESSABLE, "A member with this external_guid already exists.")
                if member.external_guid:
                    self.store.delete(EXTERNAL_GUIDS, member.external_guid)
                self.store.put(EXTERNAL_GUIDS, changes.external_guid, member.guid)
                member.external_guid = changes.external_guid
            for attribute in ("name", "metadata", "background_aggregation_is_disabled"):
                value = getattr(changes, attribute)
                if value is not None:
                    setattr(member, attribute, value)
            if changes.credentials:
                values = {**member.credentials, **_credential_values(institution, changes.credentials, False)}
                member.credentials = values
                member.scenario = self.catalog.scenario_for(institution, _by_field_name(institution, values))
                # New credentials trigger a job, unless skipped or one is already running (no second job).
                if not changes.skip_aggregation and not member.is_being_aggregated:
                    self._start_job(member, JobType.AGGREGATION, self.clock.now())
            member.revision += 1
            if member.status_serial == serial:  # a status change announces the update itself
                self._raise(member_event(member, self._user_of(member), "updated", self.clock.now()), member)
            self._save_member(member)
            return member

    def _answered(self, member: Member, answers: list[dict[str, str]], as_credentials: bool = False) -> Member:
        member = self._answer(member, answers)
        if as_credentials and member.connection_status is ConnectionStatus.RESUMED:
            # The guide: answers sent as update-member credentials leave the member UPDATED (15) while the
            # job resumes; through `challenges` (resume), RESUMED (18). Only the name differs; the job is one.
            member.connection_status = ConnectionStatus.UPDATED
        member.revision += 1
        self._save_member(member)
        return member

    def delete_member(self, user_guid: str, member_guid: str) -> None:
        with self.store.transaction():
            member = self._member(user_guid, member_guid)
            self._raise(member_event(member, self._user_of(member), "deleted", self.clock.now()), None)
            self._delete_member(member)

    def resume_member(self, user_guid: str, member_guid: str, challenges: list[dict[str, str]]) -> Member:
        with self.store.transaction():
            return self._answered(self._member(user_guid, member_guid), challenges)

    def list_challenges(self, user_guid: str, member_guid: str) -> list[Challenge]:
        with self.store.transaction():
            return list(self._member(user_guid, member_guid).challenges)

    def start_job(self, user_guid: str, member_guid: str, job_type: JobType) -> tuple[Member, bool]:
        """Verify, identify or aggregate a member. Returns (member, started); not started means one of the
        same type was already running (MX: 202 Accepted). A job of another type running is a 409."""
        with self.store.transaction():
            member = self._member(user_guid, member_guid)
            institution = self.read_institution(member.institution_guid)
            if job_type is JobType.VERIFICATION and not institution.supports_account_verification:
                raise MXError(ErrorKind.BAD_REQUEST, NO_VERIFICATION)
            if job_type is JobType.IDENTIFICATION and not institution.supports_account_identification:
                raise MXError(ErrorKind.BAD_REQUEST, NO_IDENTIFICATION)
            if member.connection_status is ConnectionStatus.PENDING and member.is_oauth:
                raise MXError(ErrorKind.BAD_REQUEST, NOT_AUTHORIZED)  # INFERRED: no consent, nothing to read
            if member.is_being_aggregated:
                if member.job.type == job_type.value:  # type: ignore[union-attr]
                    return member, False
                raise MXError(ErrorKind.CONFLICT, "Another job is already running for this member.")
            if self._throttled(member, job_type):  # MX: 202, and no job starts
                return member, False
            self._start_job(member, job_type, self.clock.now())
            member.revision += 1
            self._save_member(member)
            return member, True

    # ---- Accounts and account numbers -----------------------------------------------------------------

    def list_accounts(self, user_guid: str, member_guid: str | None = None) -> list[Account]:
        with self.store.transaction():
            if member_guid is not None:
                members = [self._member(user_guid, member_guid)]
            else:
                members = self._members_of(self.get_user(user_guid))
            return [self.store.get(ACCOUNTS, guid) for m in members for guid in m.account_guids]

    def read_account(self, user_guid: str, account_guid: str) -> Account:
        account: Account | None = self.store.get(ACCOUNTS, account_guid)
        if account is None or account.user_guid != user_guid:
            raise not_found("Account")
        return account

    def account_numbers(self, user_guid: str, member_guid: str) -> list[Account]:
        """Accounts whose numbers a verification has found: none until one has completed."""
        return [a for a in self.list_accounts(user_guid, member_guid) if a.numbers_verified]

    def account_owners(self, user_guid: str, member_guid: str) -> list[AccountOwner]:
        """The owners an identification has found, one per account: none until one has completed."""
        with self.store.transaction():
            member = self._member(user_guid, member_guid)
            accounts = [a for a in self.list_accounts(user_guid, member_guid) if a.owners_identified]
            generated = datagen.generate_owners(
                self.settings.seed, (member.data_seed,), [a for a in accounts if not a.declared]
            )
            by_account = {o.account_guid: [o] for o in generated}
            for account in accounts:
                if account.declared:
                    by_account[account.guid] = [_owner_of(account, d) for d in account.declared_owners]
            return [owner for account in accounts for owner in by_account.get(account.guid, [])]

    def update_account(
        self, user_guid: str, account_guid: str, nickname: str | None, is_hidden: bool | None
    ) -> Account:
        """G21's account update: a nickname, or hiding the account."""
        with self.store.transaction():
            account = self.read_account(user_guid, account_guid)
            if nickname is not None:
                account.nickname = nickname
            if is_hidden is not None:
                account.is_hidden = is_hidden
            account.updated_at = self.clock.now()
            self.store.put(ACCOUNTS, account.guid, account)
            return account

    def account_numbers_for_account(self, user_guid: str, account_guid: str) -> list[Account]:
        with self.store.transaction():
            account = self.read_account(user_guid, account_guid)
            self._member(user_guid, account.member_guid)  # settles a job that may have just finished
            account = self.read_account(user_guid, account_guid)
            return [account] if account.numbers_verified else []


def _owner_of(account: Account, declared: DeclaredOwner) -> AccountOwner:
    """A declared owner as MX's account owner record (keys it leaves out stay null)."""
    return AccountOwner(account_guid=account.guid, member_guid=account.member_guid, user_guid=account.user_guid,
                        **vars(declared))  # fmt: skip


def _credential_values(institution: Institution, given: list[dict[str, str]], require_all: bool) -> dict[str, str]:
    known = {c.guid for c in institution.credentials}
    if any(c["guid"] not in known for c in given):
        raise MXError(ErrorKind.BAD_REQUEST, STALE_CREDENTIALS)
    values = {c["guid"]: c["value"] for c in given}
    if require_all:
        missing = [c.field_name for c in institution.credentials if not values.get(c.guid)]
        if missing:
            raise MXError(ErrorKind.MISSING_PARAMETERS, f"Missing credentials: {', '.join(missing)}.")
    return values


def _all_challenge_guids(member: Member, given: list[dict[str, str]]) -> bool:
    issued = {c.guid for c in member.challenges}
    return bool(issued) and all(c["guid"] in issued for c in given)


def _by_field_name(institution: Institution, values: dict[str, str]) -> dict[str, str]:
    return {c.field_name: values[c.guid] for c in institution.credentials if c.guid in values}
