"""The control plane's injected faults: server-wide (/__admin/faults, tried on every call) or one client id's
(/__admin/clients/{id}/faults, that client's calls only)."""

from __future__ import annotations

from flask import Response

from mocknexus.apis.admin.blueprint import absent, route, scope
from mocknexus.apis.admin.schemas import admin as s
from mocknexus.domain.core.errors import ErrorKind, MXError
from mocknexus.web.http import read_body, render, render_json
from mocknexus.web.openapi import doc

fault_response = s.FaultResponse()
fault_list = s.FaultListResponse()
fault_request = s.FaultRequest()


@route("/faults", ["GET"])
@doc("Injected faults (server-wide: every client's too)", response=fault_list)
def list_faults(client_id: str | None = None) -> Response:
    return render(fault_list, {"faults": [f for faults in scope(client_id).every_faults for f in faults.list()]})


@route("/faults", ["POST"])
@doc("Inject a fault (server-wide: on every call)", response=fault_response, body=fault_request, status=201)
def add_fault(client_id: str | None = None) -> Response:
    fault = read_body(fault_request)
    return render(fault_response, {"fault": scope(client_id, create=True).faults.add(**fault)}, status=201)


@route("/faults", ["DELETE"])
@doc("Remove every fault (server-wide: every client's too)", response={"type": "object"})
def clear_faults(client_id: str | None = None) -> Response:
    if absent(client_id):
        return render_json({})  # none to remove
    for faults in scope(client_id).every_faults:
        faults.clear()
    return render_json({})


@route("/faults/<fault_id>", ["DELETE"])
@doc("Remove one fault", response={"type": "object"})
def remove_fault(fault_id: str, client_id: str | None = None) -> Response:
    if absent(client_id) or not any(faults.remove(fault_id) for faults in scope(client_id).every_faults):
        raise MXError(ErrorKind.NOT_FOUND, "Fault not found.")
    return render_json({})
