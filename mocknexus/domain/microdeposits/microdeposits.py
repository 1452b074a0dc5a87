"""Micro-deposits: MX's record, its status machine on the emulated clock, and the rules that pick outcomes.

MX's facts (docs.mx.com, Nexus "Microdeposits" and "API Testing"; connect-widget src/views/microdeposits):
statuses 0 INITIATED ... 9 PREINITIATED (no PENDING); account numbers starting 3333 are valid in MX's
integration environment and go INITIATED -> REQUESTED -> DEPOSITED "after two minutes"; the third wrong pair
of amounts makes a micro-deposit PREVENTED; routing numbers follow the ABA rules, and some valid ones are
refused ("091000019 but not 222222226 or 021000021"). Everything else here is marked INFERRED.

A micro-deposit moves lazily, like a member's job: `settle` brings it up to the clock whenever it is read.
Which way it goes is chosen at creation by the longest matching account-number prefix among the rules
(fixture files, `micro_deposits`), as credential values choose a member's scenario.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from enum import Enum

from mocknexus.domain.core.datagen import is_valid_aba


class MicroDepositStatus(Enum):
    # name = MX's integer status (connect-widget src/views/microdeposits/const.js; Nexus docs' table)
    INITIATED = 0
    REQUESTED = 1
    DEPOSITED = 2
    VERIFIED = 3
    ERRORED = 4
    DENIED = 5
    PREVENTED = 6
    CONFLICTED = 7
    REJECTED = 8
    PREINITIATED = 9

    @property
    def id(self) -> int:
        return self.value

    @classmethod
    def names(cls) -> list[str]:
        return [s.name for s in cls]


S = MicroDepositStatus
# The widget's ErrorStatuses: a micro-deposit in one of these is over (DENIED still takes amounts).
ERROR_STATUSES = (S.ERRORED, S.DENIED, S.PREVENTED, S.CONFLICTED, S.REJECTED)
# A micro-deposit in one of these is still "the" request for its account: a second one is CONFLICTED.
ACTIVE_STATUSES = (S.PREINITIATED, S.INITIATED, S.REQUESTED, S.DEPOSITED, S.DENIED, S.VERIFIED)
# The widget takes amounts in these (VerifyDeposits for DEPOSITED and DENIED).
VERIFIABLE = (S.DEPOSITED, S.DENIED)
# Ends a rule may choose (the others come from amounts, duplicates, or the control plane).
RULE_ENDS = (S.DEPOSITED, S.ERRORED, S.REJECTED)

PREVENTED_AFTER_ATTEMPTS = 3  # MX: "On the third attempt with incorrect amounts" -> PREVENTED

# MX's integer account_type for micro-deposits: "Possible values are 1 (CHECKING) and 2 (SAVINGS)".
ACCOUNT_TYPES = {"CHECKING": 1, "SAVINGS": 2}
ACCOUNT_TYPE_NAMES = {v: k for k, v in ACCOUNT_TYPES.items()}


class BlockedReason(Enum):
    """Why a routing number is refused (connect-widget const.js BLOCKED_REASONS)."""

    INVALID = 0
    BLOCKED = 1
    CLIENT_BLOCKED = 2
    IAV_PREFERRED = 3


# First two digits an ABA routing number may start with (Federal Reserve districts, thrift, electronic).
_ABA_PREFIXES = frozenset(f"{n:02d}" for n in (0, *range(1, 13), *range(21, 33), *range(61, 73), 80))


def routing_block(routing_number: str, blocked: dict[str, BlockedReason]) -> BlockedReason | None:
    """None if micro-deposits may go to this routing number; otherwise why not. A number failing the ABA
    checksum or starting with no Federal Reserve prefix is INVALID; `blocked` (fixture files) lists numbers
    that pass both and are refused anyway (MX's "222222226" and "021000021")."""
    if not is_valid_aba(routing_number) or routing_number[:2] not in _ABA_PREFIXES:
        return BlockedReason.INVALID
    return blocked.get(routing_number)


@dataclass(frozen=True)
class MicroDepositRule:
    """How micro-deposits to accounts whose number starts with `account_number` turn out."""

    account_number: str  # a prefix of digits; the longest matching rule wins
    end: MicroDepositStatus = S.DEPOSITED  # DEPOSITED, ERRORED or REJECTED
    amounts: tuple[float, float] = (0.09, 0.09)  # MX's own example amounts
    requested_after: float = 1.0  # seconds INITIATED before REQUESTED (INFERRED: MX says "followed by")
    deposited_after: float = 120.0  # seconds REQUESTED before the end ("after two minutes")
    institution_name: str | None = None
    error_message: str | None = None  # for ERRORED / REJECTED
    description: str = ""


# When no rule matches: MX's integration environment takes only account numbers starting 3333 as valid,
# so any other is rejected by the provider (INFERRED: MX says which are valid, not how others fail).
NO_RULE = MicroDepositRule(
    account_number="",
    end=S.REJECTED,
    requested_after=0.0,
    error_message="The account number was not accepted (in MX's integration environment, use one starting 3333).",
)
DEFAULT_ERRORS = {
    S.ERRORED: "The micro-deposits could not be made (an ACH error at the provider).",
    S.REJECTED: "The micro-deposit request was rejected.",
    S.CONFLICTED: "There is an existing micro-deposit request for this account.",
    S.PREVENTED: "Too many incorrect verification attempts.",
}


def rule_for(account_number: str, rules: list[MicroDepositRule]) -> MicroDepositRule:
    found = [r for r in rules if account_number.startswith(r.account_number)]
    return max(found, key=lambda r: len(r.account_number)) if found else NO_RULE


@dataclass
class MicroDeposit:
    guid: str
    user_guid: str
    created_at: datetime
    updated_at: datetime
    status: MicroDepositStatus
    status_changed_at: datetime  # when the current status began: the clock moves it on from here
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    account_name: str | None = None
    account_number: str | None = None
    account_type: int | None = None  # 1 CHECKING, 2 SAVINGS
    routing_number: str | None = None
    institution_name: str | None = None
    error_code: str | None = None
    error_message: str | None = None
    verified_at: datetime | None = None
    # The rule's script, copied at creation so a later fixture change does not move a running one.
    end: MicroDepositStatus = S.DEPOSITED
    requested_after: float = 1.0
    deposited_after: float = 120.0
    amounts: list[float] = field(default_factory=lambda: [0.09, 0.09])  # never rendered by MX's API
    attempts: int = 0  # wrong pairs of amounts so far
    sequence: int = 0  # creation order in its world (clocks may be frozen: created_at ties)
    member_guid: str | None = None  # the member and account a verification made readable
    account_guid: str | None = None

    @property
    def status_name(self) -> str:
        return self.status.name

    @property
    def account_type_name(self) -> str | None:
        return ACCOUNT_TYPE_NAMES.get(self.account_type) if self.account_type is not None else None

    def move(self, status: MicroDepositStatus, at: datetime, error: str | None = None) -> None:
        self.status = status
        self.status_changed_at = at
        self.updated_at = at
        if status in ERROR_STATUSES and status is not S.DENIED:
            self.error_code = str(status.id)  # INFERRED: MX documents error_code as a string, not its values
            self.error_message = error or DEFAULT_ERRORS.get(status)
        elif status is not S.DENIED:
            self.error_code = self.error_message = None

    def initiate(self, rule: MicroDepositRule, at: datetime) -> None:
        """Take the rule's script and start it (a create with account details, or a completed pre-initiation)."""
        self.end = rule.end
        self.requested_after = rule.requested_after
        self.deposited_after = rule.deposited_after
        self.amounts = list(rule.amounts)
        self.institution_name = rule.institution_name
        self.move(S.INITIATED, at)
        if rule.error_message:
            self.error_message = rule.error_message  # kept for the end it leads to

    def settle(self, now: datetime, time_scale: float = 1.0) -> bool:
        """Take the next step due by `now`; True if there was one (call again for the next). INITIATED ->
        REQUESTED -> end (REJECTED straight from INITIATED: the provider refuses the request). Each step
        starts when the last ended, so a clock advanced by hours lands every step at its own time."""
        due = self._next_due(time_scale)
        if due is None or now < due[1]:
            return False
        status, at = due
        self.move(status, at, self.error_message if status in (S.ERRORED, S.REJECTED) else None)
        return True

    def due_at(self, time_scale: float = 1.0) -> datetime | None:
        """When the clock alone next moves this micro-deposit (None: only a call can)."""
        due = self._next_due(time_scale)
        return due[1] if due else None

    def _next_due(self, scale: float) -> tuple[MicroDepositStatus, datetime] | None:
        start = self.status_changed_at
        if self.status is S.INITIATED:
            if self.end is S.REJECTED:
                return S.REJECTED, start + timedelta(seconds=self.requested_after * scale)
            return S.REQUESTED, start + timedelta(seconds=self.requested_after * scale)
        if self.status is S.REQUESTED:
            return self.end, start + timedelta(seconds=self.deposited_after * scale)
        return None

    def amounts_match(self, first: float, second: float) -> bool:
        """MX compares amounts to the cent; the order of the two deposits does not matter (INFERRED)."""
        given = sorted(_cents(v) for v in (first, second))
        return given == sorted(_cents(v) for v in self.amounts)


def _cents(value: float) -> int:
    # Whole cents by rounding (quantizing a value past the context's 28 digits, 1e30, raises).
    return round(Decimal(str(value)) * 100)


def _webhook_time(value: datetime | None) -> str | None:
    """MX's micro-deposit webhook writes `2021-10-22T21:44:38.000+00:00`."""
    if value is None:
        return None
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}+00:00"


def webhook_payload(record: MicroDeposit, action: str, user_id: str | None) -> dict:
    """MX's MICRODEPOSITS webhook body (docs.mx.com/resources/webhooks/microdeposits), ready for the webhook
    dispatcher to send: `action` "created" or "updated", `version` 1, the record at MX's JSON types."""
    return {
        "action": action,
        "version": 1,
        "micro_deposit": {
            "account_number": record.account_number,
            "account_type": record.account_type,
            "created_at": _webhook_time(record.created_at),
            "guid": record.guid,
            "institution_guid": None,  # MX's example: null (no MX institution behind a routing number)
            "routing_number": record.routing_number,
            "status": record.status.id,
            "status_name": record.status.name,
            "updated_at": _webhook_time(record.updated_at),
            "user_guid": record.user_guid,
            "user_id": user_id,
            "verified_at": _webhook_time(record.verified_at),
        },
    }
