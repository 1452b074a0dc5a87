"""Give each request its journal id up front and bind it for the domain, so that a member's status change
names the request during which it happened (the journal records the entry under the same id afterwards)."""

from __future__ import annotations

from flask import Flask, Request, request

from mocknexus.domain.core import causes
from mocknexus.domain.webhooks import events
from mocknexus.web.apis import ADMIN_PREFIX
from mocknexus.web.http import REQUEST_ID_KEY, world_of

_BINDING_KEY = "mocknexus.request_binding"
_OPTIONS_KEY = "mocknexus.webhook_options"
_TRUE = ("true", "1", "yes")


def register(app: Flask) -> None:
    """Undo `bind` when a request ends, however it ends. (`bind` runs first in web/hooks.py's one
    before-request hook, so that everything a request does runs with its id bound.)"""
    app.teardown_request(_unbind)


def bind(req: Request) -> None:
    """Allocate the request's journal id and bind it (and its webhook options) for the domain."""
    # The control plane is not journaled: its changes carry no id, only the "METHOD /path" label.
    environ, path = req.environ, req.path
    request_id = None if path.startswith(ADMIN_PREFIX) else world_of(req).journal.next_id()
    environ[REQUEST_ID_KEY] = request_id
    environ[_BINDING_KEY] = causes.bind(causes.RequestRef(request_id, req.method, path))
    # MX-Skip-Webhook (header, or MX's `skip_webhook` parameter) and X-CALLBACK-PAYLOAD: what this call's
    # webhooks do. Bound only when given, so the ordinary call pays two dict lookups.
    skip = environ.get("HTTP_MX_SKIP_WEBHOOK", "").strip().lower() in _TRUE
    if not skip and "skip_webhook" in environ.get("QUERY_STRING", ""):
        skip = req.args.get("skip_webhook", "").strip().lower() in _TRUE
    callback = environ.get("HTTP_X_CALLBACK_PAYLOAD") or None
    if skip or callback:
        environ[_OPTIONS_KEY] = events.bind_options(events.CallOptions(skip=skip, callback_payload=callback))


def _unbind(_exc: BaseException | None) -> None:
    environ = request.environ  # one proxy lookup
    binding = environ.pop(_BINDING_KEY, None)
    if binding is not None:
        causes.unbind(binding)
    options = environ.pop(_OPTIONS_KEY, None)
    if options is not None:
        events.unbind_options(options)
