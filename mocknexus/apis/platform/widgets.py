"""Widget URLs: `POST /users/{user_guid}/widget_urls` (MX's WidgetsApi), which MX's web and mobile SDKs
call too, from the partner's page in a browser (hence CORS). Each answers a one-time URL (ten minutes) to
mocknexus's own Connect widget page on this server."""

from __future__ import annotations

from flask import Response, request

from mocknexus.apis.platform.blueprint import bp
from mocknexus.apis.platform.schemas import widgets as s
from mocknexus.web.http import read_body, render
from mocknexus.web.openapi import doc
from mocknexus.web.widget_links import answer, widget_urls

widget_request = s.PlatformWidgetUrlRequest()
widget_response = s.PlatformWidgetUrlResponse()

# The web SDK calls this from the partner's page in the browser: a cross-origin request with a preflight.
_CORS = {
    "Access-Control-Allow-Methods": "POST, OPTIONS",
    "Access-Control-Allow-Headers": "Authorization, Content-Type, Accept, Accept-Language, Accept-Version, "
    "X-CALLBACK-PAYLOAD",
    "Access-Control-Max-Age": "600",
}


@bp.after_request
def _cors(response: Response) -> Response:
    if request.endpoint == "platform.request_widget_url":
        response.headers["Access-Control-Allow-Origin"] = request.headers.get("Origin") or "*"
        response.headers["Vary"] = "Origin"
        response.headers.update(_CORS)
    return response


@bp.route("/users/<user_guid>/widget_urls", methods=["POST", "OPTIONS"])
@doc(
    "A one-time widget URL (the user by guid, or by the id you gave it, as MX's web SDK may send)",
    response=widget_response,
    body=widget_request,
)
def request_widget_url(user_guid: str) -> Response:
    if request.method == "OPTIONS":
        return Response(status=204)
    options = read_body(widget_request)["widget_url"]
    url = widget_urls().issue(user_guid, options.pop("widget_type"), options)
    return render(widget_response, {"widget_url": answer(url)})
