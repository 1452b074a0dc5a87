"""The state the emulator works on, and the internals every group of operations shares.

`EmulatorState` holds the store, catalog, clock and settings; the operation groups (`users`, `members`,
`steering`, `timekeeping`) are mixins over it, and `service.Emulator` combines them. Tables: `tables`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from mocknexus.domain.catalog.catalog import Catalog, Institution, Scenario
from mocknexus.domain.core import datagen
from mocknexus.domain.core.clock import Clock
from mocknexus.domain.core.errors import ErrorKind, MXError, not_found
from mocknexus.domain.core.models import Job, Member, User
from mocknexus.domain.core.owners import TokenOwners
from mocknexus.domain.core.statuses import ConnectionStatus, JobType
from mocknexus.domain.core.tables import (
    ACCOUNTS,
    DECLARED_ACCOUNTS,
    EXTERNAL_GUIDS,
    MEMBERS,
    MICRO_DEPOSITS,
    OAUTH_WINDOWS,
    USER_IDS,
    USERS,
)
from mocknexus.domain.data import profiles
from mocknexus.domain.declared import declared
from mocknexus.domain.members import jobs
from mocknexus.domain.webhooks import triggers
from mocknexus.domain.webhooks.events import NO_EVENTS, Event, EventSink, current_options
from mocknexus.store import Store

PREVENTED_AFTER_DENIALS = 3
NO_VERIFIABLE_ACCOUNTS = 1000  # MX's job detail code (connect-widget src/const/jobDetailCode.js)


@dataclass(frozen=True)
class Settings:
    seed: int = 0
    api_token_ttl: timedelta = timedelta(minutes=10)
    session_ttl: timedelta = timedelta(minutes=30)
    job_time_scale: float = 1.0  # multiplies every scenario step's `seconds`; 0 makes jobs poll-gated only


class EmulatorState:
    store: Store  # this client id's partition
    catalog: Catalog
    clock: Clock  # this client id's clock
    settings: Settings
    owners: TokenOwners  # where the tokens this world issues are routed from
    events: EventSink = NO_EVENTS  # where the webhooks this world raises go (its outbox, if it has one)

    @property
    def client_id(self) -> str | None:
        return self.owners.client_id

    def _save_user(self, user: User) -> None:
        self.store.put(USERS, user.guid, user)
        if user.id is not None:  # a Platform API user need not have a partner id
            self.store.put(USER_IDS, user.id, user.guid)

    def _save_member(self, member: Member) -> None:
        if member.status_serial != member.announced_serial:
            self._announce(member)
        self.store.put(MEMBERS, member.guid, member)

    def _announce(self, member: Member) -> None:
        """Raise the webhooks of the member's status changes since the last save (inside its transaction)."""
        if self.events is not NO_EVENTS:
            user = self._user_of(member)
            for event in triggers.status_events(member, user, list(member.account_guids), self.clock.now()):
                self._raise(event, member)
        member.announced_serial = member.status_serial

    def _user_of(self, member: Member) -> User | None:
        return self.store.get(USERS, member.user_guid)

    def _raise(self, event: Event, member: Member | None) -> None:
        """Raise an event with the options of the call that caused it: this call's, or (for what a job does
        after its call has returned) those of the call that started the job."""
        options = current_options()
        job = member.job if member is not None else None
        skip = options.skip or bool(job and job.skip_webhooks)
        callback = options.callback_payload or (job.callback_payload if job else None)
        self.events.emit(replace(event, skip=skip, callback_payload=callback))

    def _members_of(self, user: User) -> list[Member]:
        members = [self.store.get(MEMBERS, guid) for guid in user.member_guids]
        return [self._settled(m) for m in members if not self._removed_if_abandoned(m)]

    def _member(self, user_guid: str, member_guid: str) -> Member:
        member: Member | None = self.store.get(MEMBERS, member_guid)
        # Another user's member is as absent as a member that never existed.
        if member is None or member.user_guid != user_guid:
            raise not_found("Member")
        if member.oauth is not None and self._removed_if_abandoned(member):  # the check inline: the hot path
            raise not_found("Member")
        return self._settled(member)

    def _removed_if_abandoned(self, member: Member) -> bool:
        """An OAuth member left PENDING past MX's hour is deleted when next touched (domain.oauth)."""
        if member.oauth is not None and self._abandoned(member):
            self._delete_member(member)
            return True
        return False

    def _abandoned(self, member: Member) -> bool:
        return False  # see domain.oauth.OAuthMembers

    def _settle_oauth(self, member: Member) -> bool:
        """Apply an OAuth member's consent outcome once the clock reaches it (True: applied now); see
        domain.oauth.OAuthMembers."""
        return False

    # ---- the data plane's hooks (domain/data/ops.py overrides them) ---------------------------------------

    def _data_after_job(self, member: Member, job: Job) -> None:
        """A job finished CONNECTED and its accounts are found: what it brings of their data."""

    def _data_tick(self, member: Member) -> bool:
        """What the clock alone does to the member's data (MX's background aggregation): whether it changed."""
        return False

    def _data_may_tick(self, member: Member, now: datetime) -> bool:
        """Whether `_data_tick` may change anything at `now`, judged from the member alone without changing it
        (False only where it would not)."""
        return False

    def _clock_may_move(self, member: Member, now: datetime) -> bool:
        """Whether the clock alone may change the member at `now` (`_advance` by the clock, `_data_tick`), judged
        without changing it: False only where neither would. A sweep copies only such a member to move it."""
        if member.oauth is not None and not member.oauth.applied:
            return True  # the bank's consent may land
        if member.job is not None and not member.job.outcome_applied:
            return True
        return self._data_may_tick(member, now)

    def _throttled(self, member: Member, job_type: JobType) -> bool:
        """Whether MX's limits refuse to start this job now (it answers 202 and starts nothing)."""
        return False

    def _forget_data(self, member: Member) -> None:
        """The member is deleted: so is its data."""

    def _scenario(self, member: Member) -> Scenario:
        name = member.job.scenario if member.job else member.scenario
        try:
            return self.catalog.scenarios[name]
        except KeyError:  # an uploaded scenario removed since it was given (a running job's cannot be)
            raise MXError(
                ErrorKind.CONFLICT, f"The member's scenario {name!r} was removed; give it another scenario first."
            ) from None

    def _settled(self, member: Member) -> Member:
        """Bring the member's job up to the clock, and produce its outcome once it has finished. Saved only
        when a step ran (or the outcome was produced): a read of a member that nothing moved writes nothing."""
        self._advance(member)
        return member

    def _advance(self, member: Member, *, by_clock: bool = False, waive_polls: bool = False) -> bool:
        """`_settled`, saying whether the member changed (and was saved); for `by_clock` and `waive_polls`
        see `jobs.advance`. An OAuth member's consent lands first (the bank's answer may start its job)."""
        consented = member.oauth is not None and not member.oauth.applied and self._settle_oauth(member)
        job = member.job
        if job is None or job.outcome_applied:
            if consented:
                self._save_member(member)
            return consented
        scenario = self._scenario(member)
        now, scale = self.clock.now(), self.settings.job_time_scale
        moved = jobs.advance(member, scenario, now, scale, by_clock=by_clock, waive_polls=waive_polls)
        if job.finished_at is not None:
            self._apply_outcome(member, scenario)
            moved = True
        if moved or consented:
            self._save_member(member)
        return moved or consented

    def _polled(self, member: Member) -> Member:
        """A client's read of a member: counted toward its step's `polls`, saved only if that count changed."""
        job = member.job
        if job is None or job.finished_at is not None:
            return member  # nothing to count (and no scenario to look up)
        if jobs.record_poll(member, self._scenario(member)):
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
            if job.type == JobType.VERIFICATION.value and not scenario.account_numbers:
                job.detail_code = NO_VERIFIABLE_ACCOUNTS
            identify = job.type == JobType.IDENTIFICATION.value
            self._add_accounts(member, scenario, verify, job.finished_at, identified=identify)
            self._data_after_job(member, job)
        elif member.connection_status is ConnectionStatus.DENIED:
            member.failed_logins += 1
            if member.failed_logins >= PREVENTED_AFTER_DENIALS:
                member.connection_status = ConnectionStatus.PREVENTED
                member.note_status(job.finished_at)
        job.outcome_applied = True

    def _start_job(self, member: Member, job_type: JobType, now: datetime) -> None:
        job = jobs.start(member, self.catalog.scenarios[member.scenario], job_type, now)
        options = current_options()
        job.callback_payload, job.skip_webhooks = options.callback_payload, options.skip
        self._save_member(self._settled(member))

    def _answer(self, member: Member, answers: list[dict[str, str]]) -> Member:
        if member.job is None:
            raise MXError(ErrorKind.METHOD_NOT_ALLOWED, "Member is not challenged.")
        jobs.answer(member, self._scenario(member), {a["guid"]: a["value"] for a in answers}, self.clock.now())
        return self._settled(member)

    def _add_accounts(
        self, member: Member, scenario: Scenario, verified: bool, at: datetime, identified: bool = False
    ) -> None:
        """A successful job finds the member's accounts (once); a verification also finds their numbers,
        an identification their owners."""
        if not member.account_guids:
            declaration = self._declaration_for(member)
            if declaration is not None:
                accounts = declared.make_accounts(declaration, member, at)
            else:
                accounts = datagen.generate_accounts(
                    self.settings.seed,
                    (member.data_seed,),
                    scenario.accounts,
                    member.guid,
                    member.user_guid,
                    at,
                    scenario.account_types,
                )
            member.account_guids = [a.guid for a in accounts]
        else:
            accounts = [self.store.get(ACCOUNTS, guid) for guid in member.account_guids]
        for account in accounts:
            # A verification finds the numbers of deposit accounts (cards, loans and investments have none to
            # move money with); declared accounts are found as declared.
            if verified and (account.declared or profiles.kind_of(account.type).has_routing):
                account.numbers_verified = True
                account.updated_at = at
            if identified:
                account.owners_identified = True
                account.updated_at = at
            self.store.put(ACCOUNTS, account.guid, account)

    def _declaration_for(self, member: Member) -> declared.Declaration | None:
        """Accounts declared for this member's user or login: this client's (control plane) after the
        fixture files', so a test's own declaration wins over a bundled one of the same specificity."""
        user = self.store.get(USERS, member.user_guid)
        institution = self.catalog.institutions.get(member.institution_guid)
        if user is None:
            return None
        values = {}
        if institution is not None:
            values = {
                c.field_name: member.credentials[c.guid]
                for c in institution.credentials
                if c.guid in member.credentials
            }
        own = sorted((r for _, r in self.store.items(DECLARED_ACCOUNTS)), key=lambda r: (r.declared_at, r.name))
        return declared.find([*self.catalog.declared_accounts, *own], user, member, values)

    def _forget(self, user: User, token_tables: tuple[str, ...], keep_static: bool) -> None:
        """Delete a user's members (with their accounts) and its tokens in `token_tables`."""
        for member_guid in list(user.member_guids):
            self._delete_member(self.store.get(MEMBERS, member_guid))
        for guid, record in list(self.store.items(MICRO_DEPOSITS)):
            if record.user_guid == user.guid:
                self.store.delete(MICRO_DEPOSITS, guid)
        self._drop_tokens(user, token_tables, keep_static)

    def _drop_tokens(self, user: User, tables: tuple[str, ...], keep_static: bool) -> None:
        """A user's sessions / api tokens; `keep_static` spares MX's never-expiring `test_session`."""
        for table in tables:
            for record in list(self.store.values(table)):
                if record.user_guid == user.guid and not (keep_static and getattr(record, "never_expires", False)):
                    self.store.delete(table, record.token)
                    self.owners.unbind(record.token)

    def _delete_member(self, member: Member) -> None:
        if member.oauth is not None and member.oauth.window_token:
            self.store.delete(OAUTH_WINDOWS, member.oauth.window_token)
            self.owners.unbind(member.oauth.window_token)
        for guid in member.account_guids:
            self.store.delete(ACCOUNTS, guid)
        self._forget_data(member)
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
