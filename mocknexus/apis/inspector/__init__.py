"""The inspector: a page at /__admin/ui to see and steer the emulator while developing against it.

The page is a template plus plain JavaScript (no build step) that reads and steers through the admin HTTP
API only, so whatever it shows a test can read too, and it ships in the wheel (templates and static files
are package data).
"""

from __future__ import annotations

from mocknexus.apis.inspector import views
from mocknexus.web.apis import ADMIN_MEDIA_TYPE, Api, SharedWorld

API = Api(
    name="inspector",
    tag="Inspector",
    blueprints=(views.bp,),
    media_type=ADMIN_MEDIA_TYPE,  # its errors; its pages say their own media (Doc.media)
    world=SharedWorld(),
    errors=(404, 405),
    control_plane=True,
    negotiated=False,  # it serves HTML, CSS and JS
)
