"""Widget URL requests and answers: SSO v3 (`{"url": {...}}`); the Platform API's are apis/platform/schemas/widgets.py.

The options are MX's documented Connect configuration options (Verification Guide table; web SDK
src/sso/widget_configuration.ts); one field list serves both endpoints.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, post_load, validate

from mocknexus.domain.widget.widget_urls import CONNECT_WIDGET, WIDGET_TYPES
from mocknexus.schemas.common import (
    DigitsOrInteger,
    RequestSchema,
    Rooted,
    StrictBoolean,
    StrictString,
    message_scheme,
    redirect_url,
)

# MX documents every type in WIDGET_TYPES; mocknexus serves the Connect widget, and says so (a 400).
CONNECT_ONLY = f"mocknexus emulates the {CONNECT_WIDGET} only (MX also has {', '.join(WIDGET_TYPES[1:])})."
MODES = ("aggregation", "verification")
_REFERRALS = ("BROWSER", "APP")
_PRODUCTS = ("account_verification", "transactions")
_V4_ONLY = "mocknexus emulates ui_message_version 4 (MX: prior versions are deprecated)."
# The web SDK sends `mode` comma-joined ("verification,aggregation"). A Regexp (not a function): it raises
# under marshmallow 3 and 4 alike, and the OpenAPI document states it as a pattern.
_MODE = "(" + "|".join(MODES) + ")"
_modes = validate.Regexp(
    rf"^ *{_MODE} *(, *{_MODE} *)*$", error=f"Must be one or more of {', '.join(MODES)}, comma-separated."
)


class WidgetOptions(RequestSchema):
    """Every option MX documents for the Connect widget; those mocknexus does not act on are still accepted."""

    is_mobile_webview = StrictBoolean(load_default=False)
    # An integer (MX: "Integer"); published clients send "4", which MX takes.
    ui_message_version = DigitsOrInteger(load_default=4, validate=validate.Equal(4, error=_V4_ONLY))
    ui_message_webview_url_scheme = message_scheme(default="mx")
    mode = StrictString(load_default="aggregation", validate=_modes, max_length=64)
    color_scheme = StrictString(load_default="light", validate=validate.OneOf(["light", "dark"]))
    current_institution_code = StrictString(load_default=None, allow_none=True, max_length=255)
    current_institution_guid = StrictString(load_default=None, allow_none=True, max_length=64)
    current_member_guid = StrictString(load_default=None, allow_none=True, max_length=64)
    current_microdeposit_guid = StrictString(load_default=None, allow_none=True, max_length=64)
    update_credentials = StrictBoolean(load_default=False)
    disable_institution_search = StrictBoolean(load_default=False)
    include_transactions = StrictBoolean(load_default=True)
    wait_for_full_aggregation = StrictBoolean(load_default=False)
    client_redirect_url = redirect_url(allow_none=True)
    oauth_referral_source = StrictString(load_default=None, allow_none=True, validate=validate.OneOf(_REFERRALS))
    use_cases = fields.List(StrictString(validate=validate.OneOf(["MONEY_MOVEMENT", "PFM"])), load_default=None)
    additional_product_option = StrictString(load_default=None, allow_none=True, validate=validate.OneOf(_PRODUCTS))
    connections_use_case_filter = StrictString(load_default=None, allow_none=True, max_length=64)
    style = fields.Dict(load_default=None, allow_none=True)  # MX's docs sample: {"font_name": "Roboto"}

    @post_load
    def _verification(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        data["verification"] = "verification" in data["mode"]
        return data


class SsoUrlFields(WidgetOptions):
    type = StrictString(required=True, validate=validate.OneOf([CONNECT_WIDGET], error=CONNECT_ONLY))


class SsoUrlRequest(Rooted):
    root = "url"
    url = fields.Nested(SsoUrlFields, required=True)


class UrlSchema(Schema):
    url = fields.String()
    type = fields.String()
    user_id = fields.String()


class SsoUrlResponse(Schema):
    url = fields.Nested(UrlSchema)
