"""The kinds of account a member's bank may hold, as MX types them, and what a new one of each looks like.

MX's `type` values (CHECKING, SAVINGS, CREDIT_CARD, LOAN, MORTGAGE, INVESTMENT) and subtypes (AUTO,
BROKERAGE, ...) are MX's account type and subtype names. Which kinds a login finds is fixture data: a
scenario's `account_types` (or a declaration's accounts).
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    name: str  # the ledger's kind (also MX's account type)
    subtype: str | None
    stem: str  # the account's name
    liability: bool  # a balance owed: a debit raises it, a credit lowers it
    has_routing: bool  # a deposit account: verification finds its account and routing numbers
    number_digits: int


KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind("CHECKING", "CHECKING", "Checking", False, True, 10),
        Kind("SAVINGS", "SAVINGS", "Savings", False, True, 10),
        Kind("CREDIT_CARD", None, "Credit Card", True, False, 16),
        Kind("LOAN", "AUTO", "Auto Loan", True, False, 12),
        Kind("MORTGAGE", None, "Mortgage", True, False, 12),
        Kind("INVESTMENT", "BROKERAGE", "Brokerage", False, False, 9),
    )
}
ALL_KINDS = tuple(KINDS)


def kind_of(account_type: str) -> Kind:
    """An account's kind by its MX type; any other type MX names (LINE_OF_CREDIT, PROPERTY, ...) generates
    no transactions and is treated as a deposit account."""
    return KINDS.get(account_type, Kind(account_type, None, account_type.title(), False, False, 10))


@dataclass(frozen=True)
class Opening:
    """A new account's numbers: its balance, what of it is available, and its terms."""

    balance: float
    available: float
    credit_limit: float | None = None
    apr: float | None = None
    interest_rate: float | None = None
    original_balance: float | None = None


def opening(kind: str, rng: random.Random) -> Opening:
    if kind == "CREDIT_CARD":
        limit = float(rng.choice((3000, 5000, 7500, 10000, 15000)))
        owed = round(rng.uniform(150, limit * 0.4), 2)
        return Opening(owed, round(limit - owed, 2), credit_limit=limit, apr=rng.choice((19.99, 22.49, 24.99)))
    if kind in ("LOAN", "MORTGAGE"):
        original = float(rng.choice((18000, 24000, 32000))) if kind == "LOAN" else float(rng.randrange(180, 480) * 1000)
        owed = round(original * rng.uniform(0.35, 0.9), 2)
        rate = rng.choice((4.9, 5.9, 6.9)) if kind == "LOAN" else rng.choice((3.25, 4.5, 6.125))
        return Opening(owed, owed, interest_rate=rate, original_balance=original)
    balance = round(rng.uniform(800, 25_000), 2)
    return Opening(balance, round(balance - rng.uniform(0, min(balance, 200)), 2))
