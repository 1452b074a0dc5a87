"""Micro-deposits through the Platform API (MX's MicrodepositsApi): MX's MicrodepositRequestBody,
MicrodepositVerifyRequestBody, MicrodepositResponseBody (`micro_deposit`: a list, as MX's document types it)
and MicrodepositsResponseBody.

The request fields are Nexus's (schemas/microdeposits.py, one field list: `account_type` takes MX's names,
CHECKING or SAVINGS, and Nexus's integers). MX's document types every record field a non-nullable string, so
a field mocknexus has no value for (a pre-initiated record's account, a name never given) is left out rather
than sent as null (INFERRED: MX's pages show no pre-initiated record through this API).
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, post_dump

from mocknexus.apis.platform.schemas.common import PlatformPagination, PlatformTime
from mocknexus.domain.microdeposits.microdeposit_ops import MICRO_DEPOSIT_INSTITUTION_CODE
from mocknexus.schemas.common import RequestSchema, Rooted
from mocknexus.schemas.microdeposits import Amount, MicroDepositFields

# The member a verification leaves is named so too (domain/microdeposits/microdeposit_ops.py `_publish_account`).
VERIFICATION_INSTITUTION_NAME = "Micro-deposit verification"


class PlatformMicroDepositRequest(Rooted):
    root = "micro_deposit"
    micro_deposit = fields.Nested(MicroDepositFields, required=True)


class PlatformVerifyFields(RequestSchema):
    deposit_amount_1 = Amount(required=True)
    deposit_amount_2 = Amount(required=True)


class PlatformMicroDepositVerifyRequest(Rooted):
    root = "micro_deposit"
    micro_deposit = fields.Nested(PlatformVerifyFields, required=True)


class PlatformMicroDeposit(Schema):
    """MX's MicrodepositResponse: the list's items."""

    error_message = fields.String(allow_none=True)
    guid = fields.String()
    institution_code = fields.Function(lambda _: MICRO_DEPOSIT_INSTITUTION_CODE, metadata={"type": "string"})
    institution_name = fields.Function(
        lambda m: m.institution_name or VERIFICATION_INSTITUTION_NAME, metadata={"type": "string"}
    )
    status = fields.Function(lambda m: m.status.name, metadata={"type": "string"})
    updated_at = PlatformTime(metadata={"type": "string"})
    verified_at = PlatformTime(allow_none=True, metadata={"type": "string", "nullable": True})


_OPTIONAL_STRINGS = ("account_name", "account_number", "account_type", "email", "first_name", "last_name")


class PlatformMicroDepositRecord(PlatformMicroDeposit):
    """MX's MicrodepositElements and MicrodepositResponse together: one record of `micro_deposit`."""

    account_name = fields.String()
    account_number = fields.String()
    account_type = fields.Function(lambda m: m.account_type_name, metadata={"type": "string"})
    email = fields.String()
    first_name = fields.String()
    last_name = fields.String()
    routing_number = fields.String()

    @post_dump
    def _no_nulls(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        return {k: v for k, v in data.items() if v is not None or k not in (*_OPTIONAL_STRINGS, "routing_number")}


class PlatformMicroDepositResponse(Schema):
    micro_deposit = fields.List(fields.Nested(PlatformMicroDepositRecord))


class PlatformMicroDepositList(Schema):
    micro_deposits = fields.List(fields.Nested(PlatformMicroDeposit))
    pagination = fields.Nested(PlatformPagination)
