"""The consent page at an `oauth_window_uri`, and MX's ending after it.

GET shows the bank's consent (Authorize / Deny); POST answers it. Then, as MX does: with referral_source
BROWSER, MX's "OAuth complete" page, which posts `oauthComplete/success` or `oauthComplete/error` to the
window that opened it; with APP, a redirect to `{scheme}://oauth_complete?...` (a WebView scheme) or to
`client_redirect_url`, with `status=success&member_guid=MBR-...` or `status=error&member_guid=...&error_reason=...`
appended. A used, expired or unknown URI gets an error page (an expired one still tells the opener,
`SESSION_ERROR`, so a waiting widget moves on).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, Response, redirect, render_template, request
from werkzeug.exceptions import HTTPException

from mocknexus.domain.core.errors import ErrorKind, MXError
from mocknexus.domain.core.models import Member, OAuthState
from mocknexus.domain.oauth.oauth import Ending, OAuthOutcome, OAuthWindowError, app_redirect
from mocknexus.web.http import emulator
from mocknexus.web.openapi import doc

bp = Blueprint("oauth", __name__, template_folder="templates")

STATIC = Path(__file__).parent / "static"
ASSETS = {"oauth.css": "text/css", "complete.js": "text/javascript"}
# Nothing from elsewhere; no framing (a bank's sign-in page refuses to be framed, and MX advises against
# WebViews). No form-action: after Authorize the page redirects wherever the app asked (another origin).
CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'"
REASON_TEXT = {  # MX's definitions of the error reasons (OAuth in browsers guide)
    OAuthOutcome.CANCELLED: "You cancelled or exited the bank's sign-in.",
    OAuthOutcome.DENIED: "The bank could not authenticate you.",
    OAuthOutcome.IMPEDED: "The bank needs you to act on its website first.",
    OAuthOutcome.PROVIDER_ERROR: "The bank reported an error.",
    OAuthOutcome.SERVER_ERROR: "Something went wrong at MX.",
    OAuthOutcome.SESSION_ERROR: "This sign-in session is no longer valid.",
}


def _html(html: str, status: int = 200) -> Response:
    headers = {"Cache-Control": "no-store", "Content-Security-Policy": CSP, "Referrer-Policy": "no-referrer"}
    return Response(html, status=status, mimetype="text/html", headers=headers)


def _doc(summary: str, media: str = "text/html") -> Any:
    return doc(summary, response={"type": "string"}, media=media, errors=(404, 410))


@bp.get("/oauth/predirect_to/<member_guid>/<token>")
@_doc("The bank's OAuth consent page for a one-time oauth_window_uri (HTML)")
def consent(member_guid: str, token: str) -> Response:
    try:
        member, state = emulator().open_window(token)
        _same_member(member, member_guid)
    except OAuthWindowError as error:
        return _window_error(error)
    institution = emulator().read_institution(member.institution_guid)
    return _html(render_template("oauth/consent.html", member=member, state=state, institution=institution))


@bp.post("/oauth/predirect_to/<member_guid>/<token>")
@_doc("Answer the consent page: form field action=authorize or deny (then MX's ending)")
def answer(member_guid: str, token: str) -> Response:
    action = request.form.get("action")
    try:
        member, _ = emulator().open_window(token)  # a dead window is said first, whatever the form holds
        _same_member(member, member_guid)
        if action not in ("authorize", "deny"):
            return _error_page("Choose Authorize or Deny", "The form needs action=authorize or action=deny.", 400)
        ending = emulator().answer_window(token, authorize=action == "authorize")
    except OAuthWindowError as error:
        return _window_error(error)
    return ending_response(ending)


def ending_response(ending: Ending) -> Response:
    """MX's end of an OAuth window: the complete page, or the app's redirect."""
    target = app_redirect(ending.state, ending.member_guid, ending.outcome)
    if target is not None:
        return redirect(target, code=303)
    return _complete_page(ending.member_guid, ending.outcome, ending.state)


def _complete_page(member_guid: str, outcome: OAuthOutcome, state: OAuthState | None, status: int = 200) -> Response:
    metadata: dict[str, str] = {"member_guid": member_guid}
    if outcome.is_error:
        metadata["error_reason"] = outcome.name
    message = {"mx": True, "type": f"oauthComplete/{'error' if outcome.is_error else 'success'}", "metadata": metadata}
    html = render_template(
        "oauth/complete.html", message=message, outcome=outcome, reason=REASON_TEXT.get(outcome), state=state
    )
    return _html(html, status)


def _same_member(member: Member, member_guid: str) -> None:
    if member.guid != member_guid:
        raise OAuthWindowError("This link is not valid", "No OAuth window has this address.", 404)


def _window_error(error: OAuthWindowError) -> Response:
    member = error.member
    expired = member is not None and error.title == "This link has expired"
    if expired and member.oauth is not None:
        # The opener (a widget waiting for the bank) still hears how it ended; the app gets its link back.
        outcome = OAuthOutcome.SESSION_ERROR
        back = app_redirect(member.oauth, member.guid, outcome)
        message = {
            "mx": True,
            "type": "oauthComplete/error",
            "metadata": {"member_guid": member.guid, "error_reason": outcome.name},
        }
        html = render_template("oauth/error.html", title=error.title, message=error.message, post=message, back=back)
        return _html(html, error.status)
    return _error_page(error.title, error.message, error.status)


def _error_page(title: str, message: str, status: int) -> Response:
    return _html(render_template("oauth/error.html", title=title, message=message, post=None, back=None), status)


@bp.errorhandler(MXError)
def _mx_error(error: MXError) -> Response:
    # An injected fault, or a member deleted meanwhile: the end user sees a page, not JSON.
    return _error_page("Something went wrong", error.message, error.http_status)


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException) -> Response:
    kind = ErrorKind.for_http_status(error.code or 500)
    return _error_page("Something went wrong", kind.default_message, error.code or 500)


def _asset_route(name: str, media: str) -> None:
    def asset() -> Response:
        return Response((STATIC / name).read_bytes(), mimetype=media, headers={"Cache-Control": "no-cache"})

    view = _doc(f"The OAuth pages' {name}", media=media)(asset)
    bp.add_url_rule(f"/oauth/assets/{name}", endpoint=f"asset_{name.replace('.', '_')}", view_func=view)


for _name, _media in ASSETS.items():
    _asset_route(_name, _media)
