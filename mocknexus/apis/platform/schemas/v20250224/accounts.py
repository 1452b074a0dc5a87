"""Accounts in v20250224: MX's leaner AccountResponse (58 keys: no `*_set_by`, no `feed_*`, no
`institution_guid`, `holdings_value` or `calculated_apr`; `is_closed` a boolean, never null), and the owners
and numbers whose `account_guid` (and an owner's `email`) are never null."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from mocknexus.apis.platform.schemas.accounts import PlatformAccount, PlatformAccountNumber, PlatformAccountOwner
from mocknexus.apis.platform.schemas.common import PlatformPagination
from mocknexus.apis.platform.schemas.v20250224.common import NoNulls
from mocknexus.schemas.common import RequestSchema, StrictString

# v20111101's account keys that v20250224's AccountResponse no longer has.
_DROPPED = (
    *(name for name in PlatformAccount._declared_fields if name.endswith("_set_by") or name.startswith("feed_")),
    "institution_guid",
    "holdings_value",
    "calculated_apr",
)


class AccountV20250224(NoNulls, PlatformAccount):
    class Meta:
        exclude = _DROPPED

    # MX's v20250224 enums that list no null: mocknexus has no insurance or property data.
    never_null = ("federal_insurance_status", "property_type")
    is_closed = fields.Boolean()


class AccountResponseV20250224(Schema):
    account = fields.Nested(AccountV20250224)


class AccountListV20250224(Schema):
    accounts = fields.List(fields.Nested(AccountV20250224))
    pagination = fields.Nested(PlatformPagination)


class AccountOwnerV20250224(NoNulls, PlatformAccountOwner):
    never_null = ("email",)


class AccountOwnerListV20250224(Schema):
    account_owners = fields.List(fields.Nested(AccountOwnerV20250224))
    pagination = fields.Nested(PlatformPagination)


class AccountNumberV20250224(PlatformAccountNumber):
    account_guid = fields.String(attribute="guid")


class AccountNumberListV20250224(Schema):
    account_numbers = fields.List(fields.Nested(AccountNumberV20250224))
    pagination = fields.Nested(PlatformPagination)


class AccountsMergeFields(RequestSchema):
    """MX's AccountsMergeRequest: "A list of account GUIDs to merge. Must include at least two GUIDs belonging
    to the same user." (the count is checked by the domain, which says why)."""

    account_guids = fields.List(StrictString(max_length=64), required=True, validate=validate.Length(max=100))


class AccountsMergeRequest(RequestSchema):
    account = fields.Nested(AccountsMergeFields, required=True)
