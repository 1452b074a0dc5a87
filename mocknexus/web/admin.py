"""The control plane, under /__admin/ so it can never collide with an MX path."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

import mocknexus

bp = Blueprint("admin", __name__, url_prefix="/__admin")


@bp.get("/health")
def health() -> Response:
    return jsonify(status="ok", version=mocknexus.__version__)
