"""Widget URLs: `POST /users/{user_guid}/widget_urls` (MX's WidgetsApi), which MX's web and mobile SDKs
call too, from the partner's page in a browser (hence CORS). Each answers a one-time URL (ten minutes) to
mocknexus's own Connect widget page on this server."""

from __future__ import annotations

from flask import Response, request

from mocknexus.apis.platform.blueprint import bp
from mocknexus.apis.platform.schemas import widgets as s
from mocknexus.web.caller import Caller
from mocknexus.web.http import read_body, render
from mocknexus.web.openapi import doc
from mocknexus.web.widget_links import answer, widget_urls

widget_request = s.PlatformWidgetUrlRequest()
widget_response = s.PlatformWidgetUrlResponse()

# The web SDK calls this from the partner's page in the browser: a cross-origin request with a preflight.
_CORS = {  # web/hooks.py adds Access-Control-Allow-Origin (the request's Origin) and Vary: Origin
    "Access-Control-Allow-Methods": "POST, OPTIONS",
    "Access-Control-Allow-Headers": "Authorization, Content-Type, Accept, Accept-Language, Accept-Version, "
    "X-CALLBACK-PAYLOAD",
    "Access-Control-Max-Age": "600",
}


@bp.route("/users/<user_guid>/widget_urls", methods=["POST", "OPTIONS"])
@doc(
    "A one-time widget URL (the user by guid, or by the id you gave it, as MX's web SDK may send)",
    response=widget_response,
    body=widget_request,
    user_by_id=True,
    cors=_CORS,
)
def request_widget_url(caller: Caller) -> Response:
    if request.method == "OPTIONS":
        return Response(status=204)
    options = read_body(widget_request)["widget_url"]
    url = widget_urls().issue_for(caller.user, options.pop("widget_type"), options)
    return render(widget_response, {"widget_url": answer(url)})
