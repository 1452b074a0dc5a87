"""SSO API v3 (MX's int-sso.moneydesktop.com/{client_id}): the one-time api_token that opens a Nexus session."""

from __future__ import annotations

from xml.sax.saxutils import escape

from flask import Blueprint, Response

from mocknexus.schemas import sso as s
from mocknexus.web.http import emulator, render
from mocknexus.web.openapi import doc
from mocknexus.web.partner_auth import require_api_key

bp = Blueprint("sso", __name__)
bp.before_request(require_api_key)

api_token_response = s.ApiTokenResponse()


@bp.get("/<client_id>/users/<user_id>/api_token.json")
@bp.get("/<client_id>/users/<user_id>/api_token")
@doc("A one-time api_token for the user (10 minutes)", response=api_token_response)
def api_token(client_id: str, user_id: str) -> Response:
    return render(api_token_response, {"api_token": emulator().issue_api_token(user_id)})


@bp.get("/<client_id>/users/<user_id>/api_token.xml")
@doc("The api_token as XML", response={"type": "string"})
def api_token_xml(client_id: str, user_id: str) -> Response:
    # MX's documented sample asks for XML; the body is <api_token><token>...</token></api_token>.
    token = emulator().issue_api_token(user_id).token
    body = f'<?xml version="1.0" encoding="UTF-8"?>\n<api_token><token>{escape(token)}</token></api_token>\n'
    return Response(body, mimetype="application/vnd.moneydesktop.sso.v3+xml")


@bp.delete("/<client_id>/users/<user_id>/sessions")
@doc("End the user's Nexus sessions", status=204)
def end_sessions(client_id: str, user_id: str) -> Response:
    emulator().end_sessions(user_id)
    return Response(status=204)
