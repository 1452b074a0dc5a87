"""Widget URLs through the Platform API: MX's WidgetRequest (`{"widget_url": {...}}`) and WidgetResponse.

The Connect options are the ones SSO takes (schemas/widget.py, one field list); MX's WidgetRequest adds a
few keys of its own, typed as MX's document types them.
"""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from mocknexus.domain.widget.widget_urls import CONNECT_WIDGET
from mocknexus.schemas.common import RequestSchema, StrictBoolean, StrictString
from mocknexus.schemas.widget import CONNECT_ONLY, WidgetOptions


class PlatformWidgetUrlFields(WidgetOptions):
    widget_type = StrictString(required=True, validate=validate.OneOf([CONNECT_WIDGET], error=CONNECT_ONLY))
    # MX's WidgetRequest: `browser` follows the browser's setting (the widget page does so too).
    color_scheme = StrictString(load_default="light", validate=validate.OneOf(["light", "dark", "browser"]))
    connections_use_case_filter = StrictBoolean(load_default=None)  # a boolean here (SSO: a string)
    disable_background_agg = StrictBoolean(load_default=None)
    enable_app2app = StrictBoolean(load_default=None)
    include_identity = StrictBoolean(load_default=False)
    iso_country_code = fields.List(StrictString(validate=validate.OneOf(["US", "CA", "MX"])), load_default=None)
    insight_guid = StrictString(load_default=None, allow_none=True, max_length=64)  # pulse widget only
    microwidget_instance_id = StrictString(load_default=None, allow_none=True, max_length=255)


class PlatformWidgetUrlRequest(RequestSchema):
    widget_url = fields.Nested(PlatformWidgetUrlFields, required=True)


class PlatformWidgetUrl(Schema):
    type = fields.String(allow_none=True)
    url = fields.String(allow_none=True)
    user_id = fields.String(allow_none=True)


class PlatformWidgetUrlResponse(Schema):
    widget_url = fields.Nested(PlatformWidgetUrl)
