"""The control plane's scenarios: the loaded ones, and each client's uploaded ones."""

from __future__ import annotations

from flask import Response

from mocknexus.apis.admin.blueprint import CLIENT_PREFIX, bp, route, scope
from mocknexus.apis.admin.schemas import admin as s
from mocknexus.apis.admin.schemas.clients import ScenarioUploadRequest
from mocknexus.web.http import read_body, render, render_json, worlds
from mocknexus.web.openapi import doc

scenario_list = s.ScenarioListResponse()
upload_request = ScenarioUploadRequest()


@route("/scenarios", ["GET"])
@doc("The loaded scenarios (a client's: with its uploaded ones)", response=scenario_list)
def list_scenarios(client_id: str | None = None) -> Response:
    """A client with no world yet sees the server's scenarios (what its first member could use)."""
    client = worlds().existing(client_id) if client_id is not None else None
    catalog = client.emulator.catalog if client else worlds().catalog
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
    parsed = worlds().parse_scenarios(uploaded)  # an MX 400 naming the first bad one, before anything changes
    scope(client_id, create=True).client.emulator.upload_scenarios(uploaded)  # type: ignore[union-attr]
    return render(scenario_list, {"scenarios": parsed}, status=201)


@bp.delete(CLIENT_PREFIX + "/scenarios/<name>")
@doc("Remove a scenario uploaded to this client", response={"type": "object"}, errors=(409,))
def remove_scenario(client_id: str, name: str) -> Response:
    scope(client_id).client.emulator.remove_scenario(name)  # type: ignore[union-attr]
    return render_json({})
