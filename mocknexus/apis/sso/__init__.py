"""MX's SSO API: api tokens and the Connect widget's URLs (JSON or XML)."""

from __future__ import annotations

from mocknexus.apis.sso import views, widget_urls
from mocknexus.web import partner_auth
from mocknexus.web.apis import SSO_MEDIA_TYPE, SSO_XML_MEDIA_TYPE, Api, ClientInPath

API = Api(
    name="sso",
    tag="SSO",
    blueprints=(views.bp, widget_urls.sso_bp),
    media_type=SSO_MEDIA_TYPE,
    xml_media_type=SSO_XML_MEDIA_TYPE,
    world=ClientInPath(),
    security=({"apiKey": []},),
    authenticate=partner_auth.require_api_key,
    errors=(401, 404, 405, 406, 500),  # a 400 where a view reads a body or a type (its @doc says so)
)
