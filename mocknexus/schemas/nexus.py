"""Nexus API bodies (media type application/vnd.mx.nexus.v1+json)."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, post_dump, validate

from mocknexus.domain.catalog import CHALLENGE_TYPES
from mocknexus.domain.statuses import ConnectionStatus
from mocknexus.schemas.common import (
    MXDateTime,
    PageQuery,
    PaginationSchema,
    RequestSchema,
    Rooted,
    StrictBoolean,
    StrictString,
)

# ---- requests -------------------------------------------------------------------------------------------


class SessionFields(RequestSchema):
    # Real clients send the api_token in an MD-API-TOKEN header; the body form is accepted too (INFERRED).
    api_token = StrictString(load_default=None)
    skip_aggregation = StrictBoolean(load_default=False)


class SessionCreateRequest(Rooted):
    root = "session"
    session = fields.Nested(SessionFields, required=True)


class InstitutionSearchFields(RequestSchema):
    name = StrictString(load_default=None, allow_none=True)
    url = StrictString(load_default=None, allow_none=True)


class InstitutionSearchRequest(RequestSchema):
    institution = fields.Nested(InstitutionSearchFields, required=True)


class InstitutionSearchQuery(PageQuery):
    iso_country_code = fields.List(fields.String(validate=validate.OneOf(["US", "CA", "MX"])), load_default=None)


class CredentialValue(RequestSchema):
    guid = StrictString(required=True, max_length=64)
    value = StrictString(required=True, max_length=1024)


class MemberCreateFields(RequestSchema):
    institution_guid = StrictString(required=True, max_length=64)
    credentials = fields.List(fields.Nested(CredentialValue), required=True, validate=validate.Length(max=20))
    skip_aggregation = StrictBoolean(load_default=False)
    background_aggregation_is_disabled = StrictBoolean(load_default=False)
    is_oauth = StrictBoolean(load_default=False)
    name = StrictString(load_default=None, allow_none=True, max_length=255)
    metadata = StrictString(load_default=None, allow_none=True, max_length=8192)
    external_guid = StrictString(load_default=None, allow_none=True, max_length=255)


class MemberCreateRequest(Rooted):
    root = "member"
    member = fields.Nested(MemberCreateFields, required=True)


class ChallengeAnswer(RequestSchema):
    guid = StrictString(required=True, max_length=64)
    value = StrictString(required=True, max_length=1024)


class MemberUpdateFields(RequestSchema):
    credentials = fields.List(fields.Nested(CredentialValue), load_default=None, validate=validate.Length(max=20))
    challenges = fields.List(fields.Nested(ChallengeAnswer), load_default=None, validate=validate.Length(max=20))
    skip_aggregation = StrictBoolean(load_default=False)
    background_aggregation_is_disabled = StrictBoolean(load_default=None)
    name = StrictString(load_default=None, max_length=255)
    metadata = StrictString(load_default=None, max_length=8192)
    external_guid = StrictString(load_default=None, max_length=255)


class MemberUpdateRequest(Rooted):
    root = "member"
    member = fields.Nested(MemberUpdateFields, required=True)


class ResumeFields(RequestSchema):
    challenges = fields.List(fields.Nested(ChallengeAnswer), required=True, validate=validate.Length(min=1, max=20))


class ResumeRequest(Rooted):
    root = "member"
    member = fields.Nested(ResumeFields, required=True)


class VerifyRequest(RequestSchema):
    include_transactions = StrictBoolean(load_default=False)


# ---- responses ------------------------------------------------------------------------------------------


class SessionSchema(Schema):
    token = fields.String()


class SessionResponse(Schema):
    session = fields.Nested(SessionSchema)


class NexusUserSchema(Schema):
    guid = fields.String()
    external_guid = fields.String(attribute="id")
    email = fields.String(allow_none=True)
    first_name = fields.String(allow_none=True)
    last_name = fields.String(allow_none=True)
    is_disabled = fields.Boolean()
    logged_in_at = MXDateTime(allow_none=True)
    metadata = fields.String(allow_none=True)
    revision = fields.Integer()


class NexusUserResponse(Schema):
    user = fields.Nested(NexusUserSchema)


class InstitutionSchema(Schema):
    code = fields.String()
    created_at = MXDateTime()
    guid = fields.String()
    forgot_password_url = fields.String(allow_none=True)
    forgot_username_url = fields.String(allow_none=True)
    is_disabled_by_client = fields.Boolean()
    is_hidden = fields.Boolean()
    is_test = fields.Boolean()
    iso_country_code = fields.List(fields.String())
    medium_logo_url = fields.String(allow_none=True)
    name = fields.String()
    popularity = fields.Integer()
    small_logo_url = fields.String(allow_none=True)
    supports_account_identification = fields.Boolean()
    supports_account_verification = fields.Boolean()
    supports_oauth = fields.Boolean()
    supports_transaction_history = fields.Boolean()
    trouble_signing_in_url = fields.String(allow_none=True)
    updated_at = MXDateTime()
    url = fields.String()


class InstitutionResponse(Schema):
    institution = fields.Nested(InstitutionSchema)


class InstitutionListResponse(Schema):
    institutions = fields.List(fields.Nested(InstitutionSchema))
    pagination = fields.Nested(PaginationSchema)


def _drop_empty(data: dict, keys: tuple[str, ...]) -> dict:
    """MX sends type-specific fields (options, image_data, ...) only where they apply."""
    for key in keys:
        if not data.get(key):
            data.pop(key, None)
    return data


class CredentialSchema(Schema):
    display_order = fields.Integer()
    field_name = fields.String()
    guid = fields.String()
    label = fields.String()
    type = fields.String()
    options = fields.List(fields.Dict())

    @post_dump
    def _only_applicable(self, data: dict, **kwargs: Any) -> dict:
        return _drop_empty(data, ("options",))


class CredentialListResponse(Schema):
    credentials = fields.List(fields.Nested(CredentialSchema))


class MemberSchema(Schema):
    aggregated_at = MXDateTime(allow_none=True)
    background_aggregation_is_disabled = fields.Boolean()
    connection_status = fields.Function(
        lambda m: m.connection_status.name, metadata={"type": "string", "enum": ConnectionStatus.names()}
    )
    connection_status_id = fields.Function(lambda m: m.connection_status.id, metadata={"type": "integer"})
    connection_status_message = fields.Function(
        lambda m: m.connection_status.message_for(m.name), metadata={"type": "string"}
    )
    external_guid = fields.String(allow_none=True)
    guid = fields.String()
    institution_code = fields.String()
    institution_guid = fields.String()
    is_being_aggregated = fields.Boolean()
    is_managed_by_user = fields.Boolean()
    is_oauth = fields.Boolean()
    is_user_created = fields.Boolean()
    metadata = fields.String(allow_none=True)
    most_recent_job_guid = fields.String(allow_none=True)
    name = fields.String()
    successfully_aggregated_at = MXDateTime(allow_none=True)
    use_cases = fields.List(fields.String())
    user_guid = fields.String()


class MemberResponse(Schema):
    member = fields.Nested(MemberSchema)


class MemberListResponse(Schema):
    members = fields.List(fields.Nested(MemberSchema))
    pagination = fields.Nested(PaginationSchema)


class ChallengeSchema(Schema):
    field_name = fields.String()
    guid = fields.String()
    label = fields.String()
    type = fields.String(validate=validate.OneOf(CHALLENGE_TYPES))
    options = fields.List(fields.Dict())
    image_data = fields.String(allow_none=True)
    image_options = fields.List(fields.Dict())

    @post_dump
    def _only_applicable(self, data: dict, **kwargs: Any) -> dict:
        return _drop_empty(data, ("options", "image_data", "image_options"))


class ChallengeListResponse(Schema):
    challenges = fields.List(fields.Nested(ChallengeSchema))


class AccountNumberSchema(Schema):
    account_guid = fields.String(attribute="guid")
    account_number = fields.String()
    institution_number = fields.String(allow_none=True)
    member_guid = fields.String()
    passed_validation = fields.Boolean()
    routing_number = fields.String()
    transit_number = fields.String(allow_none=True)
    user_guid = fields.String()


class AccountNumberListResponse(Schema):
    account_numbers = fields.List(fields.Nested(AccountNumberSchema))


class AccountSchema(Schema):
    guid = fields.String()
    member_guid = fields.String()
    user_guid = fields.String()
    name = fields.String()
    account_type_name = fields.String(attribute="type")
    account_subtype_name = fields.String(attribute="subtype", allow_none=True)
    balance = fields.Float()
    available_balance = fields.Float()
    currency_code = fields.String()
    # Masked as MX masks it on account reads; the full number comes from the account_numbers endpoints.
    account_number = fields.Function(lambda a: a.account_number[-4:], metadata={"type": "string"})
    created_at = MXDateTime()
    updated_at = MXDateTime()


class AccountResponse(Schema):
    account = fields.Nested(AccountSchema)


class AccountListResponse(Schema):
    accounts = fields.List(fields.Nested(AccountSchema))
    pagination = fields.Nested(PaginationSchema)
