"""The control plane's micro-deposits and declared accounts.

GET  /__admin[/clients/{client_id}]/micro_deposits/{guid}         the record with its amounts and attempts
POST /__admin[/clients/{client_id}]/micro_deposits/{guid}/status  force a status and/or set the amounts
GET|POST /__admin/clients/{client_id}/test_accounts               accounts declared for a user id or a login
DELETE   /__admin/clients/{client_id}/test_accounts/{name}
"""

from __future__ import annotations

from flask import Response

from mocknexus.domain import snapshot
from mocknexus.domain.errors import not_found
from mocknexus.domain.microdeposits import MicroDepositStatus
from mocknexus.domain.service import Emulator
from mocknexus.schemas import admin_test_data as s
from mocknexus.web.admin_blueprint import CLIENT_PREFIX, bp, client_world, route
from mocknexus.web.http import read_body, render, render_json, world, worlds
from mocknexus.web.openapi import doc

revealed = s.RevealedMicroDepositResponse()
steer_request = s.MicroDepositSteerRequest()
declaration_request = s.DeclarationSchema()
declaration_response = s.DeclarationResponse()
declaration_list = s.DeclarationListResponse()


def _holder(client_id: str | None, guid: str) -> Emulator:
    """The world a micro-deposit is in: the addressed client's, or (server-wide) whichever holds it."""
    target = client_world(client_id)
    if target is not None:
        return target.emulator
    for candidate in worlds().all():
        if candidate.emulator.has_micro_deposit(guid):
            return candidate.emulator
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


@bp.get(CLIENT_PREFIX + "/test_accounts")
@doc("Accounts declared for this client (its own, then the fixture files')", response=declaration_list)
def list_test_accounts(client_id: str) -> Response:
    declared = [snapshot.to_data(d) for d in world().emulator.declarations()]
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
    declaration = world().emulator.declare_accounts(read_body(declaration_request))
    return render_json({"test_account": snapshot.to_data(declaration)})


@bp.delete(CLIENT_PREFIX + "/test_accounts/<name>")
@doc("Remove a declaration made for this client", response={"type": "object"})
def remove_test_accounts(client_id: str, name: str) -> Response:
    world().emulator.remove_declaration(name)
    return render_json({})
