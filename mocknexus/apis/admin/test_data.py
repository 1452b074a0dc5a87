"""The control plane's micro-deposits and declared accounts.

GET  /__admin[/clients/{client_id}]/micro_deposits/{guid}         the record with its amounts and attempts
POST /__admin[/clients/{client_id}]/micro_deposits/{guid}/status  force a status and/or set the amounts
GET|POST /__admin/clients/{client_id}/test_accounts               accounts declared for a user id or a login
DELETE   /__admin/clients/{client_id}/test_accounts/{name}
"""

from __future__ import annotations

from flask import Response

from mocknexus.apis.admin.blueprint import CLIENT_PREFIX, bp, route, scope
from mocknexus.apis.admin.schemas import test_data as s
from mocknexus.domain.core import snapshot
from mocknexus.domain.core.errors import not_found
from mocknexus.domain.microdeposits.microdeposits import MicroDepositStatus
from mocknexus.domain.service import Emulator
from mocknexus.web.http import read_body, render, render_json
from mocknexus.web.openapi import doc

revealed = s.RevealedMicroDepositResponse()
steer_request = s.MicroDepositSteerRequest()
declaration_request = s.DeclarationSchema()
declaration_response = s.DeclarationResponse()
declaration_list = s.DeclarationListResponse()


def _holder(client_id: str | None, guid: str) -> Emulator:
    """The world a micro-deposit is in: the addressed client's, or (server-wide) whichever holds it."""
    for emulator in scope(client_id).emulators:
        if emulator.has_micro_deposit(guid):
            return emulator
    raise not_found("Micro-deposit")


@route("/micro_deposits/<guid>", ["GET"])
@doc("A micro-deposit with the amounts that verify it (MX never shows them)", response=revealed)
def reveal_micro_deposit(guid: str, client_id: str | None = None) -> Response:
    return render(revealed, {"micro_deposit": _holder(client_id, guid).observe_micro_deposit(guid)})


@route("/micro_deposits/<guid>/status", ["POST"])
@doc("Force a micro-deposit's status (any of MX's) and/or set its amounts", response=revealed, body=steer_request)
def steer_micro_deposit(guid: str, client_id: str | None = None) -> Response:
    body = read_body(steer_request)
    status = MicroDepositStatus[body["status"]] if "status" in body else None
    amounts = (body["deposit_amount_1"], body["deposit_amount_2"]) if "deposit_amount_1" in body else None
    record = _holder(client_id, guid).steer_micro_deposit(guid, status, amounts)
    return render(revealed, {"micro_deposit": record})


def _client(client_id: str, create: bool = False) -> Emulator:
    """The named client's emulator (a declaration creates its world; a read or a removal does not)."""
    target = scope(client_id, create=create).client
    assert target is not None
    return target.emulator


@bp.get(CLIENT_PREFIX + "/test_accounts")
@doc("Accounts declared for this client (its own, then the fixture files')", response=declaration_list, errors=(404,))
def list_test_accounts(client_id: str) -> Response:
    declared = [snapshot.to_data(d) for d in _client(client_id).declarations()]
    return render_json({"test_accounts": declared})


@bp.post(CLIENT_PREFIX + "/test_accounts")
@doc(
    "Declare the accounts a successful job finds for a user id and/or credential values",
    response=declaration_response,
    body=declaration_request,
    unchecked={
        "positive_data_acceptance": "Routing numbers must pass the ABA checksum, and a declaration must name "
        "a user_id or credentials (400)."
    },
)
def declare_test_accounts(client_id: str) -> Response:
    declaration = read_body(declaration_request)
    declaration = _client(client_id, create=True).declare_accounts(declaration)
    return render_json({"test_account": snapshot.to_data(declaration)})


@bp.delete(CLIENT_PREFIX + "/test_accounts/<name>")
@doc("Remove a declaration made for this client", response={"type": "object"})
def remove_test_accounts(client_id: str, name: str) -> Response:
    _client(client_id).remove_declaration(name)
    return render_json({})
