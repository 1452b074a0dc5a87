"""The control plane's server-wide endpoints: health, and this server's OpenAPI document."""

from __future__ import annotations

import os

from flask import Response, current_app

import mocknexus
from mocknexus.apis.admin.blueprint import route
from mocknexus.apis.admin.schemas import admin as s
from mocknexus.control.store_health import store_health
from mocknexus.web.http import render_json
from mocknexus.web.openapi import build_spec, doc

health_response = s.HealthResponse()


@route("/health", ["GET"], scoped=False)
@doc("Ready?", response=health_response)
def health() -> Response:
    """Ready when the store answers: a replica whose database is away is taken out of a load balancer's (or
    Kubernetes') rotation by this answer's 503, and put back by itself once the database answers again."""
    store = store_health(*current_app.extensions["mocknexus.store"])
    status = "ok" if store["answers"] else "unavailable"
    # Dumped without the store's transaction `render` takes: this answer must not need the store.
    body = health_response.dump({"status": status, "version": mocknexus.__version__, "store": store})
    response = render_json(body, 200 if store["answers"] else 503)
    response.headers["X-Mocknexus-Worker"] = str(os.getpid())  # which process answered (several with gunicorn)
    return response


@route("/openapi.json", ["GET"], scoped=False)
@doc("This OpenAPI document", response={"type": "object"})
def openapi() -> Response:
    spec = current_app.extensions.get("mocknexus.openapi")
    if spec is None:  # built once, on first request: routes are all registered by then
        spec = current_app.extensions["mocknexus.openapi"] = build_spec(current_app)
    return render_json(spec)
