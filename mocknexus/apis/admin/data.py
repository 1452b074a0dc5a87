"""The control plane's data plane: transactions injected into a running world (shown at the member's next
aggregation, with its webhook), a pending one posted by hand, and a world's data settings.

POST /__admin/clients/{client_id}/members/{member_guid}/transactions          add up to 100 to one account
POST /__admin/clients/{client_id}/members/{member_guid}/transactions/{guid}/post
GET /__admin/clients/{client_id}/members/{member_guid}/data                  its accounts and newest transactions
GET|PUT /__admin/clients/{client_id}/data_settings                           MX's limits, background aggregation
"""

from __future__ import annotations

from flask import Response

from mocknexus.apis.admin.blueprint import CLIENT_PREFIX, bp, scope
from mocknexus.apis.admin.schemas import data as s
from mocknexus.domain.service import Emulator
from mocknexus.web.http import read_body, render
from mocknexus.web.openapi import doc

add_request = s.AddTransactionsRequest()
add_response = s.AddTransactionsResponse()
post_request = s.PostTransactionRequest()
settings_request = s.DataSettings()
settings_response = s.DataSettingsResponse()
data_response = s.MemberDataResponse()


def _client(client_id: str, create: bool = False) -> Emulator:
    target = scope(client_id, create=create).client
    assert target is not None
    return target.emulator


@bp.post(CLIENT_PREFIX + "/members/<member_guid>/transactions")
@doc("Add transactions to a member's account: they show at its next aggregation (PENDING ones until posted)",
     response=add_response, status=201, body=add_request, errors=(404, 409))  # fmt: skip
def add_transactions(client_id: str, member_guid: str) -> Response:
    body = read_body(add_request)
    made = _client(client_id).add_transactions(member_guid, body["account_guid"], body["transactions"])
    return render(add_response, {"transactions": made}, 201)


@bp.post(CLIENT_PREFIX + "/members/<member_guid>/transactions/<guid>/post")
@doc("Post a pending transaction added by hand (optionally at another amount): POSTED at the next aggregation",
     response=add_response, body=post_request, body_required=False, errors=(404, 409))  # fmt: skip
def post_transaction(client_id: str, member_guid: str, guid: str) -> Response:
    body = read_body(post_request, required=False)
    _client(client_id).post_transaction(member_guid, guid, body.get("amount"))
    return render(add_response, {"transactions": [guid]})


@bp.get(CLIENT_PREFIX + "/members/<member_guid>/data")
@doc("A member's accounts and newest transactions, as the partner sees them", response=data_response,
     errors=(404,))  # fmt: skip
def member_data(client_id: str, member_guid: str) -> Response:
    accounts, newest = _client(client_id).member_data_view(member_guid)
    return render(data_response, {"accounts": accounts, "transactions": newest})


@bp.get(CLIENT_PREFIX + "/data_settings")
@doc("A world's data settings: MX's limits (institution: as MX; on; off) and MX's background aggregation",
     response=settings_response, errors=(404,))  # fmt: skip
def read_data_settings(client_id: str) -> Response:
    return render(settings_response, {"data_settings": _client(client_id).data_settings()})


@bp.put(CLIENT_PREFIX + "/data_settings")
@doc("Change a world's data settings", response=settings_response, body=settings_request)
def change_data_settings(client_id: str) -> Response:
    changes = read_body(settings_request)
    return render(settings_response, {"data_settings": _client(client_id, create=True).set_data_settings(changes)})
