"""Nexus API bodies for connecting a member (media type application/vnd.mx.nexus.v1+json): sessions, users,
institutions and their credentials, members, their challenges and jobs.

Responses carry every key either generation of MX's documentation gives them; `only_in(G21)` / `only_in(V1)`
marks a key only one has, and `schemas.dialects.view` derives each dialect from these declarations.
"""

from __future__ import annotations

from typing import Any, ClassVar

from marshmallow import Schema, ValidationError, fields, post_dump, pre_load, validate, validates_schema

from mocknexus.domain.catalog.catalog import CHALLENGE_TYPES
from mocknexus.domain.core.statuses import ConnectionStatus
from mocknexus.schemas.common import (
    PageQuery,
    PaginationSchema,
    RequestSchema,
    Rooted,
    StrictBoolean,
    StrictString,
)
from mocknexus.schemas.dialects import G21, V1, Timestamp, only_in
from mocknexus.schemas.oauth import OAuthCreateOptions

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
    # V1's filters: true keeps only the institutions that support it; false or absent does not filter.
    supports_account_identification = StrictBoolean(load_default=None, allow_none=True)
    supports_account_verification = StrictBoolean(load_default=None, allow_none=True)
    supports_transaction_history = StrictBoolean(load_default=None, allow_none=True)
    account_types = fields.Raw(load_default=None, metadata={"description": "deprecated by MX; accepted, ignored"})

    # apis/nexus/views.py's rule, for the OpenAPI document: a name, a url, or a support filter set to true.
    openapi_rules: ClassVar[dict] = {
        "anyOf": [
            *({"required": [key], "properties": {key: {"type": "string"}}} for key in ("name", "url")),
            *(
                {"required": [flag], "properties": {flag: {"type": "boolean", "enum": [True]}}}
                for flag in (
                    "supports_account_identification",
                    "supports_account_verification",
                    "supports_transaction_history",
                )
            ),
        ]
    }


class InstitutionSearchRequest(Rooted):
    root = "institution"
    institution = fields.Nested(InstitutionSearchFields, required=True)


class InstitutionSearchQuery(PageQuery):
    iso_country_code = fields.List(fields.String(validate=validate.OneOf(["US", "CA", "MX"])), load_default=None)


class CredentialValue(RequestSchema):
    """A credential value, keyed by `guid` (V1) or `credential_guid` (G21)."""

    guid = StrictString(required=True, max_length=64)
    value = StrictString(required=True, max_length=1024)

    @pre_load
    def _g21_key(self, data: Any, **kwargs: Any) -> Any:
        if isinstance(data, dict) and "guid" not in data and "credential_guid" in data:
            data = {**data, "guid": data["credential_guid"]}
        return data


class MemberCreateFields(RequestSchema):
    institution_guid = StrictString(required=True, max_length=64)
    # Required, except for an OAuth member (MX: created without credentials; its SDKs send []).
    credentials = fields.List(fields.Nested(CredentialValue), load_default=None, validate=validate.Length(max=20))
    skip_aggregation = StrictBoolean(load_default=False)
    background_aggregation_is_disabled = StrictBoolean(load_default=False)
    is_oauth = StrictBoolean(load_default=False)
    name = StrictString(load_default=None, allow_none=True, max_length=255)
    metadata = StrictString(load_default=None, allow_none=True, max_length=8192)
    external_guid = StrictString(load_default=None, allow_none=True, max_length=255)

    @validates_schema
    def _credentials_unless_oauth(self, data: dict, **kwargs: Any) -> None:
        if data.get("credentials") is None and not data.get("is_oauth"):
            raise ValidationError("Missing data for required field.", "credentials")

    # The same rule, for the OpenAPI document (web/openapi.py merges `openapi_rules`).
    openapi_rules: ClassVar[dict] = {
        "anyOf": [
            {"required": ["credentials"], "properties": {"credentials": {"type": "array"}}},
            {"required": ["is_oauth"], "properties": {"is_oauth": {"type": "boolean", "enum": [True]}}},
        ]
    }


class MemberCreateRequest(Rooted, OAuthCreateOptions):
    """`{"member": {...}}`, and beside it the OAuth options (referral_source, client_redirect_url, ...)."""

    root = "member"
    member = fields.Nested(MemberCreateFields, required=True)


class ChallengeAnswer(CredentialValue):
    """An MFA answer: `{guid, value}`; G21 clients send `credential_guid` here as well."""


class MemberUpdateFields(RequestSchema):
    # G21 answers MFA here: credentials keyed by the challenges' guids (the domain tells them apart).
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


class JobRequest(RequestSchema):
    """Verify and identify: `{"include_transactions": bool}` (mocknexus generates no transactions)."""

    include_transactions = StrictBoolean(load_default=False)


VerifyRequest = JobRequest


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
    logged_in_at = Timestamp(allow_none=True)
    metadata = fields.String(allow_none=True)
    revision = fields.Integer()


class NexusUserResponse(Schema):
    user = fields.Nested(NexusUserSchema)


def _has(kind: str) -> fields.Function:
    return fields.Function(lambda i: kind in i.account_types, metadata={"type": "boolean", "deprecated": True})


class InstitutionSchema(Schema):
    code = fields.String(metadata=only_in(V1))
    created_at = Timestamp()
    guid = fields.String()
    forgot_password_url = fields.String(allow_none=True, metadata=only_in(V1))
    forgot_username_url = fields.String(allow_none=True, metadata=only_in(V1))
    has_checking_accounts = _has("CHECKING")
    has_credit_card_accounts = _has("CREDIT_CARD")
    has_investment_accounts = _has("INVESTMENT")
    has_line_of_credit_accounts = _has("LINE_OF_CREDIT")
    has_loan_accounts = _has("LOAN")
    has_mortgage_accounts = _has("MORTGAGE")
    has_savings_accounts = _has("SAVINGS")
    is_disabled_by_client = fields.Boolean(metadata=only_in(V1))
    is_hidden = fields.Boolean()
    is_test = fields.Boolean(metadata=only_in(V1))
    iso_country_code = fields.List(fields.String(), metadata=only_in(V1))
    medium_logo_url = fields.String(allow_none=True, metadata=only_in(V1))
    name = fields.String()
    popularity = fields.Integer()
    small_logo_url = fields.String(allow_none=True, metadata=only_in(V1))
    supports_account_identification = fields.Boolean()
    supports_account_verification = fields.Boolean()
    supports_oauth = fields.Boolean(metadata=only_in(V1))
    supports_transaction_history = fields.Boolean(metadata=only_in(V1))
    trouble_signing_in_url = fields.String(allow_none=True, metadata=only_in(V1))
    updated_at = Timestamp()
    url = fields.String()


class InstitutionResponse(Schema):
    institution = fields.Nested(InstitutionSchema)


class PaginationDataSchema(Schema):
    """G21's pagination block (the guide's institution search)."""

    total_records_found = fields.Integer(attribute="total_entries")
    total_pages = fields.Integer()
    current_page = fields.Integer()
    records_on_current_page = fields.Integer()


class InstitutionListResponse(Schema):
    pagination_data = fields.Nested(PaginationDataSchema, metadata=only_in(G21))
    institutions = fields.List(fields.Nested(InstitutionSchema))
    pagination = fields.Nested(PaginationSchema, metadata=only_in(V1))


def _drop_empty(data: dict, keys: tuple[str, ...]) -> dict:
    """MX sends type-specific fields (options, image_data, ...) only where they apply."""
    for key in keys:
        if not data.get(key):
            data.pop(key, None)
    return data


class CredentialSchema(Schema):
    """MX's credential object, every key of its MX Bank example (`options` only in G21's)."""

    field_type_name = fields.String(attribute="type")
    answer_field_type = fields.Integer(allow_none=True)
    created_at = Timestamp(allow_none=True)
    display_name = fields.String(allow_none=True)
    display_order = fields.Integer()
    editable = fields.Boolean()
    escaped = fields.Boolean(allow_none=True)
    field_name = fields.String()
    field_type = fields.Integer()
    guid = fields.String()
    institution_guid = fields.String()
    label = fields.String()
    max_length = fields.Integer(allow_none=True)
    meta_data = fields.String(allow_none=True)
    mfa = fields.Boolean()
    optional = fields.Boolean()
    optional_mfa = fields.Boolean(allow_none=True)
    size = fields.Integer(allow_none=True)
    updated_at = Timestamp(allow_none=True)
    value_identifier = fields.String(allow_none=True)
    value_mask = fields.String(allow_none=True)
    options = fields.List(fields.Dict(), metadata=only_in(G21))
    # mocknexus's earlier key (= field_type_name), documented by neither generation: union only.
    type = fields.Function(lambda c: c.type, metadata=only_in(type="string"))


class CredentialListResponse(Schema):
    credentials = fields.List(fields.Nested(CredentialSchema))


class MemberSchema(Schema):
    aggregated_at = Timestamp(allow_none=True)
    background_aggregation_is_disabled = fields.Boolean(metadata=only_in(V1))
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
    is_manual = fields.Function(lambda m: False, metadata=only_in(G21, type="boolean"))
    is_oauth = fields.Boolean()
    is_user_created = fields.Boolean()
    metadata = fields.String(allow_none=True)
    most_recent_job_guid = fields.String(allow_none=True)
    name = fields.String()
    needs_updated_credentials = fields.Function(
        lambda m: m.connection_status.needs_updated_credentials, metadata=only_in(G21, type="boolean")
    )
    revision = fields.Integer(metadata=only_in(G21))
    successfully_aggregated_at = Timestamp(allow_none=True)
    use_cases = fields.List(fields.String(), metadata=only_in(V1))
    user_guid = fields.String()


class MemberResponse(Schema):
    member = fields.Nested(MemberSchema)


class OAuthMemberSchema(MemberSchema):
    oauth_window_uri = fields.String()  # a member created with is_oauth: its one-time consent page


class OAuthMemberResponse(Schema):
    member = fields.Nested(OAuthMemberSchema)


class MemberListResponse(Schema):
    members = fields.List(fields.Nested(MemberSchema))
    pagination = fields.Nested(PaginationSchema, metadata=only_in(V1))  # 2021 clients read `members` only


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
