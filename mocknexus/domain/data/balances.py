"""Balances that follow the transactions: a ledger's balance moves by what posts, its available balance
also by what is pending (a bank holds pending debits back; pending credits are not yet available).

The balance found when an account was found is the anchor; a later one adds what posted since (debits
lower a deposit account and raise what a card or loan owes). An investment account's balance is its
holdings' market value.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from mocknexus.domain.data import generate, holdings, profiles
from mocknexus.domain.data.generate import DEBIT, Raw
from mocknexus.domain.data.records import Ledger
from mocknexus.domain.data.visibility import MemberView, raw_of


def signed(ledger: Ledger, raw: Raw, amount: float) -> float:
    """What the transaction does to the balance."""
    owed = profiles.kind_of(ledger.kind).liability
    return amount if (raw.type == DEBIT) == owed else -amount


def _days(view: MemberView, ledger: Ledger, first: date, last: date) -> list[Raw]:
    return [r for o in range(first.toordinal(), last.toordinal() + 1) for r in view.day(ledger, o)]


def moved(view: MemberView, ledger: Ledger, after: datetime, until: datetime, generated_only: bool = False) -> float:
    """What posted in (after, until], signed."""
    if until <= after:
        return 0.0
    first = after.date() - timedelta(days=generate.MAX_POSTING_DAYS)
    raws = _days(view, ledger, first, until.date())
    return sum(
        signed(ledger, r, r.amount)
        for r in raws
        if r.posted_at is not None
        and after < r.posted_at <= until
        and not (generated_only and r.guid in view.stored_guids)
    )


def pending_debits(view: MemberView, ledger: Ledger, at: datetime) -> float:
    first = at.date() - timedelta(days=generate.MAX_POSTING_DAYS + 1)
    raws = _days(view, ledger, first, at.date())
    return round(sum(r.pending_amount for r in raws if r.type == DEBIT and r.transacted_at <= at
                     and (r.posted_at is None or r.posted_at > at)), 2)  # fmt: skip


def balance_at(view: MemberView, ledger: Ledger, at: datetime) -> float:
    if ledger.kind == "INVESTMENT":
        return holdings.value(view.seed, ledger, at.date())
    if at >= ledger.anchor_at:
        return round(ledger.anchor_balance + moved(view, ledger, ledger.anchor_at, at), 2)
    return round(ledger.anchor_balance - moved(view, ledger, at, ledger.anchor_at), 2)


def refresh(view: MemberView, ledger: Ledger, at: datetime) -> tuple[float, float]:
    """Bring the ledger's balance up to `at`: (balance, available balance). Generated transactions count by
    when they posted; one added by hand counts at the first refresh after it posted (even on a frozen clock)."""
    since = ledger.balance_at or ledger.anchor_at
    current = ledger.anchor_balance if ledger.balance is None else ledger.balance
    if ledger.kind == "INVESTMENT":
        current = holdings.value(view.seed, ledger, at.date())
    else:
        current += moved(view, ledger, since, at, generated_only=True)
        for stored in view.data.stored:
            mine = stored.account_guid == ledger.account_guid and stored.guid not in ledger.counted
            if mine and stored.posted_at is not None and stored.posted_at <= at:
                current += signed(ledger, raw_of(stored), stored.amount)
                ledger.counted.append(stored.guid)
        current = round(current, 2)
    ledger.balance, ledger.balance_at = current, at
    return current, available(view, ledger, current, at)


def available(view: MemberView, ledger: Ledger, balance: float, at: datetime) -> float:
    held = pending_debits(view, ledger, at) + ledger.hold
    if ledger.kind == "CREDIT_CARD" and ledger.credit_limit is not None:
        return round(ledger.credit_limit - balance - held, 2)
    if profiles.kind_of(ledger.kind).liability or ledger.kind == "INVESTMENT":
        return balance
    return round(balance - held, 2)
