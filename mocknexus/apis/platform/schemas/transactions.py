"""Transactions and categories: MX's TransactionResponse (with the `includes` enhancements of
TransactionIncludesResponse), TransactionUpdateRequest, CategoryResponse and the list queries MX documents.

MX's keys mocknexus has no data for (geolocation, check numbers, localized texts, merchant locations) are
null at MX's declared types. The `includes` objects appear only when the query asks for them.
"""

from __future__ import annotations

from functools import cache

from marshmallow import Schema, fields, validate

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
from mocknexus.schemas.common import RequestSchema, StrictString
from mocknexus.schemas.fastdump import constant

INCLUDES = ("repeating_transactions", "merchants", "classifications", "geolocations")
# The key each `includes` option adds to a transaction.
INCLUDE_KEYS = {"repeating_transactions": "repeating_transaction", "merchants": "merchant",
                "classifications": "classification", "geolocations": "geolocation"}  # fmt: skip
_DATE = validate.Regexp(r"^\d{4}-\d{2}-\d{2}$", error="must be a date, YYYY-MM-DD")


_false = constant(False)


class PlatformMerchantRef(Schema):
    name = fields.String()
    guid = fields.String()
    logo_url = fields.String()
    website_url = fields.String(attribute="website")


class PlatformClassification(Schema):
    parent_class = fields.String()


class PlatformTransactionFields(Schema):
    """A `views.TransactionRecord` as MX shows it (an update's answer: no `includes`)."""

    account_guid = text()
    amount = amount()
    category = text()
    category_guid = text()
    created_at = PlatformTime(metadata={"type": "string", "nullable": True})
    currency_code = text()
    date = text()
    description = text()
    guid = text()
    id = text()
    is_bill_pay = flag()
    is_direct_deposit = flag()
    is_expense = flag()
    is_fee = flag()
    is_income = flag()
    is_manual = fields.Function(_false, metadata={"type": "boolean", "nullable": True})
    is_overdraft_fee = fields.Function(_false, metadata={"type": "boolean", "nullable": True})
    is_payroll_advance = fields.Function(_false, metadata={"type": "boolean", "nullable": True})
    is_recurring = flag()
    is_subscription = flag()
    member_guid = text()
    member_is_managed_by_user = fields.Function(_false, metadata={"type": "boolean", "nullable": True})
    memo = text()
    merchant_guid = text()
    original_description = text()
    posted_at = PlatformTime(allow_none=True, metadata={"type": "string", "nullable": True})
    status = text()
    top_level_category = text()
    transacted_at = PlatformTime(metadata={"type": "string", "nullable": True})
    type = text()
    updated_at = PlatformTime(metadata={"type": "string", "nullable": True})
    user_guid = text()
    user_id = text()
    locals().update(
        nulls(
            "account_id check_number_string extended_transaction_type localized_description localized_memo "
            "merchant_location_guid metadata",
            "string",
        )
    )
    locals().update(nulls("is_international", "boolean"))
    locals().update(nulls("latitude longitude", "number"))
    locals().update(nulls("merchant_category_code", "integer"))


class PlatformTransaction(PlatformTransactionFields):
    """With the `includes` enhancements (dropped unless asked for)."""

    merchant = fields.Nested(PlatformMerchantRef, allow_none=True, metadata={"nullable": True})
    classification = fields.Nested(PlatformClassification, allow_none=True, metadata={"nullable": True})
    locals().update(nulls("repeating_transaction geolocation", "object"))


class PlatformTransactionList(Schema):
    transactions = fields.List(fields.Nested(PlatformTransaction))
    pagination = fields.Nested(PlatformPagination)


class PlatformTransactionOne(Schema):
    """MX's documents (both versions) answer a transaction read with the list body: one transaction."""

    transactions = fields.List(fields.Nested(PlatformTransaction))


class PlatformTransactionResponse(Schema):
    transaction = fields.Nested(PlatformTransactionFields)


@cache
def transaction_list(includes: frozenset[str], one: bool = False) -> Schema:
    """The list body showing the `includes` asked for (one schema per combination, planned once)."""
    dropped = tuple(key for option, key in INCLUDE_KEYS.items() if option not in includes)
    item = fields.List(fields.Nested(PlatformTransaction(exclude=dropped)))
    shape: dict = (
        {"transactions": item} if one else {"transactions": item, "pagination": fields.Nested(PlatformPagination)}
    )
    return Schema.from_dict(shape, name="PlatformTransactionList")()


class TransactionQuery(PlatformPageQuery):
    """MX's transaction list filters (records_per_page up to 1000)."""

    from_date = StrictString(load_default=None, validate=_DATE)
    to_date = StrictString(load_default=None, validate=_DATE)
    from_created_at = StrictString(load_default=None, validate=_DATE)
    to_created_at = StrictString(load_default=None, validate=_DATE)
    from_updated_at = StrictString(load_default=None, validate=_DATE)
    to_updated_at = StrictString(load_default=None, validate=_DATE)
    category_guid = StrictString(load_default=None, validate=validate.Length(max=64))
    top_level_category_guid = StrictString(load_default=None, validate=validate.Length(max=64))
    includes = StrictString(load_default=None, validate=validate.Length(max=128))
    locals().update({
        "category_guid[]": fields.List(StrictString(validate=validate.Length(max=64)), load_default=list),
        "top_level_category_guid[]": fields.List(StrictString(validate=validate.Length(max=64)), load_default=list),
    })  # fmt: skip


class UserTransactionQuery(TransactionQuery):
    use_case = StrictString(load_default=None, validate=validate.OneOf(["MONEY_MOVEMENT", "PFM"]))


class IncludesQuery(PlatformPageQuery):
    includes = StrictString(load_default=None, validate=validate.Length(max=128))


class TransactionUpdateFields(NotEmpty):
    """MX's TransactionUpdateRequest (v20111101): description, memo, category_guid, date."""

    description = StrictString(validate=validate.Length(min=1, max=1024))
    memo = StrictString(validate=validate.Length(max=1024))
    category_guid = StrictString(validate=validate.Length(min=1, max=64))
    date = StrictString(validate=_DATE)


class TransactionUpdateRequest(RequestSchema):
    transaction = fields.Nested(TransactionUpdateFields, required=True)


# ---- categories -------------------------------------------------------------------------------------------


class PlatformCategory(Schema):
    guid = text()
    name = text()
    parent_guid = text()
    is_income = flag()
    is_default = fields.Function(constant(True), metadata={"type": "boolean", "nullable": True})
    # MX: created_at / updated_at "will always be null when is_default is true"; no metadata on defaults.
    locals().update(nulls("created_at updated_at metadata", "string"))


class PlatformCategoryList(Schema):
    categories = fields.List(fields.Nested(PlatformCategory))
    pagination = fields.Nested(PlatformPagination)


class PlatformCategoryResponse(Schema):
    category = fields.Nested(PlatformCategory)
