"""Requesting a Connect widget URL: SSO v3 (`/{client_id}/users/{id}/urls.json|.xml`, `.../urls/{type}`) and the
Platform API's `POST /users/{user_identifier}/widget_urls` that MX's current web and mobile SDKs call.

Each answers a one-time URL (ten minutes) to mocknexus's own widget page on this server.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request, url_for

from mocknexus.domain.widget_urls import WidgetUrl, WidgetUrls
from mocknexus.schemas import widget as s
from mocknexus.web import xmlio
from mocknexus.web.apis import SSO_XML_MEDIA_TYPE
from mocknexus.web.http import emulator, load, read_body, render
from mocknexus.web.negotiation import read_any_body, read_xml_body, respond
from mocknexus.web.openapi import doc

sso_bp = Blueprint("widget_sso", __name__)  # part of the SSO API (web/apis.py): its key, its XML, its errors
platform_bp = Blueprint("widget_platform", __name__)

sso_request = s.SsoUrlRequest()
sso_response = s.SsoUrlResponse()
platform_request = s.PlatformWidgetUrlRequest()
platform_response = s.PlatformWidgetUrlResponse()


def widget_urls() -> WidgetUrls:
    return WidgetUrls(emulator())


def _page_url(url: WidgetUrl) -> str:
    # MX's guide: /md/connect/<token>, and /md/mobile_master/<token> for a mobile WebView.
    page = "widget.mobile_page" if url.options.get("is_mobile_webview") else "widget.connect_page"
    return url_for(page, token=url.token, _external=True)


def _answer(url: WidgetUrl) -> dict[str, Any]:
    return {"url": _page_url(url), "type": url.widget_type, "user_id": url.user_id}


# ---- SSO v3 ------------------------------------------------------------------------------------------------


@sso_bp.post("/<client_id>/users/<user_id>/urls.json")
@sso_bp.post("/<client_id>/users/<user_id>/urls")
@doc(
    "A one-time Connect widget URL with configuration options (10 minutes)",
    response=sso_response,
    body=sso_request,
    errors=(400,),
)
def create_url(client_id: str, user_id: str) -> Response:
    """JSON, or XML by Content-Type and Accept, as the rest of SSO (web/negotiation.py)."""
    options = read_any_body(sso_request)["url"]
    url = widget_urls().issue(user_id, options.pop("type"), options)
    return respond(sso_response, {"url": _answer(url)})


@sso_bp.post("/<client_id>/users/<user_id>/urls.xml")
@doc(
    "The widget URL request and answer as XML",
    response={"type": "string"},
    body={"type": "string"},
    media=SSO_XML_MEDIA_TYPE,
    errors=(400,),
)
def create_url_xml(client_id: str, user_id: str) -> Response:
    options = read_xml_body(sso_request)["url"]
    url = widget_urls().issue(user_id, options.pop("type"), options)
    return Response(xmlio.dumps("url", _answer(url)), mimetype=SSO_XML_MEDIA_TYPE)


@sso_bp.get("/<client_id>/users/<user_id>/urls/<widget_type>")
@doc(
    "A one-time widget URL without configuration options",
    response=sso_response,
    errors=(400,),
    unchecked={"positive_data_acceptance": "widget_type: mocknexus serves connect_widget; MX's other types are a 400."},
)
def url_by_type(client_id: str, user_id: str, widget_type: str) -> Response:
    options = load(s.WidgetOptions(), {})
    return render(sso_response, {"url": _answer(widget_urls().issue(user_id, widget_type, options))})


# ---- Platform API (MX's web SDK) ---------------------------------------------------------------------------

# The web SDK calls this from the partner's page in the browser: a cross-origin request with a preflight.
_CORS = {
    "Access-Control-Allow-Methods": "POST, OPTIONS",
    "Access-Control-Allow-Headers": "Authorization, Content-Type, Accept, Accept-Language, Accept-Version, "
    "X-CALLBACK-PAYLOAD",
    "Access-Control-Max-Age": "600",
}


@platform_bp.after_request
def _cors(response: Response) -> Response:
    response.headers["Access-Control-Allow-Origin"] = request.headers.get("Origin") or "*"
    response.headers["Vary"] = "Origin"
    response.headers.update(_CORS)
    return response


@platform_bp.route("/users/<user_identifier>/widget_urls", methods=["POST", "OPTIONS"])
@doc(
    "A one-time widget URL (Platform API, as MX's web SDK requests it; Basic client_id:api_key)",
    response=platform_response,
    body=platform_request,
    security=[{"basic": []}],
)
def platform_widget_url(user_identifier: str) -> Response:
    if request.method == "OPTIONS":  # the preflight: no credentials (partner_auth.require_basic_auth)
        return Response(status=204)
    options = read_body(platform_request)["widget_url"]
    url = widget_urls().issue(user_identifier, options.pop("widget_type"), options)
    return render(platform_response, {"widget_url": _answer(url)})
