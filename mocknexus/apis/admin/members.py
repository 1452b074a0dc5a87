"""The control plane's members: drive one into a scenario or an end state, finish its job, wait for it."""

from __future__ import annotations

from flask import Response, current_app, request

from mocknexus.apis.admin.blueprint import route, scope
from mocknexus.apis.admin.schemas import admin as s
from mocknexus.apis.admin.schemas import clients as c
from mocknexus.apis.nexus.schemas.connecting import MemberResponse
from mocknexus.control import waits
from mocknexus.domain.core.errors import ErrorKind, MXError
from mocknexus.domain.core.statuses import ConnectionStatus, JobType
from mocknexus.domain.service import Emulator
from mocknexus.web.errors import error_envelope
from mocknexus.web.http import read_body, read_query, render
from mocknexus.web.openapi import doc

member_response = MemberResponse()
drive_request = s.DriveRequest()
status_request = s.StatusRequest()
member_timeout = c.MemberWaitTimeout()
member_wait_query = c.MemberWaitQuery()


def _world_of(client_id: str | None, guid: str):
    """The world a member is driven in: the addressed client's, or (server-wide) whichever holds it."""
    target = scope(client_id)
    return target.client or target.registry.world_of_member(guid)


def _emulator(client_id: str | None, guid: str) -> Emulator:
    return _world_of(client_id, guid).emulator


@route("/members/<guid>/scenario", ["POST"])
@doc("Give a member a scenario; optionally start a job", response=member_response, body=drive_request, errors=(403,))
def drive_member(guid: str, client_id: str | None = None) -> Response:
    body = read_body(drive_request)
    start = JobType[body["start"]] if body["start"] else None
    member = _emulator(client_id, guid).drive_member(guid, body["scenario"], start)
    return render(member_response, {"member": member})


@route("/members/<guid>/status", ["POST"])
@doc("Put a member into an end state", response=member_response, body=status_request, errors=(403,))
def force_status(guid: str, client_id: str | None = None) -> Response:
    status = ConnectionStatus[read_body(status_request)["connection_status"]]
    return render(member_response, {"member": _emulator(client_id, guid).force_status(guid, status)})


@route("/members/<guid>/finish", ["POST"])
@doc("Finish a member's running job now", response=member_response, errors=(403, 409))
def finish_job(guid: str, client_id: str | None = None) -> Response:
    return render(member_response, {"member": _emulator(client_id, guid).finish_job(guid)})


def wait_timeout(query: dict) -> float:
    """A wait's timeout, within the server's --max-wait."""
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
    """200 once the member is in one of the statuses; after `timeout` seconds MX's error shape with status 408,
    carrying the member as it stands, so a test's failure message says where things stood."""
    query = read_query(member_wait_query)
    statuses = waits.parse_statuses(query["status"])
    target = _world_of(client_id, guid)
    timeout = wait_timeout(query)
    done, member = waits.wait_for_member(target, guid, statuses, timeout, request.environ)
    if done:
        return render(member_response, {"member": member})
    running = " with a job running" if member.is_being_aggregated else ""
    message = (
        f"Waited {timeout:g} s for {','.join(sorted(statuses))}; "
        f"the member is {member.connection_status.name}{running}."
    )
    error = MXError(ErrorKind.REQUEST_TIMEOUT, message)
    return render(member_timeout, {**error_envelope(error), "member": member}, status=error.http_status)
