"""Accounts, account numbers and account owners: MX's AccountResponse (123 keys), AccountNumberResponse,
AccountOwnerResponse, and the account update request.

An account's keys that mocknexus has no data for (feeds, loans, insurance, investments, the `*_set_by`
sources) are written as null at MX's declared type, so a strict client sees every key MX documents.
"""

from __future__ import annotations

from marshmallow import Schema, fields

from mocknexus.apis.platform.schemas.common import (
    NotEmpty,
    PlatformPageQuery,
    PlatformPagination,
    PlatformTime,
    amount,
    flag,
    nulls,
    text,
)
from mocknexus.schemas.common import RequestSchema, StrictBoolean, StrictString

_NULL_STRINGS = (
    "account_ownership annuity_policy_to_date annuity_provider federal_insurance_status feed_account_number "
    "feed_currency_code feed_last_payment_at feed_matures_on feed_name feed_nickname feed_payment_due_at "
    "feed_routing_number feed_started_on imported_at insured_name last_payment_at matures_on metadata "
    "payment_due_at property_type started_on"
)
_NULL_INTEGERS = (
    "account_number_set_by annuity_term_year apr_set_by apy_set_by available_balance_set_by "
    "available_credit_set_by balance_set_by cash_balance_set_by cash_surrender_value_set_by credit_limit_set_by "
    "currency_code_set_by day_payment_is_due day_payment_is_due_set_by death_benefit death_benefit_set_by "
    "feed_account_subtype feed_account_type feed_day_payment_is_due feed_death_benefit holdings_value_set_by "
    "interest_rate_set_by is_closed_set_by last_payment_set_by last_payment_at_set_by loan_amount_set_by "
    "matures_on_set_by minimum_balance_set_by minimum_payment_set_by name_set_by nickname_set_by "
    "original_balance_set_by payment_due_at_set_by payoff_balance_set_by started_on_set_by "
    "statement_balance_set_by subtype_set_by total_account_value_set_by type_set_by"
)
_NULL_NUMBERS = (
    "apy calculated_apr cash_balance cash_surrender_value feed_apr feed_apy "
    "feed_available_balance feed_balance feed_cash_balance feed_cash_surrender_value feed_credit_limit "
    "feed_holdings_value feed_interest_rate feed_last_payment feed_loan_amount feed_minimum_balance "
    "feed_minimum_payment feed_original_balance feed_payoff_balance feed_statement_balance "
    "feed_total_account_value holdings_value last_payment loan_amount margin_balance "
    "minimum_balance minimum_payment pay_out_amount payoff_balance premium_amount "
    "statement_balance today_ugl_amount today_ugl_percentage total_account_value total_account_value_ugl"
)


class PlatformAccount(Schema):
    """What an account read shows (an `AccountView`: the account with its member's institution and ids)."""

    guid = text()
    id = text()  # the partner's id: a declared account's, else null
    member_guid = text()
    member_id = text()
    user_guid = text()
    user_id = text()
    institution_code = text()
    institution_guid = text()
    name = text()
    nickname = text()
    type = text()
    subtype = text()
    currency_code = text()
    # MX: account reads "will not return the full account number. It may return the last four digits";
    # the full number comes from the account_numbers endpoints.
    account_number = fields.Function(lambda a: a.account_number[-4:], metadata={"type": "string", "nullable": True})
    routing_number = text()
    balance = amount()
    available_balance = amount()
    # A card's and a loan's terms (None for a deposit account).
    credit_limit = amount()
    available_credit = fields.Function(
        lambda a: None if a.credit_limit is None else a.available_balance, metadata={"type": "number", "nullable": True}
    )
    apr = amount()
    interest_rate = amount()
    original_balance = amount()
    is_closed = flag()
    is_hidden = flag()
    is_manual = fields.Function(lambda a: False, metadata={"type": "boolean", "nullable": True})
    member_is_managed_by_user = fields.Function(lambda a: False, metadata={"type": "boolean", "nullable": True})
    feed_is_closed = fields.Function(lambda a: None, allow_none=True, metadata={"type": "boolean", "nullable": True})
    created_at = PlatformTime(metadata={"type": "string"})
    updated_at = PlatformTime(allow_none=True, metadata={"type": "string"})
    # Class-body namespace: the keys without data, declared from the lists above.
    locals().update(nulls(_NULL_STRINGS, "string"))
    locals().update(nulls(_NULL_INTEGERS, "integer"))
    locals().update(nulls(_NULL_NUMBERS, "number"))


class PlatformAccountResponse(Schema):
    account = fields.Nested(PlatformAccount)


class PlatformAccountList(Schema):
    accounts = fields.List(fields.Nested(PlatformAccount))
    pagination = fields.Nested(PlatformPagination)


class PlatformAccountListQuery(PlatformPageQuery):
    member_is_managed_by_user = fields.Boolean(load_default=None)
    is_manual = fields.Boolean(load_default=None)
    use_case = StrictString(load_default=None, max_length=64)


class PlatformMemberAccountsQuery(PlatformPageQuery):
    member_is_managed_by_user = fields.Boolean(load_default=None)


class PlatformAccountUpdateFields(NotEmpty):
    """MX's AccountUpdateRequest: 21 optional keys. mocknexus keeps a nickname, hidden and closed flags, a name
    and metadata; the balance and loan keys of manual accounts are accepted and not stored (INFERRED: MX
    applies them to manual accounts only, and mocknexus's accounts are aggregated)."""

    nickname = StrictString(max_length=255)
    name = StrictString(max_length=255)
    is_hidden = StrictBoolean()
    is_closed = StrictBoolean()
    metadata = StrictString(max_length=8192)
    is_business = StrictBoolean()
    skip_webhook = StrictBoolean()
    account_subtype = StrictString(max_length=64)
    account_type = StrictString(max_length=64)
    currency_code = StrictString(max_length=3)
    property_type = StrictString(max_length=64)
    apr = fields.Float()
    apy = fields.Float()
    available_balance = fields.Float()
    balance = fields.Float()
    cash_surrender_value = fields.Float()
    credit_limit = fields.Float()
    death_benefit = fields.Integer()
    interest_rate = fields.Float()
    loan_amount = fields.Float()
    original_balance = fields.Float()


class PlatformAccountUpdateRequest(RequestSchema):
    account = fields.Nested(PlatformAccountUpdateFields, required=True)


class PlatformAccountNumber(Schema):
    # The account number's own guid: ACN- and the account's uuid, so it is stable (as Nexus's).
    guid = fields.Function(lambda a: "ACN-" + a.guid.split("-", 1)[1], metadata={"type": "string", "nullable": True})
    account_guid = text(attribute="guid")
    account_number = text()
    institution_number = text()
    member_guid = text()
    passed_validation = flag()
    routing_number = text()
    transit_number = text()
    user_guid = text()
    locals().update(nulls("loan_guarantor loan_reference_number sequence_number", "string"))


class PlatformAccountNumberList(Schema):
    account_numbers = fields.List(fields.Nested(PlatformAccountNumber))
    pagination = fields.Nested(PlatformPagination)


class PlatformAccountOwner(Schema):
    # The owner's own guid: ACO- and its account's uuid (one owner per account in mocknexus's data).
    guid = fields.Function(
        lambda o: "ACO-" + o.account_guid.split("-", 1)[1], metadata={"type": "string", "nullable": True}
    )
    account_guid = text()
    address = text()
    city = text()
    country = text()
    email = text()
    first_name = text()
    last_name = text()
    member_guid = text()
    owner_name = text()
    phone = text()
    postal_code = text()
    state = text()
    user_guid = text()


class PlatformAccountOwnerList(Schema):
    account_owners = fields.List(fields.Nested(PlatformAccountOwner))
    pagination = fields.Nested(PlatformPagination)
