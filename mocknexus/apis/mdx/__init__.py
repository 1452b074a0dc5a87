"""MX's MDX Real Time API (users, by client id in the path; JSON or XML)."""

from __future__ import annotations

from mocknexus.apis.mdx import views
from mocknexus.web import partner_auth
from mocknexus.web.apis import MDX_MEDIA_TYPE, MDX_XML_MEDIA_TYPE, Api, ClientInPath

API = Api(
    name="mdx",
    tag="MDX Real Time",
    blueprints=(views.bp,),
    media_type=MDX_MEDIA_TYPE,
    xml_media_type=MDX_XML_MEDIA_TYPE,
    world=ClientInPath(),
    security=({"apiKey": []},),
    authenticate=partner_auth.require_api_key,
)
