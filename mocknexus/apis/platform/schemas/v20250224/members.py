"""Members in v20250224: create and update lose `skip_aggregation`, create takes `data_request.products`
beside the member (domain/platform/products.py says what they start), `most_recent_job_guid` is the job's
guid (a string; v20111101's document typed it boolean), `connection_status` is one of MX's enum, and a
create whose products failed answers 201 with the member's `error` (MX's PR #179)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from mocknexus.apis.platform.schemas.common import NotEmpty, PlatformPagination
from mocknexus.apis.platform.schemas.members import (
    USE_CASES,
    PlatformCredentialValue,
    PlatformMember,
    PlatformMemberStatus,
)
from mocknexus.apis.platform.schemas.v20250224.products import DataRequest
from mocknexus.domain.core.statuses import ConnectionStatus
from mocknexus.domain.platform import platform_view as pv
from mocknexus.schemas.common import RequestSchema, StrictBoolean, StrictString
from mocknexus.schemas.oauth import OAuthCreateOptions

_use_case = StrictString(validate=validate.OneOf(USE_CASES))
_credentials = fields.List(fields.Nested(PlatformCredentialValue), validate=validate.Length(max=20))


class MemberCreateFieldsV20250224(RequestSchema):
    institution_code = StrictString(required=True, max_length=255)
    credentials = fields.List(
        fields.Nested(PlatformCredentialValue), required=True, validate=validate.Length(max=20)
    )  # an OAuth member sends [] (MX's SDKs require the key)
    id = StrictString(load_default=None, max_length=255)
    metadata = StrictString(load_default=None, max_length=8192)
    is_oauth = StrictBoolean(load_default=False)
    background_aggregation_is_disabled = StrictBoolean(load_default=False)
    use_cases = fields.List(_use_case, load_default=None, validate=validate.Length(max=2))


class MemberCreateRequestV20250224(OAuthCreateOptions):
    """MX's MemberCreateRequestBody: the member, `data_request` and the OAuth options beside it."""

    member = fields.Nested(MemberCreateFieldsV20250224, required=True)
    data_request = fields.Nested(DataRequest, load_default=None)


class MemberUpdateFieldsV20250224(NotEmpty):
    credentials = _credentials
    id = StrictString(max_length=255)
    metadata = StrictString(max_length=8192)
    background_aggregation_is_disabled = StrictBoolean()
    use_cases = fields.List(_use_case, validate=validate.Length(max=2))


class MemberUpdateRequestV20250224(RequestSchema):
    member = fields.Nested(MemberUpdateFieldsV20250224, required=True)


_STATUS = {"type": "string", "nullable": True, "enum": [*ConnectionStatus.names(), None]}


class MemberV20250224(PlatformMember):
    connection_status = fields.Function(pv.connection_status, metadata=_STATUS)
    most_recent_job_guid = fields.String(allow_none=True)


class MemberError(Schema):
    """The `error` a 201 member carries: the keys of MX's member `error` example (error_type, error_code,
    error_message, user_message, locale)."""

    error_type = fields.String()
    error_code = fields.Integer(allow_none=True)
    error_message = fields.String()
    user_message = fields.String()
    locale = fields.String()


class CreatedMemberV20250224(MemberV20250224):
    error = fields.Nested(MemberError, allow_none=True)


class MemberResponseV20250224(Schema):
    member = fields.Nested(MemberV20250224)


class CreatedMemberResponseV20250224(Schema):
    member = fields.Nested(CreatedMemberV20250224)


class MemberListV20250224(Schema):
    members = fields.List(fields.Nested(MemberV20250224))
    pagination = fields.Nested(PlatformPagination)


class MemberStatusV20250224(PlatformMemberStatus):
    connection_status = fields.Function(pv.connection_status, metadata=_STATUS)


class MemberStatusResponseV20250224(Schema):
    member = fields.Nested(MemberStatusV20250224)
