"""The control plane, under /__admin/ so it can never collide with an MX path.

Every endpoint acts on the whole server at /__admin/... and on one MX client id's world at
/__admin/clients/{client_id}/... (the same view, registered twice by `route`). Here: reset, state read and
load, scenarios, driving members and the clock; faults and the journal in `admin_traffic`; the list of
client ids and server-side waits in `admin_clients`; the inspector's reads in `admin_inspect`. All of them add
their routes to the one blueprint in `admin_blueprint`.
"""

from __future__ import annotations

import os

from flask import Response, current_app

import mocknexus
from mocknexus.domain import snapshot
from mocknexus.domain.clock import Clock
from mocknexus.domain.errors import ErrorKind, MXError, not_found
from mocknexus.domain.service import Emulator
from mocknexus.domain.statuses import ConnectionStatus, JobType
from mocknexus.loader import FixtureError, parse_scenario
from mocknexus.schemas import admin as s
from mocknexus.schemas.clients import ScenarioUploadRequest
from mocknexus.schemas.nexus import MemberResponse
from mocknexus.web.admin_blueprint import CLIENT_PREFIX, bp, client_world, route
from mocknexus.web.http import read_body, read_json_object, read_query, render, render_json, world, worlds
from mocknexus.web.openapi import build_spec, doc

health_response = s.HealthResponse()
member_response = MemberResponse()
clock_response = s.ClockResponse()
scenario_list = s.ScenarioListResponse()
reset_request = s.ResetRequest()
drive_request = s.DriveRequest()
status_request = s.StatusRequest()
advance_request = s.AdvanceRequest()
freeze_request = s.FreezeRequest()
upload_request = ScenarioUploadRequest()
state_query = s.StateQuery()


@route("/health", ["GET"], scoped=False)
@doc("Ready?", response=health_response)
def health() -> Response:
    response = render(health_response, {"status": "ok", "version": mocknexus.__version__})
    response.headers["X-Mocknexus-Worker"] = str(os.getpid())  # which process answered (several with gunicorn)
    return response


@route("/reset", ["POST"])
@doc("Reset everything, or one user", response={"type": "object"}, body=reset_request, body_required=False)
def reset(client_id: str | None = None) -> Response:
    """The whole server back to its fixtures (every client forgotten, the server clock, faults and journal), or
    one client back to nothing; with a user_id, only that user's data (in every client that has it)."""
    user_id = read_body(reset_request, required=False)["user_id"]
    target = client_world(client_id)
    if user_id:
        holders = [target] if target else [w for w in worlds().all() if w.emulator.has_user(user_id)]
        if not holders:
            raise not_found("User")
        for holder in holders:
            holder.emulator.reset_user(user_id)
    elif target is not None:
        worlds().reset(target)
    else:
        worlds().reset_all()
    return render_json({})


@route("/state", ["GET"])
@doc(
    "The whole state (of every client, or of one); credential values and MFA answers masked unless reveal=true",
    response={"type": "object"},
    query=state_query,
)
def read_state(client_id: str | None = None) -> Response:
    target = client_world(client_id)
    state = target.emulator.dump_state() if target else worlds().dump_all()
    return render_json(state if read_query(state_query)["reveal"] else snapshot.mask_secrets(state))


@route("/state", ["PUT"])
@doc(
    "Replace the state with a snapshot (from GET /__admin/state?reveal=true)",
    response={"type": "object"},
    body=snapshot.DOCUMENT_SCHEMA,
    unchecked={
        "positive_data_acceptance": "A snapshot's records refer to each other and to the loaded fixtures; the "
        "document gives their outline (GET /__admin/state's output), so a generated one may be refused (400)."
    },
)
def load_state(client_id: str | None = None) -> Response:
    """At /__admin/state: a whole-server snapshot (`clients`), or one client's (it names its client_id; the
    others are untouched). Under /clients/{client_id}: that client's."""
    state = read_json_object()
    if snapshot.is_masked(state):
        raise MXError(ErrorKind.BAD_REQUEST, "This snapshot's secrets are masked; GET /__admin/state?reveal=true.")
    for client_snapshot in state.get("clients") if isinstance(state.get("clients"), list) else [state]:
        _check_uploads(client_snapshot)
    target = client_world(client_id)
    if target is not None and "clients" in state:
        raise MXError(ErrorKind.BAD_REQUEST, 'A whole-server snapshot ("clients") loads at /__admin/state.')
    if target is None and "clients" not in state:
        named = state.get("client_id")
        if not isinstance(named, str):
            raise MXError(
                ErrorKind.BAD_REQUEST,
                "A snapshot without client_id loads at /__admin/clients/{client_id}/state; "
                'here, send a whole-server snapshot ("clients") or one that names its client_id.',
            )
        target = worlds().get(named)
    if target is None:
        worlds().load_all(state)
    else:
        target.emulator.load_state(state)
    return render_json({})


@route("/scenarios", ["GET"])
@doc("The loaded scenarios (a client's: with its uploaded ones)", response=scenario_list)
def list_scenarios(client_id: str | None = None) -> Response:
    target = client_world(client_id)
    catalog = target.emulator.catalog if target else worlds().catalog
    return render(scenario_list, {"scenarios": sorted(catalog.scenarios.values(), key=lambda x: x.name)})


@bp.post(CLIENT_PREFIX + "/scenarios")
@doc(
    "Upload scenarios for this client alone",
    response=scenario_list,
    body=upload_request,
    status=201,
    unchecked={"positive_data_acceptance": "Scenario names are 1-100 characters: OpenAPI 3.0 cannot limit keys."},
)
def upload_scenarios(client_id: str) -> Response:
    """Fixture-format scenarios, reachable in this client like the server's (a Scenario Bank password names
    one; a member can be driven into one); one with a server scenario's name replaces it in this client."""
    uploaded = read_body(upload_request)["scenarios"]
    parsed = _parse_uploads(uploaded)
    world().emulator.upload_scenarios(uploaded)
    return render(scenario_list, {"scenarios": parsed}, status=201)


def _parse_uploads(uploaded: dict) -> list:
    """Uploaded scenarios, parsed; an MX 400 naming the first fault (as a fixture file's would be named)."""
    parsed = []
    for name, raw in uploaded.items():
        try:
            parsed.append(parse_scenario(name, raw))
        except FixtureError as exc:
            raise MXError(ErrorKind.BAD_REQUEST, f"scenarios.{name}: {exc}") from None
    return parsed


def _check_uploads(snapshot: object) -> None:
    uploaded = snapshot.get("scenarios") if isinstance(snapshot, dict) else None
    if isinstance(uploaded, dict):
        _parse_uploads(uploaded)


@bp.delete(CLIENT_PREFIX + "/scenarios/<name>")
@doc("Remove a scenario uploaded to this client", response={"type": "object"})
def remove_scenario(client_id: str, name: str) -> Response:
    world().emulator.remove_scenario(name)
    return render_json({})


def _member_emulator(client_id: str | None, guid: str) -> Emulator:
    """The world a member is driven in: the addressed client's, or (server-wide) whichever holds it."""
    target = client_world(client_id)
    return (target or worlds().world_of_member(guid)).emulator


@route("/members/<guid>/scenario", ["POST"])
@doc("Give a member a scenario; optionally start a job", response=member_response, body=drive_request, errors=(403,))
def drive_member(guid: str, client_id: str | None = None) -> Response:
    body = read_body(drive_request)
    start = JobType[body["start"]] if body["start"] else None
    member = _member_emulator(client_id, guid).drive_member(guid, body["scenario"], start)
    return render(member_response, {"member": member})


@route("/members/<guid>/status", ["POST"])
@doc("Put a member into an end state", response=member_response, body=status_request, errors=(403,))
def force_status(guid: str, client_id: str | None = None) -> Response:
    status = ConnectionStatus[read_body(status_request)["connection_status"]]
    return render(member_response, {"member": _member_emulator(client_id, guid).force_status(guid, status)})


@route("/members/<guid>/finish", ["POST"])
@doc("Finish a member's running job now", response=member_response, errors=(403, 409))
def finish_job(guid: str, client_id: str | None = None) -> Response:
    return render(member_response, {"member": _member_emulator(client_id, guid).finish_job(guid)})


def _clock_of(client_id: str | None) -> Clock:
    """A client's clock, or the server's (every client's runs over it, unless frozen on its own)."""
    target = client_world(client_id)
    return target.clock if target else worlds().clock


def _clock(clock: Clock) -> Response:
    return render(clock_response, {"now": clock.now(), "frozen": clock.is_frozen})


@route("/clock", ["GET"])
@doc("The emulator's clock", response=clock_response)
def read_clock(client_id: str | None = None) -> Response:
    return _clock(_clock_of(client_id))


@route("/clock/advance", ["POST"])
@doc("Move the clock forward", response=clock_response, body=advance_request)
def advance_clock(client_id: str | None = None) -> Response:
    clock = _clock_of(client_id)
    try:
        clock.advance(read_body(advance_request)["seconds"])
        return _clock(clock)
    except OverflowError:
        raise MXError(ErrorKind.BAD_REQUEST, "That would move the clock past the year 9999.") from None


@route("/clock/freeze", ["POST"])
@doc("Stop the clock (at an instant)", response=clock_response, body=freeze_request, body_required=False)
def freeze_clock(client_id: str | None = None) -> Response:
    clock = _clock_of(client_id)
    clock.freeze(read_body(freeze_request, required=False)["at"])
    return _clock(clock)


@route("/clock/unfreeze", ["POST"])
@doc("Let the clock run again", response=clock_response)
def unfreeze_clock(client_id: str | None = None) -> Response:
    clock = _clock_of(client_id)
    clock.unfreeze()
    return _clock(clock)


@route("/openapi.json", ["GET"], scoped=False)
@doc("This OpenAPI document", response={"type": "object"})
def openapi() -> Response:
    spec = current_app.extensions.get("mocknexus.openapi")
    if spec is None:  # built once, on first request: routes are all registered by then
        spec = current_app.extensions["mocknexus.openapi"] = build_spec(current_app)
    return render_json(spec)
