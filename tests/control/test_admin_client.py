"""The admin client covers the control plane: one AdminClient method per control-plane route (the client
declares the route each method calls: mocknexus.client.CONTROL_PLANE), and its typed calls work."""

from __future__ import annotations

import typing

import pytest

from mocknexus.app import create_app
from mocknexus.client import CONTROL_PLANE, AdminClient
from tests.support import LiveServer

CLIENT_SCOPE = "/clients/<client_id>"


def _server_routes() -> set[tuple[str, str]]:
    """Every control-plane route, a client's world's (/__admin/clients/<client_id>/...) as the same operation."""
    routes = set()
    for rule in create_app().url_map.iter_rules():
        if not rule.endpoint.startswith("admin."):
            continue  # the inspector's page is a page, not an operation
        route = rule.rule.removeprefix("/__admin")
        if route.startswith(CLIENT_SCOPE + "/"):
            route = route.removeprefix(CLIENT_SCOPE)
        routes |= {(method, route) for method in rule.methods - {"HEAD", "OPTIONS"}}
    return routes


def test_every_control_plane_route_has_a_client_method():
    missing = _server_routes() - set(CONTROL_PLANE)
    assert missing == set(), f"AdminClient has no method for {sorted(missing)}"


def test_every_client_method_calls_a_route_the_server_has():
    assert set(CONTROL_PLANE) - _server_routes() == set()
    assert all(callable(getattr(AdminClient, name)) for name in CONTROL_PLANE.values())


def test_every_client_method_has_a_typed_result():
    untyped = []
    for name in set(CONTROL_PLANE.values()):
        hints = typing.get_type_hints(getattr(AdminClient, name))
        if hints.get("return") in (dict, list, typing.Any):
            untyped.append(name)
    assert untyped == []


@pytest.mark.live
def test_the_new_methods_answer(config, clock):
    with LiveServer(create_app(config, clock=clock)) as server:
        admin = AdminClient(server.url)
        assert admin.health()["status"] == "ok"
        assert admin.openapi()["openapi"].startswith("3.")
        assert admin.members() == [] and admin.sessions() == []
        ci = admin.for_client("typed")
        ci.declare_accounts({"name": "alice", "user_id": "alice-1", "accounts": [
            {"name": "A", "type": "CHECKING", "account_number": "000123456789", "routing_number": "091000019"}]})  # fmt: skip
        assert [d["name"] for d in ci.test_accounts() if d["name"] == "alice"] == ["alice"]
        ci.remove_test_accounts("alice")
        assert [d for d in ci.test_accounts() if d["name"] == "alice"] == []
