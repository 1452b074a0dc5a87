"""Nexus micro-deposits (MD-SESSION-TOKEN): create, list, read, and verify with the two amounts.

A blueprint of the Nexus API (apis/nexus/), acting for its session's user like the rest. MX's published Java
client sends `Accept: application/vnd.mx.nexus.beta+json` here; MX's docs show the v1 type. Both are accepted (the
registry's `also_accepts`), and the answer carries the type that was asked for (INFERRED: no public source
shows the beta type's responses).
"""

from __future__ import annotations

from flask import Blueprint, Response, request

from mocknexus.domain.core.errors import ErrorKind, MXError, not_found
from mocknexus.domain.microdeposits.microdeposit_ops import AccountDetails
from mocknexus.domain.static_members.static_members import StaticMembers
from mocknexus.schemas import microdeposits as s
from mocknexus.web.apis import NEXUS_BETA_MEDIA_TYPE, NEXUS_MEDIA_TYPE
from mocknexus.web.caller import Caller
from mocknexus.web.http import emulator, read_body, render
from mocknexus.web.openapi import doc

bp = Blueprint("nexus_microdeposits", __name__)

micro_deposit_response = s.MicroDepositResponse()
micro_deposit_list = s.MicroDepositListResponse()
create_request = s.MicroDepositCreateRequest()
update_request = s.MicroDepositUpdateRequest()

ACCOUNT_KEYS = ("account_number", "routing_number", "account_type", "account_name")
ROUTING_CHECK = "A routing number must also pass the ABA checksum and not be a blocked one (400)."
_STATIC = "MX's static test_session is read-only: open a session for a user of your own to make micro-deposits."


def _answer(schema: object, body: dict) -> Response:
    response = render(schema, body)  # type: ignore[arg-type]
    if request.accept_mimetypes.best_match([NEXUS_MEDIA_TYPE, NEXUS_BETA_MEDIA_TYPE]) == NEXUS_BETA_MEDIA_TYPE:
        response.mimetype = NEXUS_BETA_MEDIA_TYPE
    return response


def _static(caller: Caller) -> bool:
    return isinstance(caller.ops, StaticMembers)


@bp.post("/micro_deposits")
@doc(
    "Create a micro-deposit (or pre-initiate one with first_name, last_name and email)",
    response=micro_deposit_response,
    body=create_request,
    errors=(403,),
    unchecked={"positive_data_acceptance": ROUTING_CHECK},
)
def create_micro_deposit(caller: Caller) -> Response:
    fields = read_body(create_request)["micro_deposit"]
    if _static(caller):
        raise MXError(ErrorKind.FORBIDDEN, _STATIC)
    details = AccountDetails(**{key: fields[key] for key in ACCOUNT_KEYS})
    record = emulator().create_micro_deposit(
        caller.user_guid, fields["first_name"], fields["last_name"], fields["email"], details
    )
    return _answer(micro_deposit_response, {"micro_deposit": record})


@bp.get("/micro_deposits")
@doc("List the user's micro-deposits", response=micro_deposit_list)
def list_micro_deposits(caller: Caller) -> Response:
    records = [] if _static(caller) else emulator().list_micro_deposits(caller.user_guid)
    return _answer(micro_deposit_list, {"micro_deposits": records})


@bp.get("/micro_deposits/<guid>")
@doc("Read a micro-deposit (a read moves its status on, as at MX)", response=micro_deposit_response)
def read_micro_deposit(caller: Caller, guid: str) -> Response:
    if _static(caller):
        raise not_found("Micro-deposit")
    record = emulator().read_micro_deposit(caller.user_guid, guid)
    return _answer(micro_deposit_response, {"micro_deposit": record})


@bp.put("/micro_deposits/<guid>")
@doc(
    "Verify a micro-deposit with its two amounts (or complete a pre-initiated one's account)",
    response=micro_deposit_response,
    body=update_request,
    errors=(403, 422),
    unchecked={"positive_data_acceptance": ROUTING_CHECK},
)
def update_micro_deposit(caller: Caller, guid: str) -> Response:
    fields = read_body(update_request)["micro_deposit"]
    amounts = (fields.get("deposit_amount_1"), fields.get("deposit_amount_2"))
    account = {key: fields[key] for key in ACCOUNT_KEYS if fields[key] is not None}
    if _static(caller):
        raise MXError(ErrorKind.FORBIDDEN, _STATIC)
    if any(a is not None for a in amounts) and account:
        raise MXError(ErrorKind.BAD_REQUEST, "Send the deposit amounts or the account details, not both.")
    if account:
        record = emulator().update_micro_deposit(caller.user_guid, guid, AccountDetails(**account))
    elif None in amounts:
        raise MXError(ErrorKind.MISSING_PARAMETERS, "deposit_amount_1 and deposit_amount_2 are both required.")
    else:
        record = emulator().verify_micro_deposit(caller.user_guid, guid, *amounts)  # type: ignore[arg-type]
    return _answer(micro_deposit_response, {"micro_deposit": record})
