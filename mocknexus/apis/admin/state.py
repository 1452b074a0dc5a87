"""The control plane's state: reset (the server, a client, or a user), and reading and loading snapshots."""

from __future__ import annotations

from flask import Response

from mocknexus.apis.admin.blueprint import absent, route, scope
from mocknexus.apis.admin.schemas import admin as s
from mocknexus.control import server_state
from mocknexus.control.client_ids import check_client_id
from mocknexus.domain.core import snapshot
from mocknexus.domain.core.errors import ErrorKind, MXError, not_found
from mocknexus.web.http import read_body, read_json_object, read_query, render_json, render_json_text, worlds
from mocknexus.web.openapi import doc

reset_request = s.ResetRequest()
state_query = s.StateQuery()


@route("/reset", ["POST"])
@doc("Reset everything, or one user", response={"type": "object"}, body=reset_request, body_required=False)
def reset(client_id: str | None = None) -> Response:
    """The whole server back to its fixtures (every client forgotten, the server clock, faults and journal), or
    one client back to nothing; with a user_id, only that user's data (in every client that has it)."""
    if client_id is not None:
        check_client_id(client_id)  # as every other write: an id no world can be made for is MX's 400
    user_id = read_body(reset_request, required=False)["user_id"]
    if absent(client_id) and not user_id:
        return render_json({})  # nothing to reset
    target = scope(client_id)
    if user_id:
        holders = [w for w in target.worlds if w.emulator.has_user(user_id)]
        if not holders:
            raise not_found("User")
        for holder in holders:
            holder.emulator.reset_user(user_id)
    elif target.client is not None:
        worlds().reset(target.client)
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
    reveal = read_query(state_query)["reveal"]
    target = scope(client_id)
    if target.client is not None:
        return render_json_text(b"".join(target.client.emulator.dump_state_json(reveal)))
    return render_json_text(server_state.dump_all_pieces(worlds(), reveal))


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
        uploaded = client_snapshot.get("scenarios") if isinstance(client_snapshot, dict) else None
        if isinstance(uploaded, dict):
            worlds().parse_scenarios(uploaded)
    if client_id is not None and "clients" in state:
        raise MXError(ErrorKind.BAD_REQUEST, 'A whole-server snapshot ("clients") loads at /__admin/state.')
    named = client_id if client_id is not None else state.get("client_id")
    if "clients" in state:
        server_state.load_all(worlds(), state)
    elif not isinstance(named, str):
        raise MXError(
            ErrorKind.BAD_REQUEST,
            "A snapshot without client_id loads at /__admin/clients/{client_id}/state; "
            'here, send a whole-server snapshot ("clients") or one that names its client_id.',
        )
    else:
        server_state.load_client(worlds(), named, state)
    return render_json({})
