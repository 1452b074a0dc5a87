"""The application factory: wires config, clock, store, catalog and blueprints. No global app."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask import Flask, request
from flask.globals import request_ctx

from mocknexus.apis import admin, inspector, mdx, nexus, oauth, platform, sso, widget
from mocknexus.config import Config, store_spec
from mocknexus.control.background import Background, JobTicker, OAuthTicker
from mocknexus.control.journal import JournalBudget
from mocknexus.control.leases import Lease
from mocknexus.control.microdeposit_work import micro_deposit_ticker
from mocknexus.control.webhooks import Webhooks
from mocknexus.control.webhooks.hub import refusing
from mocknexus.control.webhooks.targets import Targets
from mocknexus.control.worlds import Worlds
from mocknexus.domain.core import snapshot
from mocknexus.domain.core.clock import Clock, StoredClock
from mocknexus.domain.service import Settings
from mocknexus.domain.webhooks import config as webhook_config
from mocknexus.loader import load_catalog, load_webhooks, parse_scenario
from mocknexus.request_log import RequestLog
from mocknexus.store import Store
from mocknexus.store.spec import open_store
from mocknexus.web import apis, request_context
from mocknexus.web.browser_headers import with_browser_headers
from mocknexus.web.errors import register_error_handlers
from mocknexus.web.hooks import register_hooks
from mocknexus.web.http import CALLER_KEY
from mocknexus.web.request_scope import confirm_before_answer, in_scope
from mocknexus.web.routing import ApiMap, LazyBuildRule

# The APIs this server serves, in registration order: the control plane first, then the fixed-path Nexus API and
# widget pages, then the /{client_id}/... partner APIs (a more specific URL wins: web/routing.py). Each wing
# (mocknexus/apis/<wing>/) declares its `Api`; docs/architecture.md gives the recipe for adding one.
WINGS: tuple[apis.Api, ...] = (
    admin.API,
    inspector.API,
    nexus.API,
    widget.API,
    oauth.API,
    widget.CALLS_API,
    platform.API,
    sso.API,
    mdx.API,
)


class MockNexusFlask(Flask):
    """Flask, deciding once per function whether a view or hook is async: Flask asks `inspect` again for
    every hook of every request, a measurable share of a fast read (bench/README.md)."""

    url_rule_class = LazyBuildRule

    def ensure_sync(self, func: Callable) -> Callable:
        cache: dict[Callable, Callable] = self.__dict__.setdefault("_sync_functions", {})
        found = cache.get(func)
        if found is None:
            found = cache[func] = super().ensure_sync(func)
        return found

    def create_url_adapter(self, request: Any) -> Any:
        """Flask's, answering a request's routing from web/route_cache.py when nothing in the configuration
        makes routing depend on more than the method and path (no SERVER_NAME, trusted hosts or host or
        subdomain matching)."""
        config, url_map = self.config, self.url_map
        if (
            request is None
            or config["SERVER_NAME"] is not None
            or config["TRUSTED_HOSTS"] is not None
            or url_map.host_matching
            or self.subdomain_matching
            or not isinstance(url_map, ApiMap)
        ):
            return super().create_url_adapter(request)
        return url_map.route_cache.adapter(request.environ)

    def dispatch_request(self) -> Any:
        """Flask's (3.1), calling the view the request's version answers with (web/versions.py) where it has
        one, else the route's."""
        req = request_ctx.request
        if req.routing_exception is not None:
            self.raise_routing_exception(req)
        rule: Any = req.url_rule
        if getattr(rule, "provide_automatic_options", False) and req.method == "OPTIONS":
            return self.make_default_options_response()
        found = req.environ.get(CALLER_KEY)
        view = found.view if found is not None and found.view is not None else self.view_functions[rule.endpoint]
        return self.ensure_sync(view)(**req.view_args)  # type: ignore[arg-type]

    def preprocess_request(self) -> Any:
        """Flask's, with one `request` lookup and no walk over empty hook tables (it runs on every call)."""
        if self.url_value_preprocessors:
            return super().preprocess_request()
        names = (None, *reversed(request._get_current_object().blueprints))  # type: ignore[attr-defined]
        hooks = self.before_request_funcs
        for name in names:
            for before_func in hooks.get(name, ()):
                answer = self.ensure_sync(before_func)()
                if answer is not None:
                    return answer
        return None


def create_app(config: Config | None = None, *, clock: Clock | None = None, store: Store | None = None) -> Flask:
    config = config or Config()
    app = MockNexusFlask("mocknexus", static_folder=None)
    app.url_map = ApiMap()  # before any route: it pairs the paths Nexus and the Platform API share
    app.config["MOCKNEXUS"] = config
    app.config["MAX_CONTENT_LENGTH"] = config.max_body_bytes
    # No automatic OPTIONS: Flask's answer is an empty text/html 200; ours is MX's JSON 405 with Allow.
    app.config["PROVIDE_AUTOMATIC_OPTIONS"] = False
    # MX answers a path with a trailing slash as without (its own brief writes `/account_numbers/`).
    app.url_map.strict_slashes = False
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.logger.setLevel(getattr(logging, config.log_level.upper(), logging.INFO))

    catalog = load_catalog(
        *([config.fixtures] if config.fixtures else []),
        bundled=not (config.fixtures and config.fixtures_mode == "replace"),
    )
    settings = Settings(
        seed=config.seed,
        api_token_ttl=timedelta(seconds=config.api_token_ttl),
        session_ttl=timedelta(seconds=config.session_ttl),
        job_time_scale=config.job_time_scale,
    )
    spec = store_spec(config)
    if store is None:
        store = open_store(spec, snapshot.encode, snapshot.decode)
    app.extensions["mocknexus.store"] = (spec, store)  # /__admin/health says which, and whether it answers
    if clock is None:  # the server's clock; each client id's world runs its own over it
        clock = StoredClock(store) if spec.shared else Clock()
    worlds = Worlds(
        store,
        catalog,
        clock,
        settings,
        persistent=spec.shared,
        seed=config.seed,
        journal_size=config.journal_size,
        journal_budget=JournalBudget(config.journal_bytes, config.journal_body_bytes),
        parse_scenario=parse_scenario,
        max_clients=config.max_clients,
    )
    app.extensions["mocknexus.worlds"] = worlds
    # Webhooks (control/webhooks/): the server-wide configuration from --webhook-url, else the fixture directory.
    # Never to this server itself, nor link-local / metadata addresses (control/webhooks/targets.py).
    targets = Targets([config.port], allow_internal=config.webhook_allow_internal)
    check = refusing(targets)
    default_hooks = webhook_config.parse({"url": config.webhook_url}, check) if config.webhook_url else None
    if default_hooks is None and config.fixtures:
        default_hooks = load_webhooks(config.fixtures)
        default_hooks = webhook_config.parse(default_hooks, check) if default_hooks else None
    webhooks = Webhooks(worlds, timeout=config.webhook_timeout, default=default_hooks, targets=targets)
    app.extensions["mocknexus.webhooks"] = webhooks

    # Background work (control/background.py): clock-driven work with no request, per world. It runs when a
    # clock moves and on its own daemon thread, never on a request thread. A world subscribed to webhooks
    # waives polls (its partner waits for webhooks): its jobs end by the clock alone. The webhooks ticker
    # wakes the dispatcher when a clock move makes a delivery (or a retry) due.
    lease = Lease(store, "background", max(10.0, 5 * config.background_seconds)) if spec.shared else None
    background = Background(worlds, interval=config.background_seconds, lease=lease)
    background.add_ticker("jobs", JobTicker(waive_polls=webhooks.waives_polls))
    background.add_ticker("micro_deposits", micro_deposit_ticker)
    background.add_ticker("webhooks", webhooks.tick)
    background.add_ticker("oauth", OAuthTicker())
    app.extensions["mocknexus.background"] = background
    background.start()
    webhooks.start_if_needed()

    apis.register(app, WINGS)
    register_error_handlers(app)
    request_context.register(app)
    register_hooks(app)
    confirm = getattr(store, "confirm_reads", None)  # a shared store's reads made before confirming (after the
    if confirm is not None:  # hooks above, so it runs before the journal records the call)
        confirm_before_answer(app, confirm)
    app.wsgi_app = with_browser_headers(app.wsgi_app)  # type: ignore[method-assign]  # nosniff on every answer
    scope = getattr(store, "scope", None)  # a shared store's request scope (store/postgres_cache.py)
    if scope is not None:
        app.wsgi_app = in_scope(app.wsgi_app, scope, config.max_body_bytes)  # type: ignore[method-assign]
    app.wsgi_app = RequestLog(app.wsgi_app, app.url_map)  # type: ignore[method-assign]  # one log line per request
    return app
