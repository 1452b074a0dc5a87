"""The control plane's blueprint (/__admin/), how its views register (once for the whole server, once per MX
client id), and `scope`: what one call acts on, this client's world or the whole server's."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Blueprint, Response, request

from mocknexus.control.faults import Faults
from mocknexus.control.journal import Journal
from mocknexus.control.worlds import World, Worlds
from mocknexus.domain.core.clock import Clock
from mocknexus.domain.core.errors import not_found
from mocknexus.domain.service import Emulator
from mocknexus.web.apis import ADMIN_PREFIX
from mocknexus.web.http import WORLD_KEY, worlds

F = TypeVar("F", bound=Callable[..., Any])

bp = Blueprint("admin", __name__, url_prefix=ADMIN_PREFIX)
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


@dataclass(frozen=True)
class Scope:
    """What a control-plane call acts on: one client's world (`client`), or the whole server (None)."""

    registry: Worlds
    client: World | None

    @property
    def worlds(self) -> list[World]:
        """The client worlds in scope: this one, or every one."""
        return [self.client] if self.client is not None else self.registry.all()

    @property
    def emulators(self) -> list[Emulator]:
        return [w.emulator for w in self.worlds]

    def holding(self, what: str, holds: Callable[[World], bool]) -> list[World]:
        """The client worlds in scope for which `holds` is true: this one (if so), or every one holding it,
        found without visiting the others (`Worlds.holding`; it may name one that has just stopped)."""
        if self.client is not None:
            return [self.client] if holds(self.client) else []
        return self.registry.holding(what, holds)

    @property
    def clock(self) -> Clock:
        """The client's clock, or the server's (every client's runs over it, unless frozen on its own)."""
        return self.client.clock if self.client is not None else self.registry.clock

    @property
    def faults(self) -> Faults:
        """Where a new fault goes: the client's, or the server's (tried on every call)."""
        return self.client.faults if self.client is not None else self.registry.server_faults

    @property
    def every_faults(self) -> list[Faults]:
        """Every fault list in scope: the client's, or the server's and every client's."""
        if self.client is not None:
            return [self.client.faults]
        return [self.registry.server_faults, *(w.faults for w in self.registry.holding("faults", _holds_faults))]

    @property
    def journals(self) -> list[Journal]:
        """Every journal in scope: the client's, or the server's (calls that reached no client) and every client's."""
        if self.client is not None:
            return [self.client.journal]
        return [self.registry.server_journal, *(w.journal for w in self.registry.all())]


def _holds_faults(world: World) -> bool:
    return bool(world.faults.list())


def scope(client_id: str | None, *, create: bool = False) -> Scope:
    """The scope of a call: the whole server (no client id), or the named client's world. A client id with no
    world is MX's 404 and creates nothing, unless the call creates state there (`create`: a fault, a clock
    change, an upload, a snapshot), which creates its world first."""
    registry = worlds()
    if client_id is None:
        return Scope(registry, None)
    found = registry.create(client_id) if create else registry.existing(client_id)
    if found is None:
        raise not_found("Client")
    request.environ[WORLD_KEY] = found  # what `_wake_waits` wakes after the call
    return Scope(registry, found)


def absent(client_id: str | None) -> bool:
    """Whether a call names a client id with no world: emptying or resetting it is then already done (and
    creates nothing)."""
    return client_id is not None and worlds().existing(client_id) is None


@bp.after_request
def _wake_waits(response: Response) -> Response:
    """A control-plane change (a clock move, a driven member, a reset) may be what a wait is waiting for."""
    if request.method != "GET":
        if (request.view_args or {}).get("client_id") is None:
            worlds().notify_all()
        elif (acted_on := request.environ.get(WORLD_KEY)) is not None:  # the world the call acted on, if any
            acted_on.notify()
    return response
