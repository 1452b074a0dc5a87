"""Control-plane bodies for micro-deposits and declared accounts (/__admin/..., application/json)."""

from __future__ import annotations

from typing import Any, ClassVar

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from mocknexus.domain.microdeposits.microdeposits import MicroDepositStatus
from mocknexus.schemas.common import RequestSchema, StrictString
from mocknexus.schemas.microdeposits import Amount, MicroDepositSchema
from mocknexus.schemas.test_data import DeclarationSchema


class RevealedMicroDepositSchema(MicroDepositSchema):
    """MX's record plus what only the control plane shows: the amounts that verify it, and where it stands."""

    user_guid = fields.String()
    deposit_amount_1 = fields.Function(lambda m: m.amounts[0], metadata={"type": "number"})
    deposit_amount_2 = fields.Function(lambda m: m.amounts[1], metadata={"type": "number"})
    attempts = fields.Integer(metadata={"description": "wrong pairs of amounts so far (the third: PREVENTED)"})
    member_guid = fields.String(allow_none=True, metadata={"description": "after VERIFIED: the account's member"})
    account_guid = fields.String(allow_none=True)


class RevealedMicroDepositResponse(Schema):
    micro_deposit = fields.Nested(RevealedMicroDepositSchema)


class MicroDepositSteerRequest(RequestSchema):
    """Force any of MX's statuses (now), and/or set the two amounts that verify it."""

    status = StrictString(validate=validate.OneOf(MicroDepositStatus.names()))
    deposit_amount_1 = Amount()
    deposit_amount_2 = Amount()

    @validates_schema
    def _something(self, data: dict, **kwargs: Any) -> None:
        amounts = (data.get("deposit_amount_1"), data.get("deposit_amount_2"))
        if (amounts[0] is None) != (amounts[1] is None):
            raise ValidationError("give both amounts, or neither", "deposit_amount_2")
        if data.get("status") is None and amounts[0] is None:
            raise ValidationError("give a status, the two amounts, or both", "status")

    openapi_rules: ClassVar[dict] = {
        "anyOf": [
            {"required": ["deposit_amount_1", "deposit_amount_2"]},
            {"required": ["status"], "properties": {"deposit_amount_1": {"not": {}}, "deposit_amount_2": {"not": {}}}},
        ]
    }


class DeclarationResponse(Schema):
    test_account = fields.Raw(metadata={"type": "object"})


class DeclarationListResponse(Schema):
    test_accounts = fields.List(fields.Raw(metadata={"type": "object"}))


__all__ = [
    "DeclarationListResponse",
    "DeclarationResponse",
    "DeclarationSchema",
    "MicroDepositSteerRequest",
    "RevealedMicroDepositResponse",
]
