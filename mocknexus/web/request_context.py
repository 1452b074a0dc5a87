"""Give each request its journal id up front and bind it for the domain, so that a member's status change
names the request during which it happened (the journal records the entry under the same id afterwards)."""

from __future__ import annotations

from flask import Flask, g, request

from mocknexus.domain import causes
from mocknexus.web.hooks import ADMIN_PREFIX
from mocknexus.web.http import journal


def register(app: Flask) -> None:
    """Register before the other hooks, so that everything a request does runs with its id bound."""
    app.before_request(_bind)
    app.teardown_request(_unbind)


def _bind() -> None:
    # The control plane is not journaled: its changes carry no id, only the "METHOD /path" label.
    g.request_id = None if request.path.startswith(ADMIN_PREFIX) else journal().next_id()
    g.request_binding = causes.bind(causes.RequestRef(g.request_id, request.method, request.path))


def _unbind(_exc: BaseException | None) -> None:
    binding = g.pop("request_binding", None)
    if binding is not None:
        causes.unbind(binding)
