"""Nexus micro-deposit bodies (MX's "Microdeposits" reference; a published Java client's beta records).

The v1 record carries every field of MX's Microdeposit Fields table; g21 the keys the 2021-era client reads
(account_type, account_type_name, account_number, created_at, guid, institution_name, routing_number,
status, status_name, updated_at), with its `+00:00` timestamps.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

from marshmallow import Schema, ValidationError, fields, validate

from mocknexus.domain.microdeposits.microdeposits import ACCOUNT_TYPES, MicroDepositStatus
from mocknexus.schemas.common import JSONNumber, RequestSchema, Rooted, StrictString
from mocknexus.schemas.dialects import V1, Timestamp, only_in

# ---- requests -------------------------------------------------------------------------------------------


class DigitString(fields.String):
    """A string of digits, or (as MX's own sample writes `"routing_number": 91000019`) an integer: taken as
    its digits, a routing number padded back to its nine (INFERRED leniency; MX's table says String)."""

    def __init__(self, *args: Any, pad_to: int = 0, **kwargs: Any) -> None:
        kwargs["metadata"] = {**kwargs.get("metadata", {}), "pattern": "^[0-9]+$"}
        super().__init__(*args, **kwargs)
        self.pad_to = pad_to

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return str(value).zfill(self.pad_to)
        if not isinstance(value, str) or not (value.isascii() and value.isdigit()):
            raise ValidationError("Not a string of digits.")
        return value


class AccountType(fields.Field):
    """MX's integer account_type (1 CHECKING, 2 SAVINGS); the Platform API's names are accepted too."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["metadata"] = {**kwargs.get("metadata", {}), "type": "integer", "enum": [1, 2]}
        super().__init__(*args, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int:
        if isinstance(value, str) and value.upper() in ACCOUNT_TYPES:
            return ACCOUNT_TYPES[value.upper()]
        if isinstance(value, str) and value.isdigit():
            value = int(value)
        if isinstance(value, bool) or value not in ACCOUNT_TYPES.values():
            raise ValidationError("Must be 1 (CHECKING) or 2 (SAVINGS).")
        return value


# Our bound (MX publishes none): a micro-deposit is a few cents, so an amount of a million dollars or more
# (1e308) is a 400 rather than a wrong guess that counts toward PREVENTED. INFERRED.
MAX_AMOUNT = Decimal("999999.99")
_AMOUNT_DOC = {
    "minimum": 0.01,
    "maximum": float(MAX_AMOUNT),
    "multipleOf": 0.01,
    "description": "dollars and cents, e.g. 0.09",
}


class Amount(fields.Float):
    """A deposit amount in dollars: a JSON number above zero with at most two decimals as written (a string,
    a negative, a fraction of a cent, 0.09000000000000000001, or past MAX_AMOUNT is a 400: MX types the field
    Number, and amounts are cents)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["metadata"] = {**_AMOUNT_DOC, **kwargs.get("metadata", {})}
        super().__init__(*args, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValidationError("Not a valid number.")
        try:
            exact = Decimal(value.text if isinstance(value, JSONNumber) else str(value))
        except InvalidOperation:
            raise ValidationError("Not a valid number.") from None
        if not exact.is_finite() or exact <= 0:
            raise ValidationError("Must be an amount above zero.")
        # By its exponent: quantizing a value past the context's 28 digits (1e30) raises instead of answering.
        if exact.normalize().as_tuple().exponent < -2:  # type: ignore[operator]  # finite: an int
            raise ValidationError("Must be in dollars and cents (at most two decimals).")
        if exact > MAX_AMOUNT:
            raise ValidationError(f"Must be at most {MAX_AMOUNT} (a micro-deposit is a few cents).")
        return float(exact)


_NAME_DOC = {"pattern": "^[A-Za-z][A-Za-z .'-]*$"}


class MicroDepositFields(RequestSchema):
    first_name = StrictString(load_default=None, allow_none=True, max_length=50, metadata=_NAME_DOC)
    last_name = StrictString(load_default=None, allow_none=True, max_length=50, metadata=_NAME_DOC)
    email = StrictString(load_default=None, allow_none=True, max_length=255, metadata={"format": "email"})
    account_name = StrictString(load_default=None, allow_none=True, max_length=50)
    account_number = DigitString(load_default=None, allow_none=True, validate=validate.Length(max=17))
    routing_number = DigitString(
        load_default=None, allow_none=True, pad_to=9, validate=validate.Length(max=9), metadata={"minLength": 9}
    )
    account_type = AccountType(load_default=None, allow_none=True)


# The rules across fields, for the OpenAPI document (the domain checks them): account details, or a person.
_ACCOUNT_REQUIRED = {"required": ["account_number", "routing_number", "account_type"]}
MicroDepositFields.openapi_rules = {  # type: ignore[attr-defined]
    "anyOf": [_ACCOUNT_REQUIRED, {"required": ["first_name", "last_name", "email"]}]
}


class MicroDepositCreateRequest(Rooted):
    root = "micro_deposit"
    micro_deposit = fields.Nested(MicroDepositFields, required=True)


class MicroDepositUpdateFields(MicroDepositFields):
    """PUT: the two amounts (verify), or a pre-initiated micro-deposit's account details."""

    deposit_amount_1 = Amount()
    deposit_amount_2 = Amount()
    # The two amounts, or the account details: not both, not neither.
    openapi_rules: ClassVar[dict] = {
        "oneOf": [{"required": ["deposit_amount_1", "deposit_amount_2"]}, _ACCOUNT_REQUIRED]
    }


class MicroDepositUpdateRequest(Rooted):
    """MX documents the amounts unrooted; the Platform API's `{"micro_deposit": {...}}` is accepted too."""

    root = "micro_deposit"
    micro_deposit = fields.Nested(MicroDepositUpdateFields, required=True)


# ---- responses ------------------------------------------------------------------------------------------


_STATUS_IDS = [status.id for status in MicroDepositStatus]


class MicroDepositSchema(Schema):
    account_name = fields.String(allow_none=True, metadata=only_in(V1))
    account_number = fields.String(allow_none=True)
    account_type = fields.Integer(allow_none=True, metadata={"enum": sorted(ACCOUNT_TYPES.values())})
    account_type_name = fields.String(allow_none=True, metadata={"enum": sorted(ACCOUNT_TYPES)})
    created_at = Timestamp()
    email = fields.String(allow_none=True, metadata=only_in(V1))
    error_code = fields.String(allow_none=True, metadata=only_in(V1))
    error_message = fields.String(allow_none=True, metadata=only_in(V1))
    first_name = fields.String(allow_none=True, metadata=only_in(V1))
    guid = fields.String()
    institution_name = fields.String(allow_none=True)
    last_name = fields.String(allow_none=True, metadata=only_in(V1))
    routing_number = fields.String(allow_none=True)
    status = fields.Function(lambda m: m.status.id, metadata={"type": "integer", "enum": _STATUS_IDS})
    status_name = fields.String(metadata={"enum": MicroDepositStatus.names()})
    updated_at = Timestamp()
    verified_at = Timestamp(allow_none=True, metadata=only_in(V1))


class MicroDepositResponse(Schema):
    micro_deposit = fields.Nested(MicroDepositSchema)


class MicroDepositListResponse(Schema):
    micro_deposits = fields.List(fields.Nested(MicroDepositSchema))
