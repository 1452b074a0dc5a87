"""Widget URLs in v20250224: MX's WidgetRequest drops `connections_use_case_filter` and adds
`current_microdeposit_guid`, `data_request`, `deep_link_params`, `locale` and `style`, and takes
`user_identifier` (MX's changelog, 2025-12-10); `color_scheme`, `current_institution_code`,
`current_member_guid` and `disable_institution_search` may be null. `data_request.products` is how v20250224
asks for verification (MX's migration guide: `mode` and `include_identity` "no longer used", still taken)."""

from __future__ import annotations

from typing import Any

from marshmallow import fields, post_load, validate

from mocknexus.apis.platform.schemas.v20250224.products import DataRequest
from mocknexus.apis.platform.schemas.widgets import PlatformWidgetUrlFields
from mocknexus.schemas.common import RequestSchema, StrictBoolean, StrictString


class DeepLinkParams(RequestSchema):
    """MX: "Valid value is `direct-deposit`" (the Actionable Integration Widget's; accepted, not acted on)."""

    launch_integration = StrictString(max_length=64)


class WidgetStyle(RequestSchema):
    """MX's Style: `font_name`, any Google font. Checked and kept with the URL's options; mocknexus's widget
    page does not change its font (it loads nothing from other hosts)."""

    font_name = StrictString(required=True, max_length=128)


class WidgetUrlFieldsV20250224(PlatformWidgetUrlFields):
    class Meta:
        exclude = ("connections_use_case_filter",)

    color_scheme = StrictString(
        load_default="light", allow_none=True, validate=validate.OneOf(["light", "dark", "browser"])
    )
    disable_institution_search = StrictBoolean(load_default=False, allow_none=True)
    data_request = fields.Nested(DataRequest, load_default=None)
    deep_link_params = fields.Nested(DeepLinkParams, load_default=None)
    locale = StrictString(load_default=None, max_length=35)  # a BCP 47 tag, e.g. `fr-CA` (kept; the page is English)
    style = fields.Nested(WidgetStyle, load_default=None)
    user_identifier = StrictString(load_default=None, max_length=255)

    @post_load
    def _verification(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        products = (data.get("data_request") or {}).get("products") or []
        data["verification"] = "verification" in data["mode"] or "account_verification" in products
        data["include_identity"] = bool(data.get("include_identity")) or "identity_verification" in products
        data["color_scheme"] = data["color_scheme"] or "light"
        data["disable_institution_search"] = bool(data["disable_institution_search"])
        if data.get("style") is not None:
            data["style"] = dict(data["style"])
        return data


class WidgetUrlRequestV20250224(RequestSchema):
    widget_url = fields.Nested(WidgetUrlFieldsV20250224, required=True)
