"""A transaction and a holding as MX's Platform API shows them: MX's fields, worked out from what the last
aggregation saw (`visibility.Seen`) and the partner's edits."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import NamedTuple

from mocknexus.domain.data import categories, merchants
from mocknexus.domain.data.generate import CREDIT, DEBIT, Raw
from mocknexus.domain.data.merchants import Merchant
from mocknexus.domain.data.visibility import POSTED, Seen

# MX's classification parent classes (TransactionIncludesResponse), by category.
_CLASSES = {categories.PAYCHECK: "Payroll", categories.TRANSFER: "Transfer", categories.INVESTMENTS: "Investment",
            categories.INCOME: "Deposit", categories.FEES: "Fees"}  # fmt: skip
_BILLS = frozenset({categories.INTERNET, categories.MOBILE_PHONE, categories.UTILITIES, categories.AUTO_INSURANCE,
                    categories.TELEVISION})  # fmt: skip
_SUBSCRIPTIONS = frozenset({"Netflix"})


# Not frozen: a frozen dataclass's __init__ sets its 31 fields one by one (~3 us more each, 100 to a page).
@dataclass(slots=True)
class TransactionRecord:
    guid: str
    account_guid: str
    member_guid: str
    user_guid: str
    user_id: str | None
    currency_code: str
    amount: float
    type: str
    status: str
    date: str
    transacted_at: datetime
    posted_at: datetime | None
    created_at: datetime
    updated_at: datetime
    description: str
    original_description: str
    memo: str | None
    category_guid: str | None
    category: str | None
    top_level_category: str | None
    top_level_category_guid: str | None
    merchant: Merchant | None
    id: str | None
    is_bill_pay: bool
    is_direct_deposit: bool
    is_expense: bool
    is_fee: bool
    is_income: bool
    is_recurring: bool
    is_subscription: bool

    @property
    def merchant_guid(self) -> str | None:
        return self.merchant.guid if self.merchant else None

    @property
    def classification(self) -> dict | None:
        parent = _CLASSES.get(self.category_guid or "") or ("Spend" if self.type == DEBIT else "Deposit")
        return {"parent_class": parent}


class Edited(NamedTuple):
    """What a partner's edit changes of a transaction's fields (`records.TransactionEdit` without its times)."""

    description: str | None
    memo: str | None
    category_guid: str | None
    date: str | None


class RecordInputs(NamedTuple):
    """Everything a `TransactionRecord` is made from, and nothing else (`transaction` reads only these): equal
    inputs make an equal record, so they key what is kept of one (apis/platform/transaction_bytes.py)."""

    raw: Raw
    created_at: datetime
    updated_at: datetime
    status: str
    edit: Edited | None
    member_guid: str
    user_guid: str
    user_id: str | None
    currency: str


def inputs(seen: Seen, member_guid: str, user_guid: str, user_id: str | None, currency: str) -> RecordInputs:
    raw, created_at, updated_at, status, edit = seen  # Seen's fields in order, read once
    edited = None if edit is None else Edited(edit.description, edit.memo, edit.category_guid, edit.date)
    # RecordInputs' fields in order, built as a tuple is (its generated __new__ is a Python call: 100 a page).
    return _make(RecordInputs, (raw, created_at, updated_at, status, edited, member_guid, user_guid, user_id,
                                currency))  # fmt: skip


def inputs_each(
    found: list[Seen], owner: Callable[[str], tuple[str, str]], user_guid: str, user_id: str | None
) -> list[RecordInputs]:
    """`inputs` of each of a page's transactions, `owner` giving an account's member guid and currency (asked
    once an account: a page's transactions share a few)."""
    owners: dict[str, tuple[str, str]] = {}
    made = []
    for seen in found:
        account_guid = seen[0][1]  # its Raw's account_guid
        known = owners.get(account_guid)
        if known is None:
            known = owners[account_guid] = owner(account_guid)
        member_guid, currency = known
        if seen[4] is None:  # no edit: Seen's fields are RecordInputs' first five (checked below)
            made.append(_make(RecordInputs, (*seen, member_guid, user_guid, user_id, currency)))
        else:
            made.append(inputs(seen, member_guid, user_guid, user_id, currency))
    return made


_make = tuple.__new__
assert Seen._fields == RecordInputs._fields[:5] and Raw._fields[1] == "account_guid"


def transaction(given: RecordInputs) -> TransactionRecord:
    raw, edit, status = given.raw, given.edit, given.status
    guid = (edit.category_guid if edit else None) or raw.category_guid or None  # listing.category_of's choice
    found = _classified(guid, raw.type, raw.merchant_guid)
    posted = status == POSTED
    # Positional, in TransactionRecord's field order (one a line, named): ~1.2 us a record less than keywords.
    return TransactionRecord(
        raw.guid,  # guid
        raw.account_guid,  # account_guid
        given.member_guid,  # member_guid
        given.user_guid,  # user_guid
        given.user_id,  # user_id
        given.currency,  # currency_code
        raw.amount if posted else raw.pending_amount,  # amount
        raw.type,  # type
        status,  # status
        # MX: `date` is "generally the same as transacted_at, but uses posted_at as a fallback".
        edit.date if edit and edit.date else raw.transacted_at.date().isoformat(),  # date
        raw.transacted_at,  # transacted_at
        raw.posted_at if posted else None,  # posted_at
        given.created_at,  # created_at
        given.updated_at,  # updated_at
        edit.description if edit and edit.description else raw.description,  # description
        raw.original_description,  # original_description
        edit.memo if edit and edit.memo is not None else raw.memo,  # memo
        guid,  # category_guid
        found.category,  # category
        found.top_level_category,  # top_level_category
        found.top_level_category_guid,  # top_level_category_guid
        found.merchant,  # merchant
        raw.id,  # id
        found.is_bill_pay,  # is_bill_pay
        found.is_direct_deposit,  # is_direct_deposit
        found.is_expense,  # is_expense
        found.is_fee,  # is_fee
        found.is_income,  # is_income
        found.is_recurring,  # is_recurring
        found.is_subscription,  # is_subscription
    )


class _Classified(NamedTuple):
    category: str | None
    top_level_category: str | None
    top_level_category_guid: str | None
    merchant: Merchant | None
    is_bill_pay: bool
    is_direct_deposit: bool
    is_expense: bool
    is_fee: bool
    is_income: bool
    is_recurring: bool
    is_subscription: bool


@lru_cache(maxsize=4096)
def _classified(guid: str | None, kind: str, merchant_guid: str | None) -> _Classified:
    """What a transaction's category, type and merchant say of it (a few hundred combinations: each worked out
    once, not once a transaction)."""
    category = categories.get(guid) if guid else None
    top = categories.get(category.top_level_guid) if category else None
    merchant = merchants.get(merchant_guid) if merchant_guid else None
    top_guid = top.guid if top else None
    return _Classified(
        category=category.name if category else None,
        top_level_category=top.name if top else None,
        top_level_category_guid=top_guid,
        merchant=merchant,
        is_bill_pay=guid in _BILLS,
        is_direct_deposit=guid == categories.PAYCHECK,
        is_expense=kind == DEBIT and top_guid != categories.TRANSFER,
        is_fee=top_guid == categories.FEES,
        is_income=kind == CREDIT and bool(category and category.is_income),
        is_recurring=guid in _BILLS or guid == categories.PAYCHECK,
        is_subscription=bool(merchant and merchant.name in _SUBSCRIPTIONS),
    )
