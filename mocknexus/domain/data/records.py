"""What the data plane keeps per member (one record, `MemberData`): each account's ledger, the aggregations
that brought transactions in, the transactions added by hand (declared, injected), the partner's edits,
and the statement fetches. Generated transactions are never stored: they follow from these and the seed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

AGGREGATIONS_KEPT = 400  # a year of daily background aggregations and then some; older ones merge


@dataclass
class Aggregation:
    """One job (or background run) that brought transactions in: what it saw is every transaction made by
    `at` and dated on or after `history_from` (ISO date)."""

    at: datetime
    history_from: str
    job_guid: str | None = None
    is_background: bool = False
    serial: int = 0  # its place among the member's aggregations (1, 2, ...): what a hand-added change waits for


@dataclass
class HoldingSpec:
    """A holding declared exactly (a declared account's): its prices stay as declared."""

    symbol: str
    description: str
    holding_type: str
    quantity: float
    purchase_price: float
    current_price: float
    previous_price: float


@dataclass
class StatementPeriod:
    """A statement declared exactly: its first and last day (ISO dates)."""

    start: str
    end: str


@dataclass
class Ledger:
    """One account's data: its kind (which transactions it generates), and its balance's anchor."""

    account_guid: str
    kind: str  # profiles.KINDS key: CHECKING, SAVINGS, CREDIT_CARD, LOAN, MORTGAGE, INVESTMENT
    seed: str  # what its generated transactions are seeded from (stable across runs)
    opened_on: str  # ISO date: no generated transaction before it (the extended history's limit)
    anchor_at: datetime  # the balance found when the account was found, at this instant
    anchor_balance: float
    hold: float = 0.0  # what the bank holds back beyond pending debits (available = balance - pending - hold)
    rate: float = 1.0  # how busy the account is: scales its everyday purchases (0: none generated)
    generated: bool = True  # generated transactions on (declared accounts say)
    credit_limit: float | None = None
    balance_at: datetime | None = None  # when the balance was last brought up to date
    balance: float | None = None  # the balance then (None: the anchor's)
    counted: list[str] = field(default_factory=list)  # transactions added by hand that the balance includes
    # A declared account's exact holdings and statements (None: generated from the seed).
    holdings: list[HoldingSpec] | None = None
    statements: list[StatementPeriod] | None = None


@dataclass
class StoredTransaction:
    """A transaction added by hand: declared as test data, or injected into a running world (control plane).
    It shows at the first aggregation after it was added (`after_serial`: the member's aggregations then) and
    made, pending until an aggregation at or after `posted_at` (None: pending until posted through the
    control plane) that came after it was posted (`posted_after`)."""

    guid: str
    account_guid: str
    amount: float
    type: str  # DEBIT or CREDIT
    description: str
    transacted_at: datetime
    added_at: datetime
    posted_at: datetime | None = None
    pending_amount: float | None = None  # what it showed while pending (None: the amount)
    category_guid: str | None = None
    merchant_guid: str | None = None
    memo: str | None = None
    original_description: str | None = None
    id: str | None = None  # the partner-side id, when the declaration gives one
    after_serial: int = 0
    posted_after: int = 0


@dataclass
class TransactionEdit:
    """What the partner changed on a transaction (MX's TransactionUpdateRequest)."""

    guid: str
    updated_at: datetime
    description: str | None = None
    memo: str | None = None
    category_guid: str | None = None
    date: str | None = None


@dataclass
class MemberData:
    member_guid: str
    user_guid: str
    ledgers: list[Ledger] = field(default_factory=list)
    aggregations: list[Aggregation] = field(default_factory=list)
    stored: list[StoredTransaction] = field(default_factory=list)
    edits: list[TransactionEdit] = field(default_factory=list)
    statement_fetches: list[datetime] = field(default_factory=list)
    balance_checks: list[datetime] = field(default_factory=list)  # recent ones, for MX's limit
    standard_aggregations: list[datetime] = field(default_factory=list)  # explicit ones, for MX's limit
    serial: int = 0  # how many aggregations there have been

    def ledger(self, account_guid: str) -> Ledger | None:
        return next((lg for lg in self.ledgers if lg.account_guid == account_guid), None)

    @property
    def latest(self) -> Aggregation | None:
        return self.aggregations[-1] if self.aggregations else None

    def note_aggregation(self, aggregation: Aggregation) -> None:
        self.serial += 1
        aggregation.serial = self.serial
        self.aggregations.append(aggregation)
        if len(self.aggregations) > AGGREGATIONS_KEPT:
            # Merging the two oldest keeps what they saw (the earlier time, the wider window): a
            # transaction's created_at may then read as the older one's, which only ever moves it earlier.
            first, second = self.aggregations[0], self.aggregations.pop(1)
            first.history_from = min(first.history_from, second.history_from)
            first.serial = second.serial
