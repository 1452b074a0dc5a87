"""Requesting a Connect widget URL through SSO v3 (`/{client_id}/users/{id}/urls.json|.xml`, `.../urls/{type}`).
The Platform API's `POST /users/{user_guid}/widget_urls` is apis/platform/widgets.py's, with the same answer.

Each answers a one-time URL (ten minutes) to mocknexus's own widget page on this server.
"""

from __future__ import annotations

from flask import Blueprint, Response

from mocknexus.schemas import widget as s
from mocknexus.web import xmlio
from mocknexus.web.apis import SSO_XML_MEDIA_TYPE
from mocknexus.web.http import load, render
from mocknexus.web.negotiation import read_any_body, read_xml_body, respond
from mocknexus.web.openapi import doc
from mocknexus.web.widget_links import answer, widget_urls

sso_bp = Blueprint("widget_sso", __name__)  # part of the SSO API (web/apis.py): its key, its XML, its errors

sso_request = s.SsoUrlRequest()
sso_response = s.SsoUrlResponse()


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
    return respond(sso_response, {"url": answer(url)})


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
    return Response(xmlio.dumps("url", answer(url)), mimetype=SSO_XML_MEDIA_TYPE)


@sso_bp.get("/<client_id>/users/<user_id>/urls/<widget_type>")
@doc(
    "A one-time widget URL without configuration options",
    response=sso_response,
    errors=(400,),
    unchecked={"positive_data_acceptance": "widget_type: mocknexus serves connect_widget; MX's other types are a 400."},
)
def url_by_type(client_id: str, user_id: str, widget_type: str) -> Response:
    options = load(s.WidgetOptions(), {})
    return render(sso_response, {"url": answer(widget_urls().issue(user_id, widget_type, options))})
