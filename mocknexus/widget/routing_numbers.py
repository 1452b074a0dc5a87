"""The widget's own check of a routing number before it asks for the account (MX's widget calls its
internal API for this: `verifyRoutingNumber`, answering `{}` or `{"blocked_routing_number": {...}}`).

Served with the widget's Nexus session (MD-SESSION-TOKEN), in JSON, so the page can say why a routing number
cannot take micro-deposits and send MX's `connect/microdeposits/blockedRoutingNumber` with the reason.
"""

from __future__ import annotations

import json

from flask import Response, request

from mocknexus.domain.errors import MXError
from mocknexus.web.http import SESSION_HEADER, emulator
from mocknexus.web.openapi import doc
from mocknexus.widget.pages import bp

_JSON = "application/json"


def _json(body: dict, status: int = 200) -> Response:
    return Response(json.dumps(body, separators=(",", ":")), status=status, mimetype=_JSON)


@bp.get("/md/connect/api/routing_numbers/<routing_number>")
@doc(
    "The Connect widget's routing-number check: {} or why micro-deposits cannot go there",
    response={"type": "object"},
    media=_JSON,
    errors=(401,),
    security=[{"sessionToken": []}],
)
def check_routing_number(routing_number: str) -> Response:
    try:
        emulator().authenticate(request.headers.get(SESSION_HEADER))
    except MXError as error:
        return _json({"error": {"code": error.code, "message": error.message}}, error.http_status)
    reason = emulator().routing_number_block(routing_number)
    if reason is None:
        return _json({})
    blocked = {"routing_number": routing_number, "reason": reason.value, "reason_name": reason.name}
    return _json({"blocked_routing_number": blocked})
