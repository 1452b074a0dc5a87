"""The bank's side of OAuth: mocknexus's own consent page standing for the institution's, and MX's ending."""

from __future__ import annotations

from mocknexus.apis.oauth import pages
from mocknexus.web.apis import Api, TokenInPath

API = Api(
    name="oauth",
    tag="OAuth consent page",
    blueprints=(pages.bp,),
    media_type="text/html",  # the bank's consent page and MX's ending: pages, never JSON
    world=TokenInPath("token"),  # the window's one-time token was issued in its client's world
    errors=(400, 405),
)
