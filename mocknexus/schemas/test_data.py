"""Test data in the fixture format: micro-deposit rules, blocked routing numbers and declared accounts.

A fixture file may hold, besides institutions and scenarios:

    micro_deposits:            # outcomes by account-number prefix; the longest matching prefix wins
      - account_number: "3333"
        end: DEPOSITED         # DEPOSITED, ERRORED or REJECTED
        amounts: [0.09, 0.09]
        deposited_after: 120   # seconds REQUESTED before the end
    blocked_routing_numbers:   # valid ABA numbers refused anyway, with MX's widget reason
      "021000021": BLOCKED
    test_accounts:             # what a successful job finds for a user id and/or credential values
      - name: alice
        user_id: alice-1
        credentials: {username: alice}
        accounts: [{name: "Alice Checking", type: CHECKING, account_number: "1234567890",
                    routing_number: "091000019", balance: 1250.5, owners: [{owner_name: "Alice Doe"}]}]

The control plane takes `test_accounts` entries in the same shape (POST /__admin/clients/{id}/test_accounts).
"""

from __future__ import annotations

from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, post_load, validate, validates_schema

from mocknexus.domain.core.datagen import is_valid_aba
from mocknexus.domain.core.models import DeclaredOwner
from mocknexus.domain.declared.declared import (
    Declaration,
    DeclaredAccount,
    DeclaredHolding,
    DeclaredStatement,
    DeclaredTransaction,
)
from mocknexus.domain.microdeposits.microdeposits import (
    RULE_ENDS,
    BlockedReason,
    MicroDepositRule,
    MicroDepositStatus,
)

ACCOUNT_KINDS = ("CHECKING", "SAVINGS", "LOAN", "CREDIT_CARD", "INVESTMENT", "LINE_OF_CREDIT", "MORTGAGE")
_DIGITS = validate.Regexp(r"^[0-9]+$", error="must be digits only")
_AMOUNT = fields.Float(validate=validate.Range(min=0.01, max=0.99))


class _Strict(Schema):
    class Meta:
        unknown = RAISE


class MicroDepositRuleSchema(_Strict):
    account_number = fields.String(required=True, validate=[_DIGITS, validate.Length(min=1, max=17)])
    end = fields.String(load_default="DEPOSITED", validate=validate.OneOf([s.name for s in RULE_ENDS]))
    amounts = fields.List(_AMOUNT, load_default=lambda: [0.09, 0.09], validate=validate.Length(equal=2))
    requested_after = fields.Float(load_default=1.0, validate=validate.Range(min=0))
    deposited_after = fields.Float(load_default=120.0, validate=validate.Range(min=0))
    institution_name = fields.String(load_default=None, allow_none=True)
    error_message = fields.String(load_default=None, allow_none=True)
    description = fields.String(load_default="")

    @post_load
    def _make(self, data: dict, **kwargs: Any) -> MicroDepositRule:
        return MicroDepositRule(**{**data, "end": MicroDepositStatus[data["end"]], "amounts": tuple(data["amounts"])})


class AbaRoutingNumber(validate.Validator):
    """Nine digits whose ABA checksum holds."""

    def __call__(self, value: str) -> str:
        if not is_valid_aba(value):
            raise ValidationError("is not a valid ABA routing number (9 digits, checksum)")
        return value


_routing = AbaRoutingNumber()


class DeclaredOwnerSchema(_Strict):
    owner_name = fields.String(required=True, validate=validate.Length(min=1, max=255))
    first_name = fields.String(load_default=None, allow_none=True)
    last_name = fields.String(load_default=None, allow_none=True)
    email = fields.String(load_default=None, allow_none=True)
    phone = fields.String(load_default=None, allow_none=True)
    address = fields.String(load_default=None, allow_none=True)
    city = fields.String(load_default=None, allow_none=True)
    state = fields.String(load_default=None, allow_none=True)
    postal_code = fields.String(load_default=None, allow_none=True)
    country = fields.String(load_default=None, allow_none=True)

    @post_load
    def _make(self, data: dict, **kwargs: Any) -> DeclaredOwner:
        return DeclaredOwner(**data)


class DeclaredTransactionSchema(_Strict):
    """A transaction a declared account holds (MX's fields): PENDING ones stay pending until their
    `posted_at`, or until posted through the control plane."""

    description = fields.String(required=True, validate=validate.Length(min=1, max=1024))
    amount = fields.Float(required=True, validate=validate.Range(min=0.01, max=99_999_999.99))
    transacted_at = fields.AwareDateTime(required=True)
    type = fields.String(load_default="DEBIT", validate=validate.OneOf(["DEBIT", "CREDIT"]))
    status = fields.String(load_default="POSTED", validate=validate.OneOf(["PENDING", "POSTED"]))
    posted_at = fields.AwareDateTime(load_default=None, allow_none=True)
    category_guid = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=64))
    merchant_guid = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=64))
    memo = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=1024))
    original_description = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=1024))
    id = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=255))

    @post_load
    def _make(self, data: dict, **kwargs: Any) -> DeclaredTransaction:
        return DeclaredTransaction(**data)


class DeclaredHoldingSchema(_Strict):
    """A security an INVESTMENT account holds, exactly (MX's holding fields); its prices stay as declared."""

    symbol = fields.String(required=True, validate=validate.Length(min=1, max=32))
    description = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=255))
    # MX's holding_type names (EQUITY, EXCHANGE_TRADED_FUND, MUTUAL_FUND, MONEY_MARKET, BOND, ...).
    holding_type = fields.String(load_default="EQUITY", validate=validate.Regexp(r"^[A-Z][A-Z_]{0,63}$"))
    quantity = fields.Float(required=True, validate=validate.Range(min=0, max=1e12))
    current_price = fields.Float(required=True, validate=validate.Range(min=0, max=1e9))
    purchase_price = fields.Float(load_default=None, allow_none=True, validate=validate.Range(min=0, max=1e9))
    previous_price = fields.Float(load_default=None, allow_none=True, validate=validate.Range(min=0, max=1e9))

    @post_load
    def _make(self, data: dict, **kwargs: Any) -> DeclaredHolding:
        return DeclaredHolding(**data)


class DeclaredStatementSchema(_Strict):
    """A statement an account offers: found by a statement fetch after its period ends."""

    period_end = fields.Date(required=True)
    period_start = fields.Date(load_default=None, allow_none=True)

    @validates_schema
    def _ordered(self, data: dict, **kwargs: Any) -> None:
        start = data.get("period_start")
        if start is not None and start > data["period_end"]:
            raise ValidationError("must not be after period_end", "period_start")

    @post_load
    def _make(self, data: dict, **kwargs: Any) -> DeclaredStatement:
        return DeclaredStatement(**data)


class DeclaredAccountSchema(_Strict):
    name = fields.String(required=True, validate=validate.Length(min=1, max=255))
    # The partner's id of the account: MX shows it as `id`, and v20250224 paths take it as `{account_identifier}`.
    id = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=255))
    type = fields.String(load_default="CHECKING", validate=validate.OneOf(ACCOUNT_KINDS))
    subtype = fields.String(load_default=None, allow_none=True)
    balance = fields.Float(load_default=0.0)
    available_balance = fields.Float(load_default=None, allow_none=True)
    currency_code = fields.String(load_default="USD", validate=validate.Length(equal=3))
    account_number = fields.String(required=True, validate=[_DIGITS, validate.Length(min=1, max=17)])
    routing_number = fields.String(required=True, validate=_routing)
    institution_number = fields.String(load_default=None, allow_none=True)
    transit_number = fields.String(load_default=None, allow_none=True)
    owners = fields.List(fields.Nested(DeclaredOwnerSchema), load_default=list, validate=validate.Length(max=10))
    # The data plane (docs/data.md): exactly these transactions, and generated ones too if transactions_per_day.
    transactions = fields.List(
        fields.Nested(DeclaredTransactionSchema), load_default=list, validate=validate.Length(max=10_000)
    )
    transactions_per_day = fields.Float(load_default=None, allow_none=True, validate=validate.Range(min=0, max=1000))
    credit_limit = fields.Float(load_default=None, allow_none=True, validate=validate.Range(min=0))
    # Exactly these holdings (an INVESTMENT account's: its balance is their market value) and statements;
    # without them, both are generated from the seed.
    holdings = fields.List(
        fields.Nested(DeclaredHoldingSchema), load_default=None, allow_none=True, validate=validate.Length(max=500)
    )
    statements = fields.List(
        fields.Nested(DeclaredStatementSchema), load_default=None, allow_none=True, validate=validate.Length(max=120)
    )

    @validates_schema
    def _holdings_and_statements(self, data: dict, **kwargs: Any) -> None:
        if data.get("holdings") and data.get("type", "CHECKING") != "INVESTMENT":
            raise ValidationError("only an INVESTMENT account holds securities", "holdings")
        symbols = [h.symbol for h in data.get("holdings") or ()]
        if len(symbols) != len(set(symbols)):
            raise ValidationError("each symbol once", "holdings")
        ends = [s.period_end for s in data.get("statements") or ()]
        if len(ends) != len(set(ends)):
            raise ValidationError("one statement per period_end", "statements")
        ids = [t.id for t in data.get("transactions") or () if t.id is not None]
        if len(ids) != len(set(ids)):  # each names one transaction as `{transaction_identifier}`
            raise ValidationError("each transaction id once", "transactions")

    @post_load
    def _make(self, data: dict, **kwargs: Any) -> DeclaredAccount:
        return DeclaredAccount(**data)


class DeclarationSchema(_Strict):
    name = fields.String(required=True, validate=validate.Length(min=1, max=128))
    user_id = fields.String(load_default=None, allow_none=True)
    credentials = fields.Dict(keys=fields.String(), values=fields.String(), load_default=None, allow_none=True)
    institution_code = fields.String(load_default=None, allow_none=True)
    accounts = fields.List(fields.Nested(DeclaredAccountSchema), required=True, validate=validate.Length(min=1, max=50))

    @validates_schema
    def _names_someone(self, data: dict, **kwargs: Any) -> None:
        if data.get("user_id") is None and not data.get("credentials"):
            raise ValidationError("a declaration needs a user_id, credentials, or both", "user_id")
        ids = [a.id for a in data.get("accounts") or () if a.id is not None]
        if len(ids) != len(set(ids)):  # each names one account of a member as `{account_identifier}`
            raise ValidationError("each account id once", "accounts")

    @post_load
    def _make(self, data: dict, **kwargs: Any) -> Declaration:
        return Declaration(**data)


BLOCKED_ROUTING_NUMBERS = fields.Dict(
    keys=fields.String(validate=_routing),
    values=fields.String(validate=validate.OneOf([r.name for r in BlockedReason])),
    load_default=dict,
)


def blocked_reasons(raw: dict[str, str]) -> dict[str, BlockedReason]:
    return {number: BlockedReason[reason] for number, reason in raw.items()}
