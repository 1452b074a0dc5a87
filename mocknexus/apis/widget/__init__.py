"""The Connect widget, served locally: widget URL endpoints (SSO v3, Platform API) and the widget page."""

from __future__ import annotations

from mocknexus.apis.widget import pages, routing_numbers
from mocknexus.web.apis import ADMIN_MEDIA_TYPE, Api, NexusTokens, TokenInPath

API = Api(
    name="widget",
    tag="Connect widget",
    blueprints=(pages.bp,),
    media_type="text/html",
    world=TokenInPath("token"),
    errors=(405,),
)
# The widget page's own calls (its routing-number check), in the widget's Nexus session.
CALLS_API = Api(
    name="widget_api",
    tag="Connect widget (its own calls)",
    blueprints=(routing_numbers.bp,),
    media_type=ADMIN_MEDIA_TYPE,  # plain JSON, as MX's widget's internal API
    world=NexusTokens(),  # the widget's Nexus session
    acting_user=routing_numbers.acting_user,
    security=({"sessionToken": []},),
    errors=(401, 405, 406, 500),
)
