"""The control plane's server-wide endpoints: health, and this server's OpenAPI document."""

from __future__ import annotations

import os

from flask import Response, current_app

import mocknexus
from mocknexus.apis.admin.blueprint import route
from mocknexus.apis.admin.schemas import admin as s
from mocknexus.web.http import render, render_json
from mocknexus.web.openapi import build_spec, doc

health_response = s.HealthResponse()


@route("/health", ["GET"], scoped=False)
@doc("Ready?", response=health_response)
def health() -> Response:
    response = render(health_response, {"status": "ok", "version": mocknexus.__version__})
    response.headers["X-Mocknexus-Worker"] = str(os.getpid())  # which process answered (several with gunicorn)
    return response


@route("/openapi.json", ["GET"], scoped=False)
@doc("This OpenAPI document", response={"type": "object"})
def openapi() -> Response:
    spec = current_app.extensions.get("mocknexus.openapi")
    if spec is None:  # built once, on first request: routes are all registered by then
        spec = current_app.extensions["mocknexus.openapi"] = build_spec(current_app)
    return render_json(spec)
