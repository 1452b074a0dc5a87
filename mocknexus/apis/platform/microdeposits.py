"""Micro-deposits (MX's MicrodepositsApi): create or pre-initiate, list, read, delete, verify, and the user's
account verifications, over the same user-keyed operations Nexus's micro-deposits call (one world: a
micro-deposit made here is read and verified through Nexus too, and raises the same MICRODEPOSITS webhooks).

MX's document declares these six responses `application/json` (not the Platform's vnd type), and MX's SDKs
send that Accept: they are answered so, errors included (`_json_doc`: their `@doc`'s `error_media`, which the
request's caller reads). The delete declares no body, so its errors keep the Platform's type.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Response

from mocknexus.apis.nexus.microdeposits import ACCOUNT_KEYS, ROUTING_CHECK
from mocknexus.apis.platform.blueprint import bp
from mocknexus.apis.platform.common import page_of, query
from mocknexus.apis.platform.schemas import microdeposits as s
from mocknexus.apis.platform.schemas.common import PlatformPageQuery
from mocknexus.domain.microdeposits.microdeposit_ops import AccountDetails
from mocknexus.web.caller import Caller
from mocknexus.web.http import emulator, read_body, render
from mocknexus.web.openapi import doc

JSON = "application/json"
F = TypeVar("F", bound=Callable[..., Any])
create_request = s.PlatformMicroDepositRequest()
verify_request = s.PlatformMicroDepositVerifyRequest()
record_response = s.PlatformMicroDepositResponse()
record_list = s.PlatformMicroDepositList()
page_query = PlatformPageQuery()


def _json_doc(summary: str, **details: Any) -> Callable[[F], F]:
    """A route MX declares `application/json`: its answer, and its errors, in that type."""
    return doc(summary, media=JSON, error_media=JSON, **details)


def _records(records: list) -> Response:
    """MX's MicrodepositResponseBody: `micro_deposit` is a list (MX's document), here of the records asked for."""
    return render(record_response, {"micro_deposit": records})


@bp.post("/users/<user_guid>/micro_deposits")
@_json_doc(
    "Create a micro-deposit (or pre-initiate one with first_name, last_name and email)",
    response=record_response,
    body=create_request,
    errors=(422,),
    unchecked={"positive_data_acceptance": ROUTING_CHECK},
)
def create_microdeposit(caller: Caller) -> Response:
    fields = read_body(create_request)["micro_deposit"]
    details = AccountDetails(**{key: fields[key] for key in ACCOUNT_KEYS})
    api = caller.emulator
    record = api.create_micro_deposit(
        caller.user_guid, fields["first_name"], fields["last_name"], fields["email"], details
    )
    return _records([record])


@bp.get("/users/<user_guid>/micro_deposits")
@_json_doc("List a user's micro-deposits", response=record_list, query=page_query)
def list_user_microdeposits(caller: Caller) -> Response:
    args = query(page_query)
    api = caller.emulator
    items, page = page_of(api.list_micro_deposits(caller.user_guid), args)
    return render(record_list, {"micro_deposits": items, "pagination": page})


@bp.get("/users/<user_guid>/micro_deposits/<micro_deposit_guid>")
@_json_doc("Read a micro-deposit (a read moves its status on, as at MX)", response=record_response)
def read_user_microdeposit(caller: Caller, micro_deposit_guid: str) -> Response:
    api = caller.emulator
    return _records([api.read_micro_deposit(caller.user_guid, micro_deposit_guid)])


@bp.delete("/users/<user_guid>/micro_deposits/<micro_deposit_guid>")
@doc("Delete a micro-deposit", response=None, status=204)
def delete_microdeposit(caller: Caller, micro_deposit_guid: str) -> Response:
    api = caller.emulator
    api.delete_micro_deposit(caller.user_guid, micro_deposit_guid)
    return Response(status=204)


@bp.put("/micro_deposits/<micro_deposit_guid>/verify")
@_json_doc(
    "Verify a micro-deposit with its two amounts (MX names no user here)",
    response=record_response,
    body=verify_request,
    errors=(422,),
)
def verify_microdeposit(micro_deposit_guid: str) -> Response:
    amounts = read_body(verify_request)["micro_deposit"]
    api = emulator()
    owner = api.micro_deposit_owner(micro_deposit_guid)
    record = api.verify_micro_deposit(
        owner, micro_deposit_guid, amounts["deposit_amount_1"], amounts["deposit_amount_2"]
    )
    return _records([record])


@bp.get("/users/<user_guid>/account_verifications")
@_json_doc("The user's account verifications: its micro-deposits and their statuses", response=record_response)
def list_user_verifications(caller: Caller) -> Response:
    # INFERRED: MX documents "the account verifications associated with the user" in MicrodepositResponseBody;
    # mocknexus's verifications by amounts are its micro-deposits.
    api = caller.emulator
    return _records(api.list_micro_deposits(caller.user_guid))
