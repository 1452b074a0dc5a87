"""Control-plane bodies for the data plane: transactions injected into a running world, a pending one posted
by hand, a world's data settings (MX's limits, background aggregation), and what the inspector shows."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from mocknexus.schemas.common import RequestSchema, StrictString

_TYPES = validate.OneOf(["DEBIT", "CREDIT"])
_STATUSES = validate.OneOf(["PENDING", "POSTED"])


class TransactionSpec(RequestSchema):
    """One transaction, with MX's fields. `transacted_at` defaults to now; a PENDING one stays pending until
    posted (`posted_at`, or the post endpoint)."""

    description = StrictString(required=True, validate=validate.Length(min=1, max=1024))
    amount = fields.Float(required=True, validate=validate.Range(min=0.01, max=99_999_999.99))
    type = StrictString(load_default="DEBIT", validate=_TYPES)
    status = StrictString(load_default="POSTED", validate=_STATUSES)
    transacted_at = fields.AwareDateTime(load_default=None)
    posted_at = fields.AwareDateTime(load_default=None)
    category_guid = StrictString(load_default=None, validate=validate.Length(max=64))
    merchant_guid = StrictString(load_default=None, validate=validate.Length(max=64))
    memo = StrictString(load_default=None, validate=validate.Length(max=1024))
    original_description = StrictString(load_default=None, validate=validate.Length(max=1024))
    id = StrictString(load_default=None, validate=validate.Length(max=255))


class AddTransactionsRequest(RequestSchema):
    account_guid = StrictString(required=True, validate=validate.Length(min=1, max=64))
    transactions = fields.List(fields.Nested(TransactionSpec), required=True, validate=validate.Length(min=1, max=100))


class AddTransactionsResponse(Schema):
    transactions = fields.List(fields.String())


class PostTransactionRequest(RequestSchema):
    amount = fields.Float(load_default=None, validate=validate.Range(min=0.01, max=99_999_999.99))


class DataSettings(RequestSchema):
    limits = StrictString(validate=validate.OneOf(["institution", "on", "off"]))
    background_aggregation = fields.Boolean()


class DataSettingsResponse(Schema):
    data_settings = fields.Nested(DataSettings)


class InspectedAccount(Schema):
    guid = fields.String()
    name = fields.String()
    type = fields.String()
    balance = fields.Float()
    available_balance = fields.Float()


class InspectedTransaction(Schema):
    guid = fields.String()
    account_guid = fields.String()
    date = fields.String()
    description = fields.String()
    amount = fields.Float()
    type = fields.String()
    status = fields.String()
    category = fields.String(allow_none=True)


class MemberDataResponse(Schema):
    """A member's accounts and newest transactions, as the partner sees them (the inspector's Members panel)."""

    accounts = fields.List(fields.Nested(InspectedAccount))
    transactions = fields.List(fields.Nested(InspectedTransaction))
