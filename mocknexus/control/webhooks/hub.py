"""Webhooks for a server's worlds: each client world's outbox (built with the world), the server-wide
configuration (from --webhook-url, a fixture file or /__admin/webhooks, for every world without its own),
which worlds are subscribed, and the dispatcher that sends for them.

Kept in the root store, so every worker process over one state file sees the same: the server configuration
(WEBHOOK_SERVER) and the client ids with a configuration of their own (SUBSCRIBERS).

On the background-work seam (control/background.py) it is two tickers' worth: `waives_polls` tells the jobs
ticker that a subscribed world's partner does not poll (so its jobs end by the clock alone), and `tick` wakes
the dispatcher when a clock move makes a delivery or a retry due. Deliveries are not `Background.at` actions:
those live in one process's memory, while a delivery must survive a restart and be claimed once among worker
processes, so the outbox (in the store) is their queue and the dispatcher its consumer.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from mocknexus.control.webhooks.dispatcher import Dispatcher
from mocknexus.control.webhooks.sender import Sender
from mocknexus.control.webhooks.targets import TargetRefused, Targets
from mocknexus.control.worlds import World, Worlds
from mocknexus.domain.core.errors import ErrorKind, MXError
from mocknexus.domain.core.tables import WEBHOOK_SERVER, WEBHOOK_SUBSCRIBERS
from mocknexus.domain.webhooks import config as webhook_config
from mocknexus.domain.webhooks.outbox import Outbox

SUBSCRIBERS = WEBHOOK_SUBSCRIBERS


def refusing(targets: Targets) -> webhook_config.Check:
    """A configuration check (domain/webhooks/config.py) refusing, as an MX 400, URLs `targets` forbids."""

    def check(url: str, where: str) -> None:
        try:
            targets.check_url(url)
        except TargetRefused as exc:
            raise MXError(ErrorKind.BAD_REQUEST, f"Webhook configuration: {where}: {exc}.") from None

    return check


class Webhooks:
    def __init__(
        self,
        worlds: Worlds,
        *,
        timeout: float = 10.0,
        workers: int = 16,
        default: dict[str, Any] | None = None,
        targets: Targets | None = None,
    ) -> None:
        self.worlds = worlds
        self.targets = targets or Targets()  # where webhooks may go (never this server itself: targets.py)
        self.default = default  # from --webhook-url or a fixture file: survives a whole-server reset
        self.dispatcher = Dispatcher(self, Sender(timeout, self.targets), workers=workers)
        worlds.on_build.append(self._attach)
        for world in list(worlds.built()):
            self._attach(world)

    def _attach(self, world: World) -> None:
        if world.client_id is None:
            return  # the shared world is read-only: it raises nothing
        outbox = Outbox(
            world.emulator.store,
            world.client_id,
            fallback=self.server_config,
            on_enqueue=lambda: self._enqueued(world),
        )
        world.emulator.events = outbox

    def outbox(self, world: World) -> Outbox:
        events = world.emulator.events
        if not isinstance(events, Outbox):
            raise TypeError("the shared world has no outbox")
        return events

    def waives_polls(self, world: World) -> bool:
        """A world whose partner listens to webhooks: its jobs' steps that want reads end by time alone."""
        events = world.emulator.events
        return isinstance(events, Outbox) and events.config() is not None

    def tick(self, world: World) -> datetime | None:
        """Background work for a world: wake the dispatcher if a delivery is due by the world's clock; the
        emulated instant the next one falls due (None: nothing pending)."""
        events = world.emulator.events
        if not isinstance(events, Outbox) or not events.has_pending():
            return None
        due = events.next_due()
        if due is not None and due <= world.clock.now():
            self.dispatcher.start()
            self.dispatcher.wake(world)
        return due

    def _enqueued(self, world: World) -> None:
        self.dispatcher.start()
        self.dispatcher.wake(world)

    def check_target(self, url: str, where: str) -> None:
        """An MX 400 if the server must not send to `url` (itself, link-local and metadata addresses)."""
        refusing(self.targets)(url, where)

    # ---- configuration ---------------------------------------------------------------------------------

    def server_config(self) -> dict[str, Any] | None:
        return self.worlds.root.get(WEBHOOK_SERVER, "config") or self.default

    def configure_server(self, raw: Any) -> dict[str, Any]:
        parsed = webhook_config.parse(raw, self.check_target)
        with self.worlds.root.transaction():
            self.worlds.root.put(WEBHOOK_SERVER, "config", parsed)
        self.dispatcher.start()
        return parsed

    def unconfigure_server(self) -> None:
        with self.worlds.root.transaction():
            self.worlds.root.delete(WEBHOOK_SERVER, "config")

    def configure(self, world: World, raw: Any) -> dict[str, Any]:
        parsed = self.outbox(world).configure(raw, self.check_target)
        with self.worlds.root.transaction():
            self.worlds.root.put(SUBSCRIBERS, world.client_id, True)  # type: ignore[arg-type]
        self.dispatcher.start()
        return parsed

    def unconfigure(self, world: World) -> None:
        self.outbox(world).unconfigure()  # deliveries already pending still go out (to the URL they were made for)

    def subscribed_worlds(self) -> list[World]:
        """Worlds whose jobs the dispatcher moves and whose outboxes it sends: every world while the server
        has a configuration, else those with one of their own (or deliveries still pending)."""
        root = self.worlds.root
        if self.server_config() is not None:
            return self.worlds.all()
        found = []
        for client_id, _ in root.items(SUBSCRIBERS):
            world = self.worlds.existing(client_id)
            if world is not None and (self.outbox(world).own_config() is not None or self.outbox(world).has_pending()):
                found.append(world)
            else:  # forgotten, reset or unsubscribed with nothing left to send
                with root.transaction():
                    root.delete(SUBSCRIBERS, client_id)
        return found

    def start_if_needed(self) -> None:
        """When the app is built: with a server configuration, or worlds subscribed in the store (a restart
        over a state file, with deliveries perhaps still pending). Otherwise the first subscription starts it."""
        if self.server_config() is not None or self.worlds.root.count(SUBSCRIBERS):
            self.dispatcher.start()

    def serve_in_background(self) -> None:
        """A serving process (`mocknexus serve`, a gunicorn worker) runs the dispatcher from the start: over a
        state file, another worker process may subscribe a world this one has never seen."""
        self.dispatcher.start()

    def close(self) -> None:
        self.dispatcher.stop()
