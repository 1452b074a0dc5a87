"""The inspector's page and its static files, under /__admin/ui.

The page itself holds no data and is served without the admin token (a browser cannot send a bearer
header on first load); everything it shows comes from /__admin/ calls its scripts make with the token the
user typed, kept in sessionStorage for the tab and sent as `Authorization: Bearer`, never in a URL.
"""

from __future__ import annotations

import json
from pathlib import Path

from flask import Blueprint, Response, current_app, render_template, send_from_directory

import mocknexus
from mocknexus.apis.admin.schemas.admin import FaultRequest
from mocknexus.domain.core.statuses import ConnectionStatus, JobType
from mocknexus.domain.oauth.oauth import OAuthOutcome
from mocknexus.domain.webhooks.events import EventType
from mocknexus.web.openapi import doc

bp = Blueprint("inspector", __name__, url_prefix="/__admin/ui", template_folder="templates")
STATIC = Path(__file__).parent / "static"
_text = {"type": "string"}


def _page_settings() -> dict:
    """What the scripts need to know about the domain, from its one source (enums, the fault schema), and
    how often the live view refreshes."""
    fault = FaultRequest()
    return {
        "statuses": {s.name: s.group.value for s in ConnectionStatus},
        "end_states": [s.name for s in ConnectionStatus if s.is_end_state],
        "job_types": [t.name for t in JobType],
        "oauth_outcomes": OAuthOutcome.names(),
        "fault_methods": list(fault.fields["method"].validate.choices),
        "fault_statuses": list(fault.fields["status"].validate.choices),
        "poll_ms": current_app.config["MOCKNEXUS"].inspector_poll_ms,
    }


@bp.get("")
@doc(
    "The inspector page (open: its data comes from admin calls carrying the token)",
    response=_text,
    media="text/html",
    security=[],
)
def page() -> Response:
    html = render_template(
        "inspector.html",
        version=mocknexus.__version__,
        settings=json.dumps(_page_settings(), separators=(",", ":")),
        webhook_types=EventType.names(),
    )
    response = Response(html, mimetype="text/html")
    # Nothing from elsewhere, ever: the page must work offline, and a journal body must never run as script.
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/static/<name>")
@doc("The inspector's scripts (text/javascript) and styles (text/css)", response=_text, media="*/*", security=[])
def static(name: str) -> Response:
    return send_from_directory(STATIC, name, max_age=0)
