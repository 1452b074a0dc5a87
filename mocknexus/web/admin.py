"""The control plane, under /__admin/ so it can never collide with an MX path.

Reset, state read/load, driving members, the clock, injected faults and the request journal.
"""

from __future__ import annotations

import os

from flask import Blueprint, Response, current_app

import mocknexus
from mocknexus.domain import snapshot
from mocknexus.domain.errors import ErrorKind, MXError
from mocknexus.domain.statuses import ConnectionStatus, JobType
from mocknexus.schemas import admin as s
from mocknexus.schemas.nexus import MemberResponse
from mocknexus.web.http import emulator, faults, journal, read_body, read_json_object, read_query, render, render_json
from mocknexus.web.openapi import build_spec, doc

bp = Blueprint("admin", __name__, url_prefix="/__admin")

health_response = s.HealthResponse()
member_response = MemberResponse()
clock_response = s.ClockResponse()
fault_response = s.FaultResponse()
fault_list = s.FaultListResponse()
journal_response = s.JournalResponse()
scenario_list = s.ScenarioListResponse()
reset_request = s.ResetRequest()
drive_request = s.DriveRequest()
status_request = s.StatusRequest()
advance_request = s.AdvanceRequest()
freeze_request = s.FreezeRequest()
fault_request = s.FaultRequest()
journal_query = s.JournalQuery()
state_query = s.StateQuery()


@bp.get("/health")
@doc("Ready?", response=health_response)
def health() -> Response:
    response = render(health_response, {"status": "ok", "version": mocknexus.__version__})
    response.headers["X-Mocknexus-Worker"] = str(os.getpid())  # which process answered (several with gunicorn)
    return response


@bp.post("/reset")
@doc("Reset everything, or one user", response={"type": "object"}, body=reset_request, body_required=False)
def reset() -> Response:
    """Everything back to the loaded fixtures: state, clock, faults and journal; or one user's data only."""
    user_id = read_body(reset_request, required=False)["user_id"]
    if user_id:
        emulator().reset_user(user_id)
    else:
        emulator().reset()
        emulator().clock.reset()
        faults().clear()
        journal().clear()
    return render_json({})


@bp.get("/state")
@doc("The whole state; credential values and MFA answers masked unless reveal=true", response={"type": "object"},
     query=state_query)  # fmt: skip
def read_state() -> Response:
    state = emulator().dump_state()
    return render_json(state if read_query(state_query)["reveal"] else snapshot.mask_secrets(state))


@bp.put("/state")
@doc(
    "Replace the whole state with a snapshot (from GET /__admin/state?reveal=true)",
    response={"type": "object"},
    body=snapshot.DOCUMENT_SCHEMA,
    unchecked={
        "positive_data_acceptance": "A snapshot's records refer to each other and to the loaded fixtures; the "
        "document gives their outline (GET /__admin/state's output), so a generated one may be refused (400)."
    },
)
def load_state() -> Response:
    state = read_json_object()
    if snapshot.is_masked(state):
        raise MXError(ErrorKind.BAD_REQUEST, "This snapshot's secrets are masked; GET /__admin/state?reveal=true.")
    emulator().load_state(state)
    return render_json({})


@bp.get("/scenarios")
@doc("The loaded scenarios", response=scenario_list)
def list_scenarios() -> Response:
    scenarios = sorted(emulator().catalog.scenarios.values(), key=lambda x: x.name)
    return render(scenario_list, {"scenarios": scenarios})


@bp.post("/members/<guid>/scenario")
@doc("Give a member a scenario; optionally start a job", response=member_response, body=drive_request)
def drive_member(guid: str) -> Response:
    body = read_body(drive_request)
    start = JobType[body["start"]] if body["start"] else None
    return render(member_response, {"member": emulator().drive_member(guid, body["scenario"], start)})


@bp.post("/members/<guid>/status")
@doc("Put a member into an end state", response=member_response, body=status_request)
def force_status(guid: str) -> Response:
    status = ConnectionStatus[read_body(status_request)["connection_status"]]
    return render(member_response, {"member": emulator().force_status(guid, status)})


@bp.post("/members/<guid>/finish")
@doc("Finish a member's running job now", response=member_response, errors=(409,))
def finish_job(guid: str) -> Response:
    return render(member_response, {"member": emulator().finish_job(guid)})


def _clock() -> Response:
    clock = emulator().clock
    return render(clock_response, {"now": clock.now(), "frozen": clock.is_frozen})


@bp.get("/clock")
@doc("The emulator's clock", response=clock_response)
def read_clock() -> Response:
    return _clock()


@bp.post("/clock/advance")
@doc("Move the clock forward", response=clock_response, body=advance_request)
def advance_clock() -> Response:
    try:
        emulator().clock.advance(read_body(advance_request)["seconds"])
    except OverflowError:
        raise MXError(ErrorKind.BAD_REQUEST, "That would move the clock past the year 9999.") from None
    return _clock()


@bp.post("/clock/freeze")
@doc("Stop the clock (at an instant)", response=clock_response, body=freeze_request, body_required=False)
def freeze_clock() -> Response:
    emulator().clock.freeze(read_body(freeze_request, required=False)["at"])
    return _clock()


@bp.post("/clock/unfreeze")
@doc("Let the clock run again", response=clock_response)
def unfreeze_clock() -> Response:
    emulator().clock.unfreeze()
    return _clock()


@bp.get("/faults")
@doc("Injected faults", response=fault_list)
def list_faults() -> Response:
    return render(fault_list, {"faults": faults().list()})


@bp.post("/faults")
@doc("Inject a fault", response=fault_response, body=fault_request, status=201)
def add_fault() -> Response:
    return render(fault_response, {"fault": faults().add(**read_body(fault_request))}, status=201)


@bp.delete("/faults")
@doc("Remove every fault", response={"type": "object"})
def clear_faults() -> Response:
    faults().clear()
    return render_json({})


@bp.delete("/faults/<fault_id>")
@doc("Remove one fault", response={"type": "object"})
def remove_fault(fault_id: str) -> Response:
    if not faults().remove(fault_id):
        raise MXError(ErrorKind.NOT_FOUND, "Fault not found.")
    return render_json({})


@bp.get("/requests")
@doc("The request journal, newest first", response=journal_response, query=journal_query)
def list_requests() -> Response:
    return render(journal_response, {"requests": journal().entries(**read_query(journal_query))})


@bp.delete("/requests")
@doc("Empty the request journal", response={"type": "object"})
def clear_requests() -> Response:
    journal().clear()
    return render_json({})


@bp.get("/openapi.json")
@doc("This OpenAPI document", response={"type": "object"})
def openapi() -> Response:
    spec = current_app.extensions.get("mocknexus.openapi")
    if spec is None:  # built once, on first request: routes are all registered by then
        spec = current_app.extensions["mocknexus.openapi"] = build_spec(current_app)
    return render_json(spec)
