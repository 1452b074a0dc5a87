"""MX's static test endpoints (docs.mx.com/nexus/test-endpoints), answered from names alone.

With the session token `test_session`, any endpoint that takes a member guid accepts `test_member` or a
connection-status name (`CHALLENGED`, `DENIED`, ...) and answers as a member in that state; account
numbers, account owners, identify and verify accept `test_nexus_member`, `unverified` and `unidentified`.
MX says they are static: nothing a caller does changes them. So they are not records in the store, which
a DELETE could remove or a job could advance: `StaticMembers` builds them once, deterministically (derived
guids, a fixed epoch, seeded data), and answers every call from them without writing anything. It satisfies
the same `operations.UserOperations` as `Emulator`, so the web layer simply talks to it instead.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from mocknexus.domain.catalog.catalog import Institution
from mocknexus.domain.core import datagen
from mocknexus.domain.core.errors import ErrorKind, MXError, not_found
from mocknexus.domain.core.ids import derived_guid
from mocknexus.domain.core.models import Account, Challenge, Job, Member, Session, User
from mocknexus.domain.core.pagination import Page, paginate
from mocknexus.domain.core.statuses import ConnectionStatus, Group, JobType
from mocknexus.domain.members import jobs
from mocknexus.domain.members.members import Members
from mocknexus.domain.members.operations import Answers, MemberChanges
from mocknexus.domain.oauth.oauth import NO_OAUTH, OAuthOptions

TEST_SESSION_TOKEN = "test_session"
TEST_MEMBER = "test_member"
VERIFIED = "test_nexus_member"  # account numbers and owners
UNVERIFIED = "unverified"  # no account numbers
UNIDENTIFIED = "unidentified"  # no account owners
FIXTURE_MEMBERS = (TEST_MEMBER, VERIFIED, UNVERIFIED, UNIDENTIFIED)
# The 20 status names MX's test endpoints take (every status but EXPIRED and PENDING).
STATUS_NAMES = tuple(s.name for s in ConnectionStatus if s not in (ConnectionStatus.EXPIRED, ConnectionStatus.PENDING))
INSTITUTION_CODE = "mxbank"
CHALLENGE_SCENARIO = "mfa_text"  # the question a CHALLENGED test member asks
EPOCH = datetime(2020, 1, 1, tzinfo=UTC)
READ_ONLY = (
    "test_session is MX's static test session: it reads MX's static test members and changes nothing. "
    "Open a session of your own (SSO api_token, then POST /sessions) to create members."
)


def is_static_member(guid: str) -> bool:
    """Whether `guid` names one of MX's static test members (answered from the name, never stored)."""
    return guid in FIXTURE_MEMBERS or guid in STATUS_NAMES


class StaticMembers:
    """The `test_session` world: read-only, shared by every caller, the same on every run."""

    def __init__(self, catalog_reader: Members, seed: int) -> None:
        """`catalog_reader`: the emulator; only institutions are read through it, nothing is written."""
        self._reader = catalog_reader
        self._seed = seed
        catalog = catalog_reader.catalog
        institution = next((i for i in catalog.institutions.values() if i.code == INSTITUTION_CODE), None)
        self.user = User(guid=derived_guid("USR", "static"), id="test_user", created_at=EPOCH, email="test@example.com")
        self.session = Session(TEST_SESSION_TOKEN, self.user.guid, EPOCH, EPOCH, never_expires=True)
        self._members: dict[str, Member] = {}
        self._accounts: dict[str, list[Account]] = {}
        if institution is None:
            return  # a fixture set without MX Bank: the test members have nothing to stand on
        challenges = _challenges(catalog.scenarios.get(CHALLENGE_SCENARIO))
        for name in FIXTURE_MEMBERS + STATUS_NAMES:
            status = ConnectionStatus[name] if name in STATUS_NAMES else ConnectionStatus.CONNECTED
            member = _member(name, status, institution, self.user, challenges)
            self._members[name] = member
            self._accounts[name] = (
                self._make_accounts(name, member, seed) if status is ConnectionStatus.CONNECTED else []
            )

    def _make_accounts(self, name: str, member: Member, seed: int) -> list[Account]:
        made = datagen.generate_accounts(seed, ("static", name), 2, member.guid, self.user.guid, EPOCH)
        return [
            replace(
                a,
                guid=derived_guid("ACT", "static", name, str(index)),
                numbers_verified=name != UNVERIFIED,
                owners_identified=name != UNIDENTIFIED,
            )
            for index, a in enumerate(made)
        ]

    # ---- the Nexus API's calls, answered without writing ------------------------------------------------

    def get_user(self, user_guid: str) -> User:
        if user_guid != self.user.guid:
            raise not_found("User")
        return self.user

    def search_institutions(
        self,
        name: str | None,
        url: str | None,
        countries: list[str] | None,
        page: int | None,
        per_page: int | None,
        supports: tuple[str, ...] = (),
    ) -> tuple[list[Institution], Page]:
        return self._reader.search_institutions(name, url, countries, page, per_page, supports)

    def read_institution(self, guid: str) -> Institution:
        return self._reader.read_institution(guid)

    def list_members(self, user_guid: str, page: int | None, per_page: int | None) -> tuple[list[Member], Page]:
        self.get_user(user_guid)
        return paginate([self._members[n] for n in FIXTURE_MEMBERS if n in self._members], page, per_page)

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
        raise MXError(ErrorKind.FORBIDDEN, READ_ONLY)

    def read_member(self, user_guid: str, member_guid: str, poll: bool = True) -> Member:
        member = self._members.get(member_guid)
        if member is None or user_guid != self.user.guid:
            raise not_found("Member")
        return member

    def update_member(self, user_guid: str, member_guid: str, changes: MemberChanges) -> Member:
        return self.read_member(user_guid, member_guid)

    def delete_member(self, user_guid: str, member_guid: str) -> None:
        self.read_member(user_guid, member_guid)  # answers as a delete would; the member stays

    def resume_member(self, user_guid: str, member_guid: str, challenges: Answers) -> Member:
        member = self.read_member(user_guid, member_guid)
        if member.connection_status is not ConnectionStatus.CHALLENGED:
            raise MXError(ErrorKind.METHOD_NOT_ALLOWED, "Member is not challenged.")
        return member

    def list_challenges(self, user_guid: str, member_guid: str) -> list[Challenge]:
        return list(self.read_member(user_guid, member_guid).challenges)

    def start_job(self, user_guid: str, member_guid: str, job_type: JobType) -> tuple[Member, bool]:
        return self.read_member(user_guid, member_guid), True

    def request_oauth_window(self, user_guid: str, member_guid: str, options: OAuthOptions) -> Member:
        self.read_member(user_guid, member_guid)
        raise MXError(ErrorKind.BAD_REQUEST, NO_OAUTH)  # none of MX's static members is an OAuth one

    def list_accounts(self, user_guid: str, member_guid: str | None = None) -> list[Account]:
        if member_guid is not None:
            self.read_member(user_guid, member_guid)
            return list(self._accounts[member_guid])
        self.get_user(user_guid)
        return [a for name in FIXTURE_MEMBERS for a in self._accounts.get(name, [])]

    def read_account(self, user_guid: str, account_guid: str) -> Account:
        found = next((a for accounts in self._accounts.values() for a in accounts if a.guid == account_guid), None)
        if found is None or user_guid != self.user.guid:
            raise not_found("Account")
        return found

    def update_account(
        self, user_guid: str, account_guid: str, nickname: str | None, is_hidden: bool | None
    ) -> Account:
        return self.read_account(user_guid, account_guid)

    def account_numbers(self, user_guid: str, member_guid: str) -> list[Account]:
        return [a for a in self.list_accounts(user_guid, member_guid) if a.numbers_verified]

    def account_numbers_for_account(self, user_guid: str, account_guid: str) -> list[Account]:
        account = self.read_account(user_guid, account_guid)
        return [account] if account.numbers_verified else []

    def account_owners(self, user_guid: str, member_guid: str) -> list[datagen.AccountOwner]:
        accounts = [a for a in self.list_accounts(user_guid, member_guid) if a.owners_identified]
        return datagen.generate_owners(self._seed, ("static", member_guid), accounts)


def _challenges(scenario: Any) -> list[Challenge]:
    step = next((s for s in scenario.steps if s.is_challenge), None) if scenario else None
    specs = step.challenges if step else ()
    return [
        jobs.challenge_from(spec, derived_guid("CRD", "static-challenge", str(index)))
        for index, spec in enumerate(specs)
    ]


def _member(name: str, status: ConnectionStatus, institution: Institution, user: User, challenges: list) -> Member:
    """A member shown in `status`: a processing or CHALLENGED one has its job running, as at MX."""
    running = status.group is Group.PROCESSING or status is ConnectionStatus.CHALLENGED
    job = Job(
        guid=derived_guid("JOB", "static", name),
        type=JobType.VERIFICATION.value,
        scenario=CHALLENGE_SCENARIO,
        started_at=EPOCH,
        starting_status=ConnectionStatus.CREATED,
        challenges=challenges if status is ConnectionStatus.CHALLENGED else [],
        finished_at=None if running else EPOCH,
        outcome_applied=not running,
    )
    connected = status is ConnectionStatus.CONNECTED
    return Member(
        guid=name,
        user_guid=user.guid,
        institution_guid=institution.guid,
        institution_code=institution.code,
        name=institution.name,
        credentials={},
        scenario=CHALLENGE_SCENARIO,
        created_at=EPOCH,
        data_seed=f"static:{name}",
        connection_status=status,
        aggregated_at=EPOCH,
        successfully_aggregated_at=EPOCH if connected else None,
        job=job,
    )
