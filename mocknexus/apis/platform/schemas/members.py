"""Members, their status and MFA challenges, and the OAuth window: MX's MemberResponse (23 keys),
MemberStatusResponse, ChallengeResponse, OAuthWindowResponse, and the member requests.

How the emulated member's state reads as Platform fields is `mocknexus.domain.platform.platform_view`'s; this module
only says which key carries it, at which JSON type.
"""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from mocknexus.apis.platform.schemas.common import (
    NotEmpty,
    PlatformPageQuery,
    PlatformPagination,
    PlatformQuery,
    PlatformTime,
    flag,
    text,
)
from mocknexus.domain.platform import platform_view as pv
from mocknexus.schemas.common import RequestSchema, StrictBoolean, StrictString, message_scheme, redirect_url
from mocknexus.schemas.oauth import OAuthCreateOptions

USE_CASES = pv.PLATFORM_USE_CASES
_use_case = StrictString(validate=validate.OneOf(USE_CASES))

# ---- requests -------------------------------------------------------------------------------------------


class PlatformCredentialValue(RequestSchema):
    """MX's CredentialRequest: `{guid, value}` (a credential's, or in resume a challenge's)."""

    guid = StrictString(required=True, max_length=64)
    value = StrictString(required=True, max_length=1024)


_credentials = fields.List(fields.Nested(PlatformCredentialValue), validate=validate.Length(max=20))


class PlatformMemberCreateFields(RequestSchema):
    institution_code = StrictString(required=True, max_length=255)
    credentials = fields.List(
        fields.Nested(PlatformCredentialValue), required=True, validate=validate.Length(max=20)
    )  # an OAuth member sends [] (MX's SDK requires the key)
    id = StrictString(load_default=None, max_length=255)
    metadata = StrictString(load_default=None, max_length=8192)
    skip_aggregation = StrictBoolean(load_default=False)
    is_oauth = StrictBoolean(load_default=False)
    background_aggregation_is_disabled = StrictBoolean(load_default=False)
    use_cases = fields.List(_use_case, load_default=None, validate=validate.Length(max=2))


class PlatformMemberCreateRequest(OAuthCreateOptions):
    """MX's MemberCreateRequestBody: the member, and beside it the OAuth options Nexus's create takes too."""

    member = fields.Nested(PlatformMemberCreateFields, required=True)


class PlatformMemberUpdateFields(NotEmpty):
    credentials = fields.List(fields.Nested(PlatformCredentialValue), validate=validate.Length(max=20))
    id = StrictString(max_length=255)
    metadata = StrictString(max_length=8192)
    skip_aggregation = StrictBoolean()
    background_aggregation_is_disabled = StrictBoolean()
    use_cases = fields.List(_use_case, validate=validate.Length(max=2))


class PlatformMemberUpdateRequest(RequestSchema):
    member = fields.Nested(PlatformMemberUpdateFields, required=True)


class PlatformResumeFields(RequestSchema):
    challenges = fields.List(
        fields.Nested(PlatformCredentialValue), required=True, validate=validate.Length(min=1, max=20)
    )


class PlatformResumeRequest(RequestSchema):
    member = fields.Nested(PlatformResumeFields, required=True)


class PlatformMemberListQuery(PlatformPageQuery):
    use_case = StrictString(load_default=None, validate=validate.OneOf(USE_CASES))


class PlatformAggregateQuery(PlatformQuery):
    include_holdings = fields.Boolean(load_default=None)
    include_transactions = fields.Boolean(load_default=None)


class PlatformOAuthWindowQuery(PlatformQuery):
    client_redirect_url = redirect_url()
    enable_app2app = StrictString(load_default=None, validate=validate.OneOf(["true", "false"]))
    referral_source = StrictString(load_default=None, validate=validate.OneOf(["BROWSER", "APP"]))
    skip_aggregation = fields.Boolean(load_default=None)
    ui_message_webview_url_scheme = message_scheme()


# ---- responses ------------------------------------------------------------------------------------------


class PlatformMember(Schema):
    aggregated_at = PlatformTime(allow_none=True, metadata={"type": "string"})
    background_aggregation_is_disabled = fields.Boolean()
    connection_status = fields.Function(pv.connection_status, metadata={"type": "string", "nullable": True})
    connection_status_message = fields.Function(pv.status_message, metadata={"type": "string", "nullable": True})
    guid = text()
    id = text(attribute="external_guid")  # the partner's id for the member (Nexus: external_guid)
    institution_code = text()
    institution_guid = fields.String()
    is_being_aggregated = flag()
    is_managed_by_user = flag()
    is_manual = fields.Function(lambda m: False, metadata={"type": "boolean", "nullable": True})
    is_oauth = flag()
    metadata = text()
    most_recent_job_detail_code = fields.Function(
        pv.job_detail_code, allow_none=True, metadata={"type": "integer", "nullable": True}
    )
    # MX's v20111101 document (and the Python SDK generated from it) types these two `boolean`, its examples
    # and the Node SDK `string`: null is the one value both SDKs parse (README, "Platform API").
    most_recent_job_detail_text = fields.Function(
        lambda m: None, allow_none=True, metadata={"type": "boolean", "nullable": True}
    )
    most_recent_job_guid = fields.Function(
        lambda m: None, allow_none=True, metadata={"type": "boolean", "nullable": True}
    )
    name = text()
    needs_updated_credentials = fields.Function(
        lambda m: m.connection_status.needs_updated_credentials, metadata={"type": "boolean", "nullable": True}
    )
    oauth_window_uri = fields.Function(
        pv.oauth_window_uri, allow_none=True, metadata={"type": "string", "nullable": True}
    )
    successfully_aggregated_at = PlatformTime(allow_none=True, metadata={"type": "string"})
    use_cases = fields.Function(
        pv.use_cases, metadata={"type": "array", "items": {"type": "string", "enum": list(USE_CASES)}}
    )
    user_guid = text()
    user_id = text()  # the user's partner id (platform_view.member_view sets it)


class PlatformMemberResponse(Schema):
    member = fields.Nested(PlatformMember)


class PlatformMemberList(Schema):
    members = fields.List(fields.Nested(PlatformMember))
    pagination = fields.Nested(PlatformPagination)


def _option_key(key: str) -> fields.Function:
    # Options are the scenario's dicts ({label, value, ...}): every key MX declares is written, null if absent.
    return fields.Function(lambda o: pv.option(o, key), allow_none=True, metadata={"type": "string", "nullable": True})


class PlatformOption(Schema):
    guid = _option_key("guid")
    label = _option_key("label")
    value = _option_key("value")


class PlatformImageOption(Schema):
    data_uri = _option_key("data_uri")
    guid = _option_key("guid")
    label = _option_key("label")
    value = _option_key("value")


class PlatformChallenge(Schema):
    field_name = text()
    guid = text()
    image_data = text()
    image_options = fields.List(fields.Nested(PlatformImageOption))
    label = text()
    options = fields.List(fields.Nested(PlatformOption))
    type = text()


class PlatformChallengeList(Schema):
    challenges = fields.List(fields.Nested(PlatformChallenge))
    pagination = fields.Nested(PlatformPagination)


class PlatformMemberStatus(Schema):
    aggregated_at = PlatformTime(allow_none=True, metadata={"type": "string"})
    challenges = fields.List(fields.Nested(PlatformChallenge))
    connection_status = fields.Function(pv.connection_status, metadata={"type": "string", "nullable": True})
    guid = text()
    has_processed_account_numbers = flag()
    has_processed_accounts = flag()
    has_processed_transactions = fields.Function(
        pv.has_processed_transactions, metadata={"type": "boolean", "nullable": True}
    )
    is_authenticated = fields.Function(pv.is_authenticated, metadata={"type": "boolean", "nullable": True})
    is_being_aggregated = flag()
    successfully_aggregated_at = PlatformTime(allow_none=True, metadata={"type": "string"})


class PlatformMemberStatusResponse(Schema):
    member = fields.Nested(PlatformMemberStatus)


class PlatformOAuthWindow(Schema):
    guid = text()
    oauth_window_uri = text()


class PlatformOAuthWindowResponse(Schema):
    member = fields.Nested(PlatformOAuthWindow)
