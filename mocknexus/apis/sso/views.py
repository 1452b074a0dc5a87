"""SSO API v3 (MX's int-sso.moneydesktop.com/{client_id}): the one-time api_token that opens a Nexus session.

JSON or XML: `.json` / `.xml` in the path, or the Accept header (`application/vnd.moneydesktop.sso.v3+xml`).
The Verification Guide's own request is `GET .../api_token.xml` with the XML Accept type.
"""

from __future__ import annotations

from flask import Blueprint, Response

from mocknexus.apis.sso import schemas as s
from mocknexus.web.http import emulator
from mocknexus.web.negotiation import respond
from mocknexus.web.openapi import doc

bp = Blueprint("sso", __name__)

api_token_response = s.ApiTokenResponse()


@bp.get("/<client_id>/users/<user_id>/api_token.json")
@bp.get("/<client_id>/users/<user_id>/api_token.xml")
@bp.get("/<client_id>/users/<user_id>/api_token")
@doc("A one-time api_token for the user (10 minutes), as JSON or XML", response=api_token_response)
def api_token(client_id: str, user_id: str) -> Response:
    return respond(api_token_response, {"api_token": emulator().issue_api_token(user_id)})


@bp.delete("/<client_id>/users/<user_id>/sessions")
@doc("End the user's Nexus sessions", status=204)
def end_sessions(client_id: str, user_id: str) -> Response:
    emulator().end_sessions(user_id)
    return Response(status=204)
