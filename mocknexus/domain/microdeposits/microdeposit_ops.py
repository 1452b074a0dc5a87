"""What a user does with micro-deposits, and what the control plane does to them.

Operations take the user's guid, not a Nexus session: Nexus finds the user through its session, MX's
Platform API names the user in its path, and both call these. A verified micro-deposit leaves a member with
one account whose numbers the account-numbers endpoints then return (INFERRED: MX documents that the account
is verified, not where a Nexus client reads it back).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime

from mocknexus.domain.core.errors import ErrorKind, MXError, not_found
from mocknexus.domain.core.ids import derived_guid, new_guid
from mocknexus.domain.core.models import Account, Member, User
from mocknexus.domain.core.state import EmulatorState
from mocknexus.domain.core.statuses import ConnectionStatus
from mocknexus.domain.core.tables import ACCOUNTS, MICRO_DEPOSITS, USERS
from mocknexus.domain.microdeposits.microdeposits import (
    ACCOUNT_TYPES,
    ACTIVE_STATUSES,
    PREVENTED_AFTER_ATTEMPTS,
    VERIFIABLE,
    BlockedReason,
    MicroDeposit,
    MicroDepositStatus,
    routing_block,
    rule_for,
    webhook_payload,
)
from mocknexus.domain.webhooks.events import NO_EVENTS, Event, EventType

S = MicroDepositStatus

# MX's validation rules (Nexus "API Testing"): names of 1-50 characters with "no special characters" (MX's
# regex is not published: letters, spaces, apostrophes, periods and hyphens are INFERRED), a standard email,
# an account number of 1-17 characters (digits: INFERRED), an account name of 1-50 characters.
_NAME = re.compile(r"[A-Za-z][A-Za-z .'\-]{0,49}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_ACCOUNT_NUMBER = re.compile(r"[0-9]{1,17}")
MICRO_DEPOSIT_INSTITUTION_CODE = "mx_microdeposits"  # the member a verification leaves (INFERRED)


@dataclass(frozen=True)
class MicroDepositEvent:
    """A micro-deposit was created or changed status: what MX's MICRODEPOSITS webhook reports (`payload`:
    its body, `microdeposits.webhook_payload`)."""

    action: str  # "created" or "updated" (MX's webhook `action`)
    client_id: str | None
    user_guid: str
    micro_deposit: MicroDeposit
    payload: dict = field(default_factory=dict)


MicroDepositSink = Callable[[MicroDepositEvent], None]


@dataclass
class MicroDepositsAdvanced:
    moved: list[MicroDeposit] = field(default_factory=list)  # micro-deposits whose status changed (each saved)
    next_due: datetime | None = None  # the earliest clock time one moves by time alone (None: none)


@dataclass
class AccountDetails:
    """What a create (or the completion of a pre-initiated one) gives about the account."""

    account_number: str | None = None
    routing_number: str | None = None
    account_type: int | None = None
    account_name: str | None = None


class MicroDeposits(EmulatorState):
    # A world may set this to hear every create and status change (webhooks; None: nobody listens).
    micro_deposit_sink: MicroDepositSink | None = None

    def create_micro_deposit(
        self,
        user_guid: str,
        first_name: str | None,
        last_name: str | None,
        email: str | None,
        details: AccountDetails,
    ) -> MicroDeposit:
        """MX: with account details the new record is INITIATED; with first_name, last_name and email only,
        PREINITIATED (the widget then asks for the account). A second request for an account that already has
        one (not failed) answers a CONFLICTED record."""
        with self.store.transaction():
            user = self._micro_user(user_guid)
            _check_person(first_name, last_name, email)
            has_account = any(v is not None for v in vars(details).values())
            if not has_account and not (first_name and last_name and email):
                raise MXError(
                    ErrorKind.MISSING_PARAMETERS,
                    "Send account_number, routing_number and account_type (or, to pre-initiate, first_name, "
                    "last_name and email).",
                )
            now = self.clock.now()
            record = MicroDeposit(
                guid=new_guid("MIC"),
                user_guid=user.guid,
                created_at=now,
                updated_at=now,
                status=S.PREINITIATED,
                status_changed_at=now,
                first_name=first_name,
                last_name=last_name,
                email=email,
                sequence=max((r.sequence for r in self.store.values(MICRO_DEPOSITS)), default=0) + 1,
            )
            if has_account:
                self._fill_account(record, details, now)
            self._save_micro_deposit(record, "created")
            return record

    def update_micro_deposit(self, user_guid: str, guid: str, details: AccountDetails) -> MicroDeposit:
        """Complete a PREINITIATED micro-deposit with its account (the widget's update; INFERRED for Nexus)."""
        with self.store.transaction():
            record = self._micro_deposit(user_guid, guid)
            if record.status is not S.PREINITIATED:
                raise MXError(
                    ErrorKind.UNPROCESSABLE,
                    f"Only a PREINITIATED micro-deposit takes account details; this one is {record.status.name}.",
                )
            self._fill_account(record, details, self.clock.now())
            self._save_micro_deposit(record, "updated")
            return record

    def list_micro_deposits(self, user_guid: str) -> list[MicroDeposit]:
        with self.store.transaction():
            user = self._micro_user(user_guid)
            found = [self._settled_deposit(r) for r in self.store.values(MICRO_DEPOSITS) if r.user_guid == user.guid]
            return sorted(found, key=lambda r: r.sequence)

    def read_micro_deposit(self, user_guid: str, guid: str) -> MicroDeposit:
        """A read also moves the status on (MX: "You may force a status update by calling the read
        microdeposit endpoint")."""
        with self.store.transaction():
            return self._micro_deposit(user_guid, guid)

    def delete_micro_deposit(self, user_guid: str, guid: str) -> None:
        """MX's Platform deleteMicrodeposit. A verified one's member and account stay (INFERRED: MX documents
        only that the micro-deposit is deleted)."""
        with self.store.transaction():
            record = self._micro_deposit(user_guid, guid)
            self.store.delete(MICRO_DEPOSITS, record.guid)

    def micro_deposit_owner(self, guid: str) -> str:
        """The guid of the user a micro-deposit belongs to (MX's verify names no user in its path)."""
        record = self.store.get(MICRO_DEPOSITS, guid)
        if record is None:
            raise not_found("Micro-deposit")
        return record.user_guid

    def verify_micro_deposit(self, user_guid: str, guid: str, amount_1: float, amount_2: float) -> MicroDeposit:
        """Right amounts: VERIFIED, and the account becomes readable. Wrong ones: DENIED (the widget asks
        again), PREVENTED on the third wrong pair. Amounts before DEPOSITED, or after the end, are refused
        with a 422 naming the status (INFERRED: MX documents no error for these)."""
        with self.store.transaction():
            record = self._micro_deposit(user_guid, guid)
            if record.status not in VERIFIABLE:
                raise MXError(
                    ErrorKind.UNPROCESSABLE,
                    f"The micro-deposit is {record.status.name}: amounts can be verified only once it is "
                    "DEPOSITED (or DENIED, to try again).",
                )
            now = self.clock.now()
            if record.amounts_match(amount_1, amount_2):
                record.move(S.VERIFIED, now)
                record.verified_at = now
                self._publish_account(record, now)
            else:
                record.attempts += 1
                record.move(S.PREVENTED if record.attempts >= PREVENTED_AFTER_ATTEMPTS else S.DENIED, now)
            self._save_micro_deposit(record, "updated")
            return record

    def routing_number_block(self, routing_number: str) -> BlockedReason | None:
        """Why micro-deposits cannot go to this routing number (None: they can)."""
        return routing_block(routing_number, self.catalog.blocked_routing_numbers)

    def advance_micro_deposits(self) -> MicroDepositsAdvanced:
        """What the clock alone does, with no request: every micro-deposit moved up to this world's clock
        (background work runs this, so DEPOSITED happens, and is reported, even if nobody reads it)."""
        result = MicroDepositsAdvanced()
        with self.store.transaction():
            for record in list(self.store.values(MICRO_DEPOSITS)):
                before = record.status
                record = self._settled_deposit(record)
                if record.status is not before:
                    result.moved.append(record)
                due = record.due_at(self.settings.job_time_scale or 1.0)
                if due is not None and (result.next_due is None or due < result.next_due):
                    result.next_due = due
        return result

    # ---- Control plane --------------------------------------------------------------------------------

    def has_micro_deposit(self, guid: str) -> bool:
        return self.store.get(MICRO_DEPOSITS, guid) is not None

    def observe_micro_deposit(self, guid: str) -> MicroDeposit:
        """Any user's micro-deposit, settled to the clock (with its amounts, which only the control plane
        reveals)."""
        with self.store.transaction():
            record = self.store.get(MICRO_DEPOSITS, guid)
            if record is None:
                raise not_found("Micro-deposit")
            return self._settled_deposit(record)

    def steer_micro_deposit(
        self, guid: str, status: MicroDepositStatus | None, amounts: tuple[float, float] | None
    ) -> MicroDeposit:
        """Force a status (any of MX's, now) and/or set the amounts that verify it."""
        with self.store.transaction():
            record = self.observe_micro_deposit(guid)
            now = self.clock.now()
            if amounts is not None:
                record.amounts = list(amounts)
                record.updated_at = now
            if status is not None and status is not record.status:
                record.move(status, now)
                if status is S.VERIFIED:
                    record.verified_at = now
                    self._publish_account(record, now)
            self._save_micro_deposit(record, "updated" if status is not None else None)
            return record

    # ---- internals ------------------------------------------------------------------------------------

    def _micro_user(self, user_guid: str) -> User:
        user = self.store.get(USERS, user_guid)
        if user is None:
            raise not_found("User")
        return user

    def _micro_deposit(self, user_guid: str, guid: str) -> MicroDeposit:
        record: MicroDeposit | None = self.store.get(MICRO_DEPOSITS, guid)
        if record is None or record.user_guid != user_guid:  # another user's is as absent as none
            raise not_found("Micro-deposit")
        return self._settled_deposit(record)

    def _settled_deposit(self, record: MicroDeposit) -> MicroDeposit:
        # --job-time-scale shortens micro-deposits too; its 0 ("jobs move on polls alone") leaves them on the
        # clock, since nothing polls a micro-deposit forward.
        scale = self.settings.job_time_scale or 1.0
        while record.settle(self.clock.now(), scale):  # one event per status passed through
            self._save_micro_deposit(record, "updated")
        return record

    def _fill_account(self, record: MicroDeposit, details: AccountDetails, now: datetime) -> None:
        number, routing, kind = details.account_number, details.routing_number, details.account_type
        missing = [
            n for n, v in (("account_number", number), ("routing_number", routing), ("account_type", kind)) if v is None
        ]
        if missing:
            raise MXError(ErrorKind.MISSING_PARAMETERS, f"Missing {', '.join(missing)}.")
        assert number is not None and routing is not None
        if not _ACCOUNT_NUMBER.fullmatch(number):
            raise MXError(ErrorKind.INVALID_PARAMETERS, "account_number must be 1 to 17 digits.")
        if kind not in ACCOUNT_TYPES.values():
            raise MXError(ErrorKind.INVALID_PARAMETERS, "account_type must be 1 (CHECKING) or 2 (SAVINGS).")
        if details.account_name is not None and not 1 <= len(details.account_name) <= 50:
            raise MXError(ErrorKind.INVALID_PARAMETERS, "account_name must be 1 to 50 characters.")
        blocked = self.routing_number_block(routing)
        if blocked is not None:
            raise MXError(ErrorKind.INVALID_PARAMETERS, routing_refusal(routing, blocked.name))
        record.account_number, record.routing_number, record.account_type = number, routing, kind
        record.account_name = details.account_name
        if self._duplicate_request(record):
            record.move(S.CONFLICTED, now)
            return
        record.initiate(rule_for(number, self.catalog.micro_deposit_rules), now)

    def _duplicate_request(self, record: MicroDeposit) -> bool:
        return any(
            other.guid != record.guid
            and other.user_guid == record.user_guid
            and (other.account_number, other.routing_number) == (record.account_number, record.routing_number)
            and self._settled_deposit(other).status in ACTIVE_STATUSES
            for other in list(self.store.values(MICRO_DEPOSITS))
        )

    def _save_micro_deposit(self, record: MicroDeposit, action: str | None) -> None:
        """Save, and (for a create or status change, `action`) raise MX's MICRODEPOSITS webhook in the same
        transaction, with the options of the call that caused it (none for what the clock alone moved)."""
        self.store.put(MICRO_DEPOSITS, record.guid, record)
        sink = self.micro_deposit_sink
        if action is None or (sink is None and self.events is NO_EVENTS):
            return
        user = self.store.get(USERS, record.user_guid)
        payload = webhook_payload(record, action, user.id if user else None)
        if self.events is not NO_EVENTS:
            at = record.updated_at or self.clock.now()
            self._raise(
                Event(EventType.MICRODEPOSITS, payload, at, None, record.user_guid, subject_guid=record.guid), None
            )
        if sink is not None:
            sink(MicroDepositEvent(action, self.client_id, record.user_guid, replace(record), payload))

    def _publish_account(self, record: MicroDeposit, now: datetime) -> None:
        """A verified account: one member (CONNECTED, no job) holding one account with verified numbers."""
        if record.account_guid is not None:
            return
        user = self._micro_user(record.user_guid)
        name = record.account_name or record.institution_name or "Verified account"
        member = Member(
            guid=new_guid("MBR"),
            user_guid=user.guid,
            institution_guid=derived_guid("INS", MICRO_DEPOSIT_INSTITUTION_CODE),
            institution_code=MICRO_DEPOSIT_INSTITUTION_CODE,
            name=record.institution_name or "Micro-deposit verification",
            credentials={},
            scenario="connected",
            created_at=now,
            data_seed=f"{user.id}:{record.guid}",
            connection_status=ConnectionStatus.CONNECTED,
            aggregated_at=now,
            successfully_aggregated_at=now,
        )
        account = Account(
            guid=new_guid("ACT"),
            member_guid=member.guid,
            user_guid=user.guid,
            name=name,
            type=record.account_type_name or "CHECKING",
            subtype=record.account_type_name,
            balance=0.0,  # micro-deposits verify ownership, not balances (INFERRED)
            available_balance=0.0,
            currency_code="USD",
            account_number=record.account_number or "",
            routing_number=record.routing_number or "",
            numbers_verified=True,
            created_at=now,
            updated_at=now,
        )
        member.account_guids = [account.guid]
        user.member_guids.append(member.guid)
        self._save_user(user)
        self.store.put(ACCOUNTS, account.guid, account)
        self._save_member(member)
        record.member_guid, record.account_guid = member.guid, account.guid


def routing_refusal(routing_number: str, reason_name: str) -> str:
    """MX's widget says "Institution is not supported for microdeposit verification." for a blocked one."""
    if reason_name == "INVALID":
        return f"routing_number {routing_number} is not a valid ABA routing number."
    return f"Institution is not supported for microdeposit verification (routing number {reason_name})."


def _check_person(first_name: str | None, last_name: str | None, email: str | None) -> None:
    for label, value in (("first_name", first_name), ("last_name", last_name)):
        if value is not None and not _NAME.fullmatch(value):
            raise MXError(ErrorKind.INVALID_PARAMETERS, f"{label} must be 1 to 50 letters with no special characters.")
    if email is not None and not _EMAIL.fullmatch(email):
        raise MXError(ErrorKind.INVALID_PARAMETERS, "email must be a valid email address.")
