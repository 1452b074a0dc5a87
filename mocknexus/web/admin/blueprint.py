"""The control plane's blueprint (/__admin/) and how its views register: once for the whole server and once
per MX client id. The modules that add routes to it (admin, admin_traffic, admin_clients, admin_inspect) all
import it from here, and app.py imports each of them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Blueprint, Response, request

from mocknexus.control.worlds import World
from mocknexus.web.http import WORLD_KEY, world, worlds

F = TypeVar("F", bound=Callable[..., Any])

bp = Blueprint("admin", __name__, url_prefix="/__admin")
CLIENT_PREFIX = "/clients/<client_id>"


def route(rule: str, methods: list[str], *, scoped: bool = True) -> Callable[[F], F]:
    """Register a view for the whole server at `rule` and, if `scoped`, for one client id at
    /clients/<client_id>`rule`; the view gets `client_id=None` for the first."""

    def register(view: F) -> F:
        bp.add_url_rule(rule, view.__name__, view, methods=methods)
        if scoped:
            bp.add_url_rule(CLIENT_PREFIX + rule, "client_" + view.__name__, view, methods=methods)
        return view

    return register


def client_world(client_id: str | None) -> World | None:
    """The addressed client's world, or None for a server-wide call."""
    return None if client_id is None else world()


@bp.after_request
def _wake_waits(response: Response) -> Response:
    """A control-plane change (a clock move, a driven member, a reset) may be what a wait is waiting for."""
    if request.method != "GET":
        if (request.view_args or {}).get("client_id") is None:
            worlds().notify_all()
        elif (
            acted_on := request.environ.get(WORLD_KEY)
        ) is not None:  # not world(): that would re-create a forgotten client
            acted_on.notify()
    return response
