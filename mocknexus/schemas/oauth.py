"""OAuth shapes: the options create member and oauth_window_uri take, the URI's response, the control plane's
outcome request.

MX's Platform API puts `client_redirect_url`, `enable_app2app`, `referral_source` and
`ui_message_webview_url_scheme` beside `member` in a create-member body, and takes them (with
`skip_aggregation`) as query parameters of `GET .../oauth_window_uri`; Nexus documents the same query
parameters (INFERRED for its create body: the same top-level fields).
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, pre_load, validate

from mocknexus.domain.oauth.oauth import REFERRAL_SOURCES, OAuthOutcome
from mocknexus.schemas.common import (
    QuerySchema,
    RequestSchema,
    StrictBoolean,
    StrictString,
    message_scheme,
    redirect_url,
)


def _upper(value: Any) -> Any:
    return value.upper() if isinstance(value, str) else value


class OAuthCreateOptions(RequestSchema):
    """The top-level fields of a create-member body (mixed into nexus.MemberCreateRequest)."""

    referral_source = StrictString(load_default="BROWSER", validate=validate.OneOf(REFERRAL_SOURCES), max_length=16)
    client_redirect_url = redirect_url(allow_none=True)
    ui_message_webview_url_scheme = message_scheme()
    enable_app2app = StrictBoolean(load_default=True)

    @pre_load
    def _referral_case(self, data: Any, **kwargs: Any) -> Any:
        # MX spells BROWSER / APP; "app" is read as APP (INFERRED leniency).
        if isinstance(data, dict) and "referral_source" in data:
            data = {**data, "referral_source": _upper(data["referral_source"])}
        return data


class OAuthWindowQuery(QuerySchema):
    referral_source = fields.String(load_default="BROWSER", validate=validate.OneOf(REFERRAL_SOURCES))
    client_redirect_url = redirect_url()
    ui_message_webview_url_scheme = message_scheme()
    # MX types enable_app2app as a string here ("Defaults to true"); true/false as for any boolean.
    enable_app2app = fields.Boolean(load_default=True)
    skip_aggregation = fields.Boolean(load_default=False)

    @pre_load
    def _referral_case(self, data: Any, **kwargs: Any) -> Any:
        if isinstance(data, dict) and "referral_source" in data:
            data = {**data, "referral_source": _upper(data["referral_source"])}
        return data


class OAuthWindowMember(Schema):
    guid = fields.String()
    oauth_window_uri = fields.String()


class OAuthWindowResponse(Schema):
    """MX's example: `{"member": {"guid": "MBR-...", "oauth_window_uri": "https://..."}}`."""

    member = fields.Nested(OAuthWindowMember)


class OAuthOutcomeRequest(RequestSchema):
    """The control plane's way through the consent page."""

    outcome = StrictString(required=True, validate=validate.OneOf(OAuthOutcome.names()), max_length=32)
    delay_seconds = fields.Float(load_default=0.0, validate=validate.Range(min=0, max=86400))

    @pre_load
    def _outcome_case(self, data: Any, **kwargs: Any) -> Any:
        if isinstance(data, dict) and "outcome" in data:
            data = {**data, "outcome": _upper(data["outcome"])}
        return data
