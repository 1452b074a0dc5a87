"""The control plane's view of calls: injected faults and the request journal, server-wide or per client id.

Server-wide faults (/__admin/faults) apply to every call; a client's (/__admin/clients/{id}/faults) to that
client's calls only. The server-wide journal merges every client's (each entry names its client_id).
"""

from __future__ import annotations

from flask import Response

from mocknexus.control.faults import Fault
from mocknexus.control.journal import views
from mocknexus.domain.errors import ErrorKind, MXError
from mocknexus.schemas import admin as s
from mocknexus.web.admin_blueprint import client_world, route
from mocknexus.web.http import read_body, read_query, render, render_json, worlds
from mocknexus.web.openapi import doc

fault_response = s.FaultResponse()
fault_list = s.FaultListResponse()
journal_response = s.JournalResponse()
fault_request = s.FaultRequest()
journal_query = s.JournalQuery()


def _every_faults() -> list:
    registry = worlds()
    return [registry.server_faults, *(w.faults for w in registry.all())]


@route("/faults", ["GET"])
@doc("Injected faults (server-wide: every client's too)", response=fault_list)
def list_faults(client_id: str | None = None) -> Response:
    target = client_world(client_id)
    found: list[Fault] = target.faults.list() if target else [f for fs in _every_faults() for f in fs.list()]
    return render(fault_list, {"faults": found})


@route("/faults", ["POST"])
@doc("Inject a fault (server-wide: on every call)", response=fault_response, body=fault_request, status=201)
def add_fault(client_id: str | None = None) -> Response:
    target = client_world(client_id)
    faults = target.faults if target else worlds().server_faults
    return render(fault_response, {"fault": faults.add(**read_body(fault_request))}, status=201)


@route("/faults", ["DELETE"])
@doc("Remove every fault (server-wide: every client's too)", response={"type": "object"})
def clear_faults(client_id: str | None = None) -> Response:
    target = client_world(client_id)
    for faults in [target.faults] if target else _every_faults():
        faults.clear()
    return render_json({})


@route("/faults/<fault_id>", ["DELETE"])
@doc("Remove one fault", response={"type": "object"})
def remove_fault(fault_id: str, client_id: str | None = None) -> Response:
    target = client_world(client_id)
    if not any(faults.remove(fault_id) for faults in ([target.faults] if target else _every_faults())):
        raise MXError(ErrorKind.NOT_FOUND, "Fault not found.")
    return render_json({})


@route("/requests", ["GET"])
@doc("The request journal, newest first", response=journal_response, query=journal_query)
def list_requests(client_id: str | None = None) -> Response:
    query = read_query(journal_query)
    wanted, limit = query.pop("client_id"), query.pop("limit")
    target = client_world(client_id)
    if target is not None:
        found = target.journal.matching(**query) if wanted in (None, client_id) else []
    else:
        found = worlds().journal_matching(wanted, **query)
    return render(journal_response, {"requests": views(found, limit)})


@route("/requests", ["DELETE"])
@doc("Empty the request journal (server-wide: every client's)", response={"type": "object"})
def clear_requests(client_id: str | None = None) -> Response:
    target = client_world(client_id)
    registry = worlds()
    for journal in [target.journal] if target else [registry.server_journal, *(w.journal for w in registry.all())]:
        journal.clear()
    return render_json({})
