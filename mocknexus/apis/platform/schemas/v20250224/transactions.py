"""Transactions in v20250224: MX's TransactionResponse with `account_guid` never null, `is_international` a
boolean without null (left out: mocknexus's institutions do not say), `status` and `type` MX's enums; the
list filters take unix timestamps (`from_date`, `to_date`, created and updated; by member also
`from_timestamp`/`to_timestamp`, the created time) and no category filters; an update takes `description`
only (MX's v20250224 TransactionUpdateRequest)."""

from __future__ import annotations

from functools import cache

from marshmallow import Schema, fields, validate

from mocknexus.apis.platform.schemas.common import NotEmpty, PlatformPageQuery, PlatformPagination
from mocknexus.apis.platform.schemas.transactions import (
    INCLUDE_KEYS,
    PlatformTransaction,
    PlatformTransactionFields,
)
from mocknexus.apis.platform.schemas.v20250224.common import NoNulls
from mocknexus.schemas.common import RequestSchema, StrictString

_STATUS = {"type": "string", "nullable": True, "enum": ["POSTED", "PENDING", None]}
_TYPE = {"type": "string", "nullable": True, "enum": ["CREDIT", "DEBIT", None]}
# MX's v20250224 document: "This only supports unix timestamp format" (e.g. `1666936800`). A day written
# YYYY-MM-DD, v20111101's form, is taken too (INFERRED: clients moving from v20111101 send it).
_WHEN = validate.Regexp(r"^(\d{1,11}|\d{4}-\d{2}-\d{2})$", error="must be a unix timestamp (or YYYY-MM-DD)")


def _when() -> StrictString:
    return StrictString(load_default=None, validate=_WHEN)


class TransactionFieldsV20250224(NoNulls, PlatformTransactionFields):
    """An update's answer (MX's TransactionResponse)."""

    never_null = ("is_international",)
    account_guid = fields.String()
    status = fields.String(allow_none=True, metadata=_STATUS)
    type = fields.String(allow_none=True, metadata=_TYPE)


class TransactionV20250224(NoNulls, PlatformTransaction):
    """With the `includes` enhancements (MX's TransactionIncludesResponse; dropped unless asked for)."""

    never_null = ("is_international",)
    account_guid = fields.String()
    status = fields.String(allow_none=True, metadata=_STATUS)
    type = fields.String(allow_none=True, metadata=_TYPE)


class TransactionResponseV20250224(Schema):
    transaction = fields.Nested(TransactionFieldsV20250224)


@cache
def transaction_list(includes: frozenset[str], one: bool = False) -> Schema:
    """The list body (a read answers it too, with one transaction and no pagination), showing the `includes`
    asked for: one schema per combination, planned once."""
    dropped = tuple(key for option, key in INCLUDE_KEYS.items() if option not in includes)
    item = fields.List(fields.Nested(TransactionV20250224(exclude=dropped)))
    shape: dict = {"transactions": item}
    if not one:
        shape["pagination"] = fields.Nested(PlatformPagination)
    return Schema.from_dict(shape, name="TransactionOneV20250224" if one else "TransactionListV20250224")()


class TransactionQueryV20250224(PlatformPageQuery):
    """By account (and by account per member): MX's filters, records_per_page up to 1000."""

    from_date = _when()
    to_date = _when()
    from_created_at = _when()
    to_created_at = _when()
    from_updated_at = _when()
    to_updated_at = _when()
    includes = StrictString(load_default=None, validate=validate.Length(max=128))


class MemberTransactionQueryV20250224(TransactionQueryV20250224):
    # MX: "Filter transactions from the date the transaction was created" (as from_created_at).
    from_timestamp = _when()
    to_timestamp = _when()


class UserTransactionQueryV20250224(TransactionQueryV20250224):
    use_case = StrictString(load_default=None, validate=validate.OneOf(["MONEY_MOVEMENT", "PFM"]))


class IncludesQueryV20250224(PlatformPageQuery):
    includes = StrictString(load_default=None, validate=validate.Length(max=128))


class TransactionUpdateFieldsV20250224(NotEmpty):
    """MX's v20250224 TransactionUpdateRequest: `description`, required (memo, category and date are gone)."""

    description = StrictString(required=True, validate=validate.Length(min=1, max=1024))


class TransactionUpdateRequestV20250224(RequestSchema):
    transaction = fields.Nested(TransactionUpdateFieldsV20250224, required=True)
