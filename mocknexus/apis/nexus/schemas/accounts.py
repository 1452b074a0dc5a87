"""Nexus API bodies for a member's accounts (media type application/vnd.mx.nexus.v1+json): the accounts, their
numbers and owners, read once a member is connected, and the one update MX allows (nickname, hidden).

As in connecting.py, responses carry every key either generation of MX's documentation gives them; `only_in(G21)` /
`only_in(V1)` marks a key only one has.
"""

from __future__ import annotations

from marshmallow import Schema, fields

from mocknexus.schemas.common import PaginationSchema, RequestSchema, Rooted, StrictBoolean, StrictString
from mocknexus.schemas.dialects import G21, V1, Timestamp, only_in

# ---- requests -------------------------------------------------------------------------------------------


class AccountUpdateFields(RequestSchema):
    nickname = StrictString(load_default=None, allow_none=True, max_length=255)
    is_hidden = StrictBoolean(load_default=None)


class AccountUpdateRequest(Rooted):
    root = "account"
    account = fields.Nested(AccountUpdateFields, required=True)


# ---- responses ------------------------------------------------------------------------------------------


class AccountNumberSchema(Schema):
    # 2021 clients read the account number's own guid: ACN- and the account's uuid, so it is stable.
    guid = fields.Function(lambda a: "ACN-" + a.guid.split("-", 1)[1], metadata=only_in(G21, type="string"))
    account_guid = fields.String(attribute="guid")
    account_number = fields.String()
    institution_number = fields.String(allow_none=True)
    member_guid = fields.String()
    passed_validation = fields.Boolean(metadata=only_in(V1))
    routing_number = fields.String()
    transit_number = fields.String(allow_none=True)
    user_guid = fields.String()


class AccountNumberListResponse(Schema):
    account_numbers = fields.List(fields.Nested(AccountNumberSchema))


class AccountOwnerSchema(Schema):
    """V1's account owner: every key a string; first and last name null (MX splits names only on request)."""

    account_guid = fields.String()
    address = fields.String()
    city = fields.String()
    country = fields.String()
    email = fields.String()
    first_name = fields.String(allow_none=True)
    last_name = fields.String(allow_none=True)
    member_guid = fields.String()
    owner_name = fields.String()
    phone = fields.String()
    postal_code = fields.String()
    state = fields.String()
    user_guid = fields.String()


class AccountOwnerListResponse(Schema):
    account_owners = fields.List(fields.Nested(AccountOwnerSchema))


# MX's integer account_type: 1 checking and 2 savings are MX's (section 3); the others are INFERRED.
ACCOUNT_TYPE_IDS = {"CHECKING": 1, "SAVINGS": 2, "LOAN": 3, "CREDIT_CARD": 4, "INVESTMENT": 5, "LINE_OF_CREDIT": 6}


class AccountSchema(Schema):
    guid = fields.String()
    member_guid = fields.String()
    user_guid = fields.String(metadata=only_in(V1))
    name = fields.String()
    nickname = fields.String(allow_none=True)
    account_type = fields.Function(lambda a: ACCOUNT_TYPE_IDS.get(a.type, 0), metadata={"type": "integer"})
    account_type_name = fields.String(attribute="type")
    account_subtype_name = fields.String(attribute="subtype", allow_none=True, metadata=only_in(V1))
    balance = fields.Float(metadata=only_in(V1))
    available_balance = fields.Float(metadata=only_in(V1))
    currency_code = fields.String(metadata=only_in(V1))
    # Masked as MX masks it on account reads; the full number comes from the account_numbers endpoints.
    account_number = fields.Function(lambda a: a.account_number[-4:], metadata={"type": "string"})
    routing_number = fields.String()
    is_closed = fields.Boolean()
    is_hidden = fields.Boolean()
    created_at = Timestamp()
    updated_at = Timestamp(metadata=only_in(V1))


class AccountResponse(Schema):
    account = fields.Nested(AccountSchema)


class AccountListResponse(Schema):
    accounts = fields.List(fields.Nested(AccountSchema))
    pagination = fields.Nested(PaginationSchema)
