"""The control plane's client ids: the list of worlds, forgetting one, and server-side waits.

GET /__admin/clients lists every client id's world; DELETE /__admin/clients/{client_id} forgets one.
Waits answer 200 once the condition holds, or, after `timeout` seconds, MX's error shape with status 408
carrying the current state, so a test's failure message says where things stood.
"""

from __future__ import annotations

from flask import Response, current_app, request

from mocknexus.control import waits
from mocknexus.control.journal import views
from mocknexus.domain.errors import ErrorKind, MXError, not_found
from mocknexus.schemas import clients as s
from mocknexus.schemas.nexus import MemberResponse
from mocknexus.web.admin_blueprint import CLIENT_PREFIX, bp, client_world, route
from mocknexus.web.http import read_query, render, render_json, worlds
from mocknexus.web.openapi import doc

client_list = s.ClientListResponse()
member_response = MemberResponse()
member_timeout = s.MemberWaitTimeout()
member_wait_query = s.MemberWaitQuery()
request_wait_query = s.RequestWaitQuery()
requests_found = s.RequestWaitResponse()
requests_timeout = s.RequestWaitTimeout()


@bp.get("/clients")
@doc("Every client id's world", response=client_list)
def list_clients() -> Response:
    summaries = []
    for w in worlds().all():
        emulator = w.emulator
        summaries.append(
            {
                "client_id": w.client_id,
                "created_at": w.created_at.isoformat(),
                "now": w.clock.now(),
                "frozen": w.clock.is_frozen,
                "users": emulator.count_users(),
                "members": emulator.count_members(),
                "faults": len(w.faults.list()),
                "requests": len(w.journal),  # a count, not a copy of every entry
            }
        )
    return render(client_list, {"clients": summaries})


@bp.delete(CLIENT_PREFIX)
@doc("Forget a client id: its state, clock, faults and journal", response={"type": "object"})
def forget_client(client_id: str) -> Response:
    if not worlds().forget(client_id):
        raise not_found("Client")
    return render_json({})


def _timeout(query: dict) -> float:
    """The wait's timeout, within the server's --max-wait."""
    return min(query["timeout"], current_app.config["MOCKNEXUS"].max_wait)


@route("/members/<guid>/wait", ["GET"])
@doc(
    "Wait until a member reaches a connection status (or END)",
    response=member_response,
    query=member_wait_query,
    bodies={408: member_timeout},
    errors=(403,),
    unchecked={"positive_data_acceptance": "A wait that runs out answers 408 with the state so far: a valid wait."},
)
def wait_for_member(guid: str, client_id: str | None = None) -> Response:
    query = read_query(member_wait_query)
    statuses = waits.parse_statuses(query["status"])
    target = client_world(client_id) or worlds().world_of_member(guid)
    timeout = _timeout(query)
    done, member = waits.wait_for_member(target, guid, statuses, timeout, request.environ)
    if done:
        return render(member_response, {"member": member})
    running = " with a job running" if member.is_being_aggregated else ""
    message = (
        f"Waited {timeout:g} s for {','.join(sorted(statuses))}; "
        f"the member is {member.connection_status.name}{running}."
    )
    error = MXError(ErrorKind.REQUEST_TIMEOUT, message)
    body = {"error": {"code": error.code, "message": error.message}, "member": member}
    return render(member_timeout, body, status=error.http_status)


@route("/requests/wait", ["GET"])
@doc(
    "Wait until the journal holds `count` requests matching a method and path glob",
    response=requests_found,
    query=request_wait_query,
    bodies={408: requests_timeout},
    unchecked={"positive_data_acceptance": "A wait that runs out answers 408 with the state so far: a valid wait."},
)
def wait_for_requests(client_id: str | None = None) -> Response:
    query = read_query(request_wait_query)
    method, path, count, timeout = query["method"], query["path"], query["count"], _timeout(query)
    target = client_world(client_id)
    if target is not None:
        done, found = waits.wait_for_requests(
            target, lambda: target.journal.matching(method, path), count, timeout, request.environ
        )
    else:  # every client's journal; the shared world is woken by every world's calls
        registry = worlds()
        done, found = waits.wait_for_requests(
            registry.shared, lambda: registry.journal_matching(None, method, path), count, timeout, request.environ
        )
    if done:
        return render(requests_found, {"requests": views(found)})
    error = MXError(
        ErrorKind.REQUEST_TIMEOUT,
        f"Waited {timeout:g} s for {count} request(s) matching {method or '*'} {path or '*'}; {len(found)} so far.",
    )
    body = {"error": {"code": error.code, "message": error.message}, "requests": views(found)}
    return render(requests_timeout, body, status=error.http_status)
