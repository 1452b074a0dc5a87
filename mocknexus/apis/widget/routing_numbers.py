"""The widget's own check of a routing number before it asks for the account (MX's widget calls its
internal API for this: `verifyRoutingNumber`, answering `{}` or `{"blocked_routing_number": {...}}`).

Its own API (the widget wing's CALLS_API, "widget_api"): JSON, reached with the widget's Nexus session
(MD-SESSION-TOKEN), so the page can say why a routing number cannot take micro-deposits and send MX's
`connect/microdeposits/blockedRoutingNumber` with the reason.
"""

from __future__ import annotations

from flask import Blueprint, Request, Response

from mocknexus.web.apis import SESSION_HEADER
from mocknexus.web.caller import Caller
from mocknexus.web.http import emulator, render_json
from mocknexus.web.openapi import doc

bp = Blueprint("widget_api", __name__)


def acting_user(caller: Caller, req: Request) -> None:
    """The widget's own calls act in its Nexus session (never MX's static test_session)."""
    caller.session = caller.world.emulator.authenticate(req.headers.get(SESSION_HEADER))
    caller.user_guid = caller.session.user_guid


@bp.get("/md/connect/api/routing_numbers/<routing_number>")
@doc("The Connect widget's routing-number check: {} or why micro-deposits cannot go there", response={"type": "object"})
def check_routing_number(routing_number: str) -> Response:
    reason = emulator().routing_number_block(routing_number)
    if reason is None:
        return render_json({})
    blocked = {"routing_number": routing_number, "reason": reason.value, "reason_name": reason.name}
    return render_json({"blocked_routing_number": blocked})
