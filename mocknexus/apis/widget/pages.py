"""The Connect widget page: a template and a little plain JavaScript, served from the installed package.

Opening a widget URL spends its token and hands the page a Nexus session; the page then calls the Nexus API
itself (institutions, members, verify, challenges, resume, account numbers), so it drives the same world
as a partner's own API calls.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from flask import Blueprint, Response, current_app, render_template
from werkzeug.exceptions import HTTPException

from mocknexus.domain.core.errors import ErrorKind, MXError
from mocknexus.domain.widget.widget_urls import OpenedWidget, WidgetUrlError
from mocknexus.web.openapi import F, doc
from mocknexus.web.widget_links import widget_urls

bp = Blueprint("widget", __name__, template_folder="templates")

STATIC = Path(__file__).parent / "static"
HTML = "text/html; charset=utf-8"
# Everything the page loads comes from this server (no fonts, no CDNs); images include MFA's data: PNGs.
CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors *"
# The page's files, in the order the page loads them (templates/connect.html).
SCRIPTS = ("messages.js", "nexus.js", "dom.js", "views.js", "microdeposits.js", "oauth.js", "connect.js")
ASSETS = {"connect.css": "text/css", **{name: "text/javascript" for name in SCRIPTS}}


def _doc(summary: str, media: str = HTML) -> Callable[[F], F]:
    return doc(summary, response={"type": "string"}, media=media, errors=(404, 410))


@bp.get("/md/connect/<token>")
@_doc("The Connect widget page for a one-time widget URL (HTML)")
def connect_page(token: str) -> Response:
    return _page(token)


@bp.get("/md/mobile_master/<token>")
@_doc("The Connect widget page in mobile-WebView mode (HTML)")
def mobile_page(token: str) -> Response:
    return _page(token)


def _asset_route(name: str, media: str) -> None:
    def asset() -> Response:
        return Response((STATIC / name).read_bytes(), mimetype=media, headers={"Cache-Control": "no-cache"})

    view = _doc(f"The widget's {name}", media=media)(asset)
    bp.add_url_rule(f"/md/connect/assets/{name}", endpoint=f"asset_{name.replace('.', '_')}", view_func=view)


# One fixed route per file (no path parameter): only these files are served, each with its own type.
for _name, _media in ASSETS.items():
    _asset_route(_name, _media)


def _page(token: str) -> Response:
    try:
        opened = widget_urls().open(token)
    except WidgetUrlError as error:
        # 404 for a token never issued, 410 for one used or expired: a page, never a stack trace.
        return _error_page(error.title, error.message, 410 if error.gone else 404)
    scheme = opened.url.options["color_scheme"]
    html = render_template("connect.html", config=_page_config(opened), scheme=scheme, scripts=SCRIPTS)
    return Response(html, mimetype="text/html", headers={"Cache-Control": "no-store", "Content-Security-Policy": CSP})


def _error_page(title: str, message: str, status: int) -> Response:
    html = render_template("error.html", title=title, message=message)
    return Response(html, status=status, mimetype="text/html", headers={"Content-Security-Policy": CSP})


@bp.errorhandler(MXError)
def _mx_error(error: MXError) -> Response:
    # An injected fault, or a user deleted since the URL was issued: the end user sees a page, not JSON.
    return _error_page("Something went wrong", error.message, error.http_status)


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException) -> Response:
    kind = ErrorKind.for_http_status(error.code or 500)
    return _error_page("Something went wrong", kind.default_message, error.code or 500)


def _page_config(opened: OpenedWidget) -> dict:
    options = opened.url.options
    return {
        "session_token": opened.session.token,
        "user_guid": opened.user.guid,
        "session_guid": opened.url.session_guid,
        "poll_ms": current_app.config["MOCKNEXUS"].widget_poll_ms,
        **{key: options.get(key) for key in _PAGE_OPTIONS},
    }


# The options the page acts on (the others are accepted and stored, see schemas/widget.py).
_PAGE_OPTIONS = (
    "is_mobile_webview",
    "ui_message_webview_url_scheme",
    "verification",
    "color_scheme",
    "current_institution_code",
    "current_institution_guid",
    "current_member_guid",
    "current_microdeposit_guid",
    "update_credentials",
    "disable_institution_search",
    "include_transactions",
    "wait_for_full_aggregation",
    "oauth_referral_source",
    "client_redirect_url",
)
