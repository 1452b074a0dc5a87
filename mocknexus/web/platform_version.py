"""Which Platform API version a request asks for, decided once per request: `Accept-Version: v20250224`
(which MX's v3 SDK sends on every call, beside whatever Accept its README sets) selects v20250224; anything
else is v20111101 as before. A request is the Platform API's when it reached a Platform route, or (a path no
API serves) when it carries the Platform's credentials (web/partner_auth.py).

The one place the version is read; the media type (web/http.py) and the error body (web/errors.py) ask it.
"""

from __future__ import annotations

from flask import request

from mocknexus.web.partner_auth import is_platform_request

V20111101 = "v20111101"
V20250224 = "v20250224"
CURRENT_MEDIA_TYPE = "application/json"  # MX's v20250224 document: every response application/json
_KEY = "mocknexus.platform_version"


def platform_version(api_name: str) -> str | None:
    """The Platform version this request is answered in; None for a request that is not the Platform's."""
    environ = request.environ
    found = environ.get(_KEY, False)
    if found is False:
        platform = api_name == "platform" or (api_name == "unrouted" and is_platform_request(environ))
        if not platform:
            found = None
        elif environ.get("HTTP_ACCEPT_VERSION", "").strip().lower() == V20250224:
            found = V20250224
        else:
            found = V20111101
        environ[_KEY] = found
    return found
