"""The control plane's webhooks, like MX's per-client dashboard plus an outbox to assert on:

- PUT/GET/DELETE /__admin/clients/{id}/webhooks: a client world's configuration (GET masks secrets);
  /__admin/webhooks: the server's, for every world without its own (as --webhook-url and fixture files set it).
- GET .../webhooks/deliveries (type, member_guid, status filters), .../deliveries/{id}, .../webhooks/wait,
  POST .../deliveries/{id}/redeliver: every event and every attempt, per client world.
- POST .../members/{guid}/webhooks {"type": ...}: send an event for a member's current state now.
"""

from __future__ import annotations

import itertools
from typing import Any

from flask import Response, current_app

from mocknexus.apis.admin.blueprint import absent, route, scope
from mocknexus.apis.admin.members import wait_timeout
from mocknexus.apis.admin.schemas import webhooks as s
from mocknexus.control.webhooks import Webhooks
from mocknexus.control.worlds import World
from mocknexus.domain.core.errors import ErrorKind, MXError, not_found
from mocknexus.domain.webhooks import config as webhook_config
from mocknexus.domain.webhooks.events import EventType
from mocknexus.domain.webhooks.outbox import DELIVERIES
from mocknexus.web.errors import error_envelope
from mocknexus.web.http import read_body, read_json_object, read_query, render_json
from mocknexus.web.openapi import doc

config_response = s.WebhookConfigResponse()
config_body = s.WebhookConfigSchema()
delivery_response = s.DeliveryResponse()
delivery_list = s.DeliveryListResponse()
delivery_query = s.DeliveryQuery()
wait_query = s.DeliveryWaitQuery()
timeout_body = s.DeliveryWaitTimeout()
fire_request = s.FireRequest()

_FUZZ_NOTE = {"positive_data_acceptance": "A URL must be http(s)://host...: the schema types it as a string."}


def hub() -> Webhooks:
    return current_app.extensions["mocknexus.webhooks"]


# ---- configuration --------------------------------------------------------------------------------------


@route("/webhooks", ["PUT"])
@doc("Configure webhooks (a client's, or the server's default)", response=config_response, body=config_body,
     unchecked=_FUZZ_NOTE)  # fmt: skip
def configure(client_id: str | None = None) -> Response:
    raw = read_json_object()
    target = scope(client_id, create=True).client  # a subscription is state: it creates the client's world
    parsed = hub().configure(target, raw) if target else hub().configure_server(raw)
    return _config_view(parsed, "client" if target else "server")


@route("/webhooks", ["GET"])
@doc("The webhook configuration in force, secrets masked", response=config_response)
def read_config(client_id: str | None = None) -> Response:
    target = None if absent(client_id) else scope(client_id).client  # an unknown client has the server's
    if target is None:
        server = hub().server_config()
        return _config_view(server, "server" if server else "none")
    own = hub().outbox(target).own_config()
    if own is not None:
        return _config_view(own, "client")
    server = hub().server_config()
    return _config_view(server, "server" if server else "none")


@route("/webhooks", ["DELETE"])
@doc("Remove the webhook configuration (a client's, or the server's)", response=config_response)
def remove_config(client_id: str | None = None) -> Response:
    if client_id is None:
        hub().unconfigure_server()
    elif not absent(client_id):  # an unknown client has nothing to remove (and is not created)
        hub().unconfigure(scope(client_id).client)  # type: ignore[arg-type]
    return read_config(client_id)


def _config_view(config: dict[str, Any] | None, source: str) -> Response:
    shown = webhook_config.masked(config) if config else None
    return render_json(config_response.dump({"config": shown, "source": source}))


# ---- the outbox ------------------------------------------------------------------------------------------


def _holds_deliveries(world: World) -> bool:
    return world.emulator.store.count(DELIVERIES) > 0


def _matching(client_id: str | None, query: dict) -> list[dict]:
    """Deliveries of the addressed client (or every client's, ordered by world then sequence)."""
    sources = scope(client_id).holding("deliveries", _holds_deliveries)
    filters = {k: query.get(k) for k in ("type", "member_guid", "status")} | {"attempts": query.get("attempts") or 0}
    return list(itertools.chain.from_iterable(hub().outbox(w).deliveries(**filters) for w in sources))


@route("/webhooks/deliveries", ["GET"])
@doc("Every webhook event and its attempts, oldest first", response=delivery_list, query=delivery_query)
def list_deliveries(client_id: str | None = None) -> Response:
    return render_json(delivery_list.dump({"deliveries": _matching(client_id, read_query(delivery_query))}))


@route("/webhooks/wait", ["GET"])
@doc(
    "Wait until the outbox holds `count` deliveries matching type, member and status",
    response=delivery_list,
    query=wait_query,
    bodies={408: timeout_body},
    unchecked={"positive_data_acceptance": "A wait that runs out answers 408 with the state so far: a valid wait."},
)
def wait_for_deliveries(client_id: str | None = None) -> Response:
    query = read_query(wait_query)
    timeout = wait_timeout(query)
    found_scope = scope(client_id)
    target = found_scope.client or found_scope.registry.shared  # the shared world is woken by every world's changes

    def check() -> tuple[bool, list[dict]]:
        found = _matching(client_id, query)
        return len(found) >= query["count"], found

    done, found = target.wait_until(check, timeout, 0.1)
    if done:
        return render_json(delivery_list.dump({"deliveries": found}))
    wanted = " ".join(f"{k}={query[k]}" for k in ("type", "member_guid", "status", "attempts") if query.get(k)) or "any"
    message = f"Waited {timeout:g} s for {query['count']} deliveries ({wanted}); {len(found)} so far."
    error = MXError(ErrorKind.REQUEST_TIMEOUT, message)
    return render_json(timeout_body.dump({**error_envelope(error), "deliveries": found}), status=error.http_status)


def _delivery_world(client_id: str | None, delivery_id: str) -> World:
    for world in scope(client_id).holding("deliveries", _holds_deliveries):
        if world.emulator.store.get(DELIVERIES, delivery_id) is not None:
            return world
    raise not_found("Webhook delivery")


@route("/webhooks/deliveries/<delivery_id>", ["GET"])
@doc("One delivery with its attempts", response=delivery_response)
def read_delivery(delivery_id: str, client_id: str | None = None) -> Response:
    world = _delivery_world(client_id, delivery_id)
    return render_json(delivery_response.dump({"delivery": hub().outbox(world).get(delivery_id)}))


@route("/webhooks/deliveries/<delivery_id>/redeliver", ["POST"])
@doc("Send a recorded event again (a new delivery)", response=delivery_response, status=201)
def redeliver(delivery_id: str, client_id: str | None = None) -> Response:
    world = _delivery_world(client_id, delivery_id)
    record = hub().outbox(world).redeliver(delivery_id, world.clock.now())
    world.notify()
    return render_json(delivery_response.dump({"delivery": record}), status=201)


# ---- firing on demand ------------------------------------------------------------------------------------


@route("/members/<guid>/webhooks", ["POST"])
@doc("Send a webhook of a type for a member's current state now", response=delivery_list, body=fire_request,
     status=201, errors=(403, 409))  # fmt: skip
def fire(guid: str, client_id: str | None = None) -> Response:
    event_type = EventType[read_body(fire_request)["type"]]
    found_scope = scope(client_id)
    world = found_scope.client or found_scope.registry.world_of_member(guid)
    outbox = hub().outbox(world)
    if outbox.config() is None:
        raise MXError(ErrorKind.CONFLICT, "No webhook URL is configured for this client (PUT .../webhooks first).")
    before = {d["id"] for d in outbox.deliveries(member_guid=guid)}
    world.emulator.fire_webhook(guid, event_type)
    world.notify()
    made = [d for d in outbox.deliveries(member_guid=guid) if d["id"] not in before]
    return render_json(delivery_list.dump({"deliveries": made}), status=201)
