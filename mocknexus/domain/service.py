"""The emulated MX: every operation the three APIs offer, as plain methods over the store.

Each public method is one transaction, so a threaded server never sees a half-made change. The web layer
calls these and renders what they return; nothing here knows about HTTP beyond MX's error kinds.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from mocknexus.domain import datagen, jobs, snapshot
from mocknexus.domain.catalog import Catalog, Institution, Scenario
from mocknexus.domain.clock import Clock
from mocknexus.domain.errors import ErrorKind, MXError, not_found
from mocknexus.domain.ids import new_guid, new_token
from mocknexus.domain.models import Account, ApiToken, Challenge, Member, Session, User
from mocknexus.domain.pagination import Page, paginate
from mocknexus.domain.statuses import ConnectionStatus, JobType
from mocknexus.store import Store

USERS, USER_IDS, API_TOKENS, SESSIONS, MEMBERS, ACCOUNTS, EXTERNAL_GUIDS = (
    "users", "user_ids", "api_tokens", "sessions", "members", "accounts", "member_external_guids",
)  # fmt: skip

# MX's static integration-environment fixtures (names as MX publishes them).
TEST_SESSION_TOKEN = "test_session"
TEST_USER_ID = "mocknexus_test_user"
TEST_VERIFIED_MEMBER = "test_nexus_member"
TEST_UNVERIFIED_MEMBER = "unverified"
TEST_INSTITUTION_CODE = "mxbank"
TEST_SCENARIO = "connected"

PREVENTED_AFTER_DENIALS = 3

STALE_CREDENTIALS = (
    "The credential guids submitted are no longer valid. "
    "Check the Institution Required Credentials endpoint for the most recent credentials."
)
NO_VERIFICATION = "Member's institution does not support instant account verification."
NO_IDENTIFICATION = "Member's institution does not support instant account identification."


@dataclass(frozen=True)
class Settings:
    seed: int = 0
    api_token_ttl: timedelta = timedelta(minutes=10)
    session_ttl: timedelta = timedelta(minutes=30)
    job_time_scale: float = 1.0  # multiplies every scenario step's `seconds`; 0 makes jobs poll-gated only


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


class Emulator:
    def __init__(self, store: Store, catalog: Catalog, clock: Clock, settings: Settings | None = None) -> None:
        self.store = store
        self.catalog = catalog
        self.clock = clock
        self.settings = settings or Settings()
        self.install_static_fixtures()

    def transaction(self) -> AbstractContextManager[None]:
        """Hold the state still: the web layer renders records inside one, so a response never mixes
        two moments of a member that another thread is advancing."""
        return self.store.transaction()

    # ---- MDX Real Time: users -------------------------------------------------------------------------

    def create_user(self, user_id: str, **fields: Any) -> User:
        with self.store.transaction():
            if self.store.get(USER_IDS, user_id) is not None:
                # MX's own SDK: "if the user_id already exists we expect a 409 status".
                raise MXError(ErrorKind.CONFLICT, f"A user with id {user_id} already exists.")
            user = User(guid=new_guid("USR"), id=user_id, created_at=self.clock.now(), **fields)
            self._save_user(user)
            return user

    def read_user(self, user_id: str) -> User:
        guid = self.store.get(USER_IDS, user_id)
        user = self.store.get(USERS, guid) if guid else None
        if user is None:
            raise not_found("User")
        return user

    def list_users(self) -> list[User]:
        return sorted(self.store.values(USERS), key=lambda u: u.created_at)

    def update_user(self, user_id: str, **fields: Any) -> User:
        with self.store.transaction():
            user = replace(self.read_user(user_id), **fields)
            user.revision += 1
            self._save_user(user)
            return user

    def delete_user(self, user_id: str) -> None:
        with self.store.transaction():
            user = self.read_user(user_id)
            self._forget(user, (SESSIONS, API_TOKENS), keep_static=False)
            self.store.delete(USER_IDS, user.id)
            self.store.delete(USERS, user.guid)

    # ---- SSO: api tokens, and Nexus sessions ----------------------------------------------------------

    def issue_api_token(self, user_id: str) -> ApiToken:
        with self.store.transaction():
            user = self.read_user(user_id)
            now = self.clock.now()
            token = ApiToken(new_token(), user.guid, now, now + self.settings.api_token_ttl)
            self.store.put(API_TOKENS, token.token, token)
            return token

    def open_session(self, api_token: str, skip_aggregation: bool) -> Session:
        with self.store.transaction():
            now = self.clock.now()
            token: ApiToken | None = self.store.get(API_TOKENS, api_token)
            if token is None:
                raise MXError(ErrorKind.UNAUTHORIZED, "The api_token is invalid.")
            if token.used:
                raise MXError(ErrorKind.UNAUTHORIZED, "The api_token has already been used.")
            if now >= token.expires_at:
                raise MXError(ErrorKind.UNAUTHORIZED, "The api_token has expired.")
            token.used = True
            self.store.put(API_TOKENS, token.token, token)
            user = self.store.get(USERS, token.user_guid)
            user.logged_in_at = now
            self._save_user(user)
            session = Session(new_token(), user.guid, now, now)
            self.store.put(SESSIONS, session.token, session)
            if not skip_aggregation:
                # Opening a session aggregates the user's existing members, unless skip_aggregation is set.
                for member in self._members_of(user):
                    if not member.is_being_aggregated:
                        self._start_job(member, JobType.AGGREGATION, now)
            return session

    def authenticate(self, session_token: str | None) -> Session:
        """The session a Nexus request runs as; each call slides its 30-minute expiry."""
        if not session_token:
            raise MXError(ErrorKind.UNAUTHORIZED, "The MD-SESSION-TOKEN header is missing.")
        with self.store.transaction():
            session: Session | None = self.store.get(SESSIONS, session_token)
            if session is None:
                raise MXError(ErrorKind.UNAUTHORIZED, "The session token is invalid.")
            now = self.clock.now()
            if not session.never_expires and now >= session.last_used_at + self.settings.session_ttl:
                raise MXError(ErrorKind.SESSION_EXPIRED, "The session has expired.")
            session.last_used_at = now
            self.store.put(SESSIONS, session.token, session)
            return session

    def end_sessions(self, user_id: str) -> None:
        with self.store.transaction():
            self._drop_tokens(self.read_user(user_id), (SESSIONS,), keep_static=True)

    def session_user(self, session: Session) -> User:
        return self.store.get(USERS, session.user_guid)

    # ---- Institutions ---------------------------------------------------------------------------------

    def search_institutions(
        self, name: str | None, url: str | None, countries: list[str] | None, page: int | None, per_page: int | None
    ) -> tuple[list[Institution], Page]:
        return paginate(self.catalog.search(name, url, countries), page, per_page)

    def read_institution(self, guid: str) -> Institution:
        institution = self.catalog.institutions.get(guid)
        if institution is None:
            raise not_found("Institution")
        return institution

    # ---- Members --------------------------------------------------------------------------------------

    def create_member(
        self,
        session: Session,
        institution_guid: str,
        credentials: list[dict[str, str]],
        skip_aggregation: bool = False,
        name: str | None = None,
        metadata: str | None = None,
        external_guid: str | None = None,
        background_aggregation_is_disabled: bool = False,
        is_oauth: bool = False,
    ) -> Member:
        with self.store.transaction():
            institution = self.catalog.institutions.get(institution_guid)
            if institution is None:
                raise MXError(ErrorKind.UNPROCESSABLE, "The institution_guid does not exist.")
            if is_oauth and not institution.supports_oauth:
                raise MXError(ErrorKind.BAD_REQUEST, "Member cannot use OAuth")
            values = _credential_values(institution, credentials, require_all=True)
            user = self.session_user(session)
            if external_guid and self.store.get(EXTERNAL_GUIDS, external_guid):
                raise MXError(ErrorKind.UNPROCESSABLE, "A member with this external_guid already exists.")
            if self._duplicate_of(user, institution, values):
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
            if external_guid:
                self.store.put(EXTERNAL_GUIDS, external_guid, member.guid)
            if not skip_aggregation:
                self._start_job(member, JobType.AGGREGATION, now)
            self._save_member(member)
            return member

    def read_member(self, session: Session, member_guid: str, poll: bool = True) -> Member:
        """A client's read of a member; `poll` counts it toward the running step's minimum number of reads."""
        with self.store.transaction():
            member = self._member(session, member_guid)
            if poll:
                jobs.record_poll(member)
                self._save_member(member)
            return member

    def list_members(self, session: Session, page: int | None, per_page: int | None) -> tuple[list[Member], Page]:
        with self.store.transaction():
            user = self.session_user(session)
            return paginate(self._members_of(user), page, per_page)

    def update_member(self, session: Session, member_guid: str, changes: MemberChanges) -> Member:
        with self.store.transaction():
            member = self._member(session, member_guid)
            if changes.challenges is not None:
                # Answering MFA through update member: deprecated by MX, still supported.
                return self._answer(member, changes.challenges)
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
            self._save_member(member)
            return member

    def delete_member(self, session: Session, member_guid: str) -> None:
        with self.store.transaction():
            self._delete_member(self._member(session, member_guid))

    def resume_member(self, session: Session, member_guid: str, challenges: list[dict[str, str]]) -> Member:
        with self.store.transaction():
            return self._answer(self._member(session, member_guid), challenges)

    def list_challenges(self, session: Session, member_guid: str) -> list[Challenge]:
        with self.store.transaction():
            return list(self._member(session, member_guid).challenges)

    def start_job(self, session: Session, member_guid: str, job_type: JobType) -> tuple[Member, bool]:
        """Verify, identify or aggregate a member. Returns (member, started); not started means one of the
        same type was already running (MX: 202 Accepted). A job of another type running is a 409."""
        with self.store.transaction():
            member = self._member(session, member_guid)
            institution = self.read_institution(member.institution_guid)
            if job_type is JobType.VERIFICATION and not institution.supports_account_verification:
                raise MXError(ErrorKind.BAD_REQUEST, NO_VERIFICATION)
            if member.is_being_aggregated:
                if member.job.type == job_type.value:  # type: ignore[union-attr]
                    return member, False
                raise MXError(ErrorKind.CONFLICT, "Another job is already running for this member.")
            self._start_job(member, job_type, self.clock.now())
            self._save_member(member)
            return member, True

    # ---- Accounts and account numbers -----------------------------------------------------------------

    def list_accounts(self, session: Session, member_guid: str | None = None) -> list[Account]:
        with self.store.transaction():
            if member_guid is not None:
                members = [self._member(session, member_guid)]
            else:
                members = self._members_of(self.session_user(session))
            return [self.store.get(ACCOUNTS, guid) for m in members for guid in m.account_guids]

    def read_account(self, session: Session, account_guid: str) -> Account:
        account: Account | None = self.store.get(ACCOUNTS, account_guid)
        if account is None or account.user_guid != session.user_guid:
            raise not_found("Account")
        return account

    def account_numbers(self, session: Session, member_guid: str) -> list[Account]:
        """Accounts whose numbers a verification has found: none until one has completed."""
        return [a for a in self.list_accounts(session, member_guid) if a.numbers_verified]

    def account_numbers_for_account(self, session: Session, account_guid: str) -> list[Account]:
        with self.store.transaction():
            account = self.read_account(session, account_guid)
            self._member(session, account.member_guid)  # settles a job that may have just finished
            account = self.read_account(session, account_guid)
            return [account] if account.numbers_verified else []

    # ---- Control plane: state, and driving members directly ------------------------------------------

    def dump_state(self) -> dict[str, Any]:
        """Every record, settled to the clock, as JSON-able data (loadable again with `load_state`)."""
        with self.store.transaction():
            for member in list(self.store.values(MEMBERS)):
                self._settled(member)
            state: dict[str, Any] = {"version": snapshot.SNAPSHOT_VERSION, "clock": self.clock.now().isoformat()}
            for table, (_, key) in snapshot.TABLES.items():
                records = sorted(self.store.values(table), key=lambda r, key=key: getattr(r, key))
                state[table] = [snapshot.to_data(r) for r in records]
            return state

    def load_state(self, state: dict[str, Any]) -> None:
        """Replace the whole state with a snapshot; a bad snapshot changes nothing."""
        if not isinstance(state, dict) or state.get("version") != snapshot.SNAPSHOT_VERSION:
            raise MXError(ErrorKind.BAD_REQUEST, f'A state snapshot needs "version": {snapshot.SNAPSHOT_VERSION}.')
        loaded: dict[str, list] = {}
        for table, (cls, _) in snapshot.TABLES.items():
            rows = state.get(table, [])
            if not isinstance(rows, list):
                raise MXError(ErrorKind.BAD_REQUEST, f"{table}: must be a list.")
            try:
                loaded[table] = [snapshot.from_data(cls, row) for row in rows]
            except ValueError as exc:
                raise MXError(ErrorKind.BAD_REQUEST, f"{table}: {exc}") from None
        for member in loaded["members"]:
            if (
                member.scenario not in self.catalog.scenarios
                or member.institution_guid not in self.catalog.institutions
            ):
                raise MXError(
                    ErrorKind.BAD_REQUEST, f"members: {member.guid} names an unknown scenario or institution."
                )
        with self.store.transaction():
            self.store.clear()
            for table, (_, key) in snapshot.TABLES.items():
                for record in loaded[table]:
                    self.store.put(table, getattr(record, key), record)
            for user in loaded["users"]:
                self.store.put(USER_IDS, user.id, user.guid)
            for member in loaded["members"]:
                if member.external_guid:
                    self.store.put(EXTERNAL_GUIDS, member.external_guid, member.guid)

    def reset_user(self, user_id: str) -> None:
        """Forget a user's members, accounts, sessions and api tokens; the user itself stays."""
        with self.store.transaction():
            self._forget(self.read_user(user_id), (SESSIONS, API_TOKENS), keep_static=True)

    def any_member(self, member_guid: str) -> Member:
        """A member whoever owns it (the control plane is not a user)."""
        with self.store.transaction():
            member = self.store.get(MEMBERS, member_guid)
            if member is None:
                raise not_found("Member")
            return self._settled(member)

    def drive_member(self, member_guid: str, scenario: str | None, start: JobType | None) -> Member:
        """Give a member a scenario (until its credentials change), and optionally start a job on it now."""
        with self.store.transaction():
            member = self.any_member(member_guid)
            if scenario is not None:
                if scenario not in self.catalog.scenarios:
                    raise MXError(ErrorKind.BAD_REQUEST, f"Unknown scenario {scenario!r}.")
                member.scenario = scenario
            if start is not None:
                jobs.abandon(member, self.clock.now())
                self._start_job(member, start, self.clock.now())
            self._save_member(member)
            return member

    def force_status(self, member_guid: str, status: ConnectionStatus) -> Member:
        """Put a member straight into an end state; any running job stops there. CONNECTED also finds
        the member's accounts and their numbers, as a successful verification would."""
        if not status.is_end_state:
            raise MXError(
                ErrorKind.BAD_REQUEST,
                f"{status.name} is not an end state; reach transient states and CHALLENGED through a scenario.",
            )
        with self.store.transaction():
            member = self.any_member(member_guid)
            now = self.clock.now()
            if not member.is_being_aggregated:
                jobs.start(member, self.catalog.scenarios[member.scenario], JobType.VERIFICATION, now)
            jobs.finish_now(member, self._scenario(member), now, status=status)
            return self._settled(member)

    def finish_job(self, member_guid: str) -> Member:
        """Skip a running job straight to its scenario's end."""
        with self.store.transaction():
            member = self.any_member(member_guid)
            if not member.is_being_aggregated:
                raise MXError(ErrorKind.CONFLICT, "The member has no running job.")
            jobs.finish_now(member, self._scenario(member), self.clock.now())
            return self._settled(member)

    # ---- Static fixtures and reset --------------------------------------------------------------------

    def install_static_fixtures(self) -> None:
        """MX's integration fixtures: `test_session`, and members `test_nexus_member` and `unverified`."""
        institution = next((i for i in self.catalog.institutions.values() if i.code == TEST_INSTITUTION_CODE), None)
        if institution is None or TEST_SCENARIO not in self.catalog.scenarios:
            return  # a fixture set without MX Bank: the static fixtures have nothing to stand on
        with self.store.transaction():
            if self.store.get(SESSIONS, TEST_SESSION_TOKEN) is not None:
                return  # a persistent store that already has them (a restart, another worker)
            now = self.clock.now()
            user = User(guid=new_guid("USR"), id=TEST_USER_ID, created_at=now, email="test@example.com")
            self.store.put(SESSIONS, TEST_SESSION_TOKEN, Session(TEST_SESSION_TOKEN, user.guid, now, now, True))
            for guid, verified in ((TEST_VERIFIED_MEMBER, True), (TEST_UNVERIFIED_MEMBER, False)):
                member = Member(
                    guid=guid,
                    user_guid=user.guid,
                    institution_guid=institution.guid,
                    institution_code=institution.code,
                    name=institution.name,
                    credentials={},
                    scenario=TEST_SCENARIO,
                    created_at=now,
                    data_seed=f"static:{guid}",
                    connection_status=ConnectionStatus.CONNECTED,
                    aggregated_at=now,
                    successfully_aggregated_at=now,
                )
                user.member_guids.append(guid)
                self._add_accounts(member, self.catalog.scenarios[TEST_SCENARIO], verified, now)
                self._save_member(member)
            self._save_user(user)

    def reset(self) -> None:
        with self.store.transaction():
            self.store.clear()
            self.install_static_fixtures()

    # ---- internals ------------------------------------------------------------------------------------

    def _save_user(self, user: User) -> None:
        self.store.put(USERS, user.guid, user)
        self.store.put(USER_IDS, user.id, user.guid)

    def _save_member(self, member: Member) -> None:
        self.store.put(MEMBERS, member.guid, member)

    def _members_of(self, user: User) -> list[Member]:
        return [self._settled(self.store.get(MEMBERS, guid)) for guid in user.member_guids]

    def _member(self, session: Session, member_guid: str) -> Member:
        member: Member | None = self.store.get(MEMBERS, member_guid)
        # Another user's member is as absent as a member that never existed.
        if member is None or member.user_guid != session.user_guid:
            raise not_found("Member")
        return self._settled(member)

    def _scenario(self, member: Member) -> Scenario:
        return self.catalog.scenarios[member.job.scenario if member.job else member.scenario]

    def _settled(self, member: Member) -> Member:
        """Bring the member's job up to the clock, and produce its outcome once it has finished."""
        job = member.job
        if job is None or job.outcome_applied:
            return member
        now = self.clock.now()
        scenario = self._scenario(member)
        jobs.advance(member, scenario, now, self.settings.job_time_scale)
        if job.finished_at is not None:
            self._apply_outcome(member, scenario)
        self._save_member(member)
        return member

    def _apply_outcome(self, member: Member, scenario: Scenario) -> None:
        """Once per finished job: a success finds accounts (and, for a verification, their numbers);
        a third DENIED in a row turns into PREVENTED (MX: "failed to connect three times in a row")."""
        job = member.job
        assert job is not None and job.finished_at is not None
        if member.connection_status is ConnectionStatus.CONNECTED:
            member.failed_logins = 0
            verify = job.type == JobType.VERIFICATION.value and scenario.account_numbers
            self._add_accounts(member, scenario, verify, job.finished_at)
        elif member.connection_status is ConnectionStatus.DENIED:
            member.failed_logins += 1
            if member.failed_logins >= PREVENTED_AFTER_DENIALS:
                member.connection_status = ConnectionStatus.PREVENTED
        job.outcome_applied = True

    def _start_job(self, member: Member, job_type: JobType, now: datetime) -> None:
        jobs.start(member, self.catalog.scenarios[member.scenario], job_type, now)
        self._save_member(self._settled(member))

    def _answer(self, member: Member, answers: list[dict[str, str]]) -> Member:
        if member.job is None:
            raise MXError(ErrorKind.METHOD_NOT_ALLOWED, "Member is not challenged.")
        jobs.answer(member, self._scenario(member), {a["guid"]: a["value"] for a in answers}, self.clock.now())
        return self._settled(member)

    def _add_accounts(self, member: Member, scenario: Scenario, verified: bool, at: datetime) -> None:
        """A successful job finds the member's accounts (once); a verification also finds their numbers."""
        if not member.account_guids:
            accounts = datagen.generate_accounts(
                self.settings.seed, (member.data_seed,), scenario.accounts, member.guid, member.user_guid, at
            )
            member.account_guids = [a.guid for a in accounts]
        else:
            accounts = [self.store.get(ACCOUNTS, guid) for guid in member.account_guids]
        for account in accounts:
            if verified:
                account.numbers_verified = True
                account.updated_at = at
            self.store.put(ACCOUNTS, account.guid, account)

    def _forget(self, user: User, token_tables: tuple[str, ...], keep_static: bool) -> None:
        """Delete a user's members (with their accounts) and its tokens in `token_tables`."""
        for member_guid in list(user.member_guids):
            self._delete_member(self.store.get(MEMBERS, member_guid))
        self._drop_tokens(user, token_tables, keep_static)

    def _drop_tokens(self, user: User, tables: tuple[str, ...], keep_static: bool) -> None:
        """A user's sessions / api tokens; `keep_static` spares MX's never-expiring `test_session`."""
        for table in tables:
            for record in list(self.store.values(table)):
                if record.user_guid == user.guid and not (keep_static and getattr(record, "never_expires", False)):
                    self.store.delete(table, record.token)

    def _delete_member(self, member: Member) -> None:
        for guid in member.account_guids:
            self.store.delete(ACCOUNTS, guid)
        if member.external_guid:
            self.store.delete(EXTERNAL_GUIDS, member.external_guid)
        user = self.store.get(USERS, member.user_guid)
        if user is not None and member.guid in user.member_guids:
            user.member_guids.remove(member.guid)
            self._save_user(user)
        self.store.delete(MEMBERS, member.guid)

    def _duplicate_of(self, user: User, institution: Institution, values: dict[str, str]) -> bool:
        # MX refuses a second member with the same institution and the same login (422, code 4220).
        logins = {c.guid for c in institution.credentials if c.type == "LOGIN"}
        key = {g: v for g, v in values.items() if g in logins}
        return any(
            m.institution_guid == institution.guid and {g: m.credentials.get(g) for g in key} == key
            for m in (self.store.get(MEMBERS, guid) for guid in user.member_guids)
            if key
        )


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


def _by_field_name(institution: Institution, values: dict[str, str]) -> dict[str, str]:
    return {c.field_name: values[c.guid] for c in institution.credentials if c.guid in values}
