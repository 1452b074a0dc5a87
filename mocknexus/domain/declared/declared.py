"""Accounts declared as test data: the accounts (with numbers and owners) a successful job finds, exactly.

The analogue of Plaid's custom sandbox users. A declaration names whom it is for: a partner user id, the
credential values a member logs in with (by field name, optionally at one institution), or both; a fixture
file or the control plane declares it. A member a declaration matches gets its accounts instead of generated
ones; every other member keeps its seeded, deterministic data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from mocknexus.domain.core.ids import new_guid
from mocknexus.domain.core.models import Account, DeclaredOwner, Member, User


@dataclass
class DeclaredTransaction:
    """A transaction a declared account holds: MX's fields; PENDING ones post at `posted_at` (None: when
    posted through the control plane)."""

    description: str
    amount: float
    transacted_at: datetime
    type: str = "DEBIT"
    status: str = "POSTED"
    posted_at: datetime | None = None  # for a POSTED one, None means when it was made
    category_guid: str | None = None
    merchant_guid: str | None = None
    memo: str | None = None
    original_description: str | None = None
    id: str | None = None


@dataclass
class DeclaredHolding:
    """A security a declared INVESTMENT account holds, exactly: its price stays as declared (generated holdings'
    prices move day by day; a declared one is what the test says it is)."""

    symbol: str
    quantity: float
    current_price: float
    description: str | None = None  # the symbol, when not declared
    holding_type: str = "EQUITY"
    purchase_price: float | None = None  # the current price, when not declared
    previous_price: float | None = None  # yesterday's close (daily_change), the current price when not declared


@dataclass
class DeclaredStatement:
    """A statement a declared account offers: a statement fetch after `period_end` finds it."""

    period_end: date
    period_start: date | None = None  # the first of period_end's month, when not declared


@dataclass
class DeclaredAccount:
    name: str
    type: str  # MX's account_type_name: CHECKING, SAVINGS, ...
    account_number: str
    routing_number: str
    subtype: str | None = None
    balance: float = 0.0
    available_balance: float | None = None  # the balance, when not declared
    currency_code: str = "USD"
    institution_number: str | None = None
    transit_number: str | None = None
    owners: list[DeclaredOwner] = field(default_factory=list)
    transactions: list[DeclaredTransaction] = field(default_factory=list)
    # Generated transactions as well, at this many everyday purchases a day (None: only the declared ones).
    transactions_per_day: float | None = None
    credit_limit: float | None = None
    # Exactly these (None: generated from the seed, an INVESTMENT account's holdings and every account's months).
    holdings: list[DeclaredHolding] | None = None
    statements: list[DeclaredStatement] | None = None
    id: str | None = None  # the partner's id of the account (MX's AccountResponse `id`; v20250224's identifier)


@dataclass
class Declaration:
    """Whom the accounts are for: every given key must match (a declaration with none matches nobody)."""

    name: str  # how the control plane and errors name it
    accounts: list[DeclaredAccount]
    user_id: str | None = None
    credentials: dict[str, str] | None = None  # credential field_name -> exact value
    institution_code: str | None = None
    declared_at: datetime | None = None  # a control-plane declaration: the later of equals wins

    def matches(self, user: User, member: Member, values_by_field_name: dict[str, str]) -> bool:
        if self.user_id is None and self.credentials is None:
            return False
        if self.user_id is not None and self.user_id != user.id:
            return False
        if self.institution_code is not None and self.institution_code != member.institution_code:
            return False
        return self.credentials is None or all(values_by_field_name.get(k) == v for k, v in self.credentials.items())

    @property
    def specificity(self) -> int:
        """A declaration naming more keys wins over a broader one that also matches."""
        return (self.user_id is not None) + len(self.credentials or {}) + (self.institution_code is not None)


def find(declarations: list[Declaration], user: User, member: Member, values: dict[str, str]) -> Declaration | None:
    """The most specific matching declaration; among equals the last declared (a later file, a later call)."""
    best: Declaration | None = None
    for declaration in declarations:
        if declaration.matches(user, member, values) and (best is None or declaration.specificity >= best.specificity):
            best = declaration
    return best


def make_accounts(declaration: Declaration, member: Member, at: datetime) -> list[Account]:
    return [
        Account(
            guid=new_guid("ACT"),
            member_guid=member.guid,
            user_guid=member.user_guid,
            name=d.name,
            type=d.type,
            subtype=d.subtype,
            balance=d.balance,
            available_balance=d.balance if d.available_balance is None else d.available_balance,
            currency_code=d.currency_code,
            account_number=d.account_number,
            routing_number=d.routing_number,
            institution_number=d.institution_number,
            transit_number=d.transit_number,
            declared=True,
            id=d.id,
            declared_owners=list(d.owners),
            credit_limit=d.credit_limit,
            created_at=at,
            updated_at=at,
        )
        for d in declaration.accounts
    ]
