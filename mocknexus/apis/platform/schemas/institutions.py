"""Institutions (by code) and the credentials they require: MX's InstitutionResponse, CredentialResponse."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from mocknexus.apis.platform.schemas.common import PlatformPageQuery, PlatformPagination, flag, nulls, text, whole
from mocknexus.schemas.common import StrictString

_COUNTRIES = validate.OneOf(["US", "CA", "MX"])


class PlatformInstitutionQuery(PlatformPageQuery):
    name = StrictString(load_default=None, max_length=255)
    # MX's SDKs send the array as `iso_country_code=US` (repeated); `iso_country_code[]` is the same list.
    iso_country_code = fields.List(fields.String(validate=_COUNTRIES), load_default=None)
    supports_account_identification = fields.Boolean(load_default=None)
    supports_account_statement = fields.Boolean(load_default=None)
    supports_account_verification = fields.Boolean(load_default=None)
    supports_transaction_history = fields.Boolean(load_default=None)


class PlatformFavoritesQuery(PlatformPageQuery):
    iso_country_code = fields.List(fields.String(validate=_COUNTRIES), load_default=None)


class PlatformInstitution(Schema):
    code = text()
    forgot_password_url = text()
    forgot_username_url = text()
    # MX's document: a string (not nullable), the institution's country. mocknexus's fixtures list countries.
    iso_country_code = fields.Function(
        lambda i: i.iso_country_code[0] if i.iso_country_code else "US", metadata={"type": "string"}
    )
    is_disabled_by_client = flag()
    medium_logo_url = text()
    name = text()
    small_logo_url = text()
    supports_account_identification = flag()
    supports_account_statement = fields.Function(lambda i: False, metadata={"type": "boolean", "nullable": True})
    supports_account_verification = flag()
    supports_oauth = flag()
    supports_tax_document = fields.Function(lambda i: False, metadata={"type": "boolean", "nullable": True})
    supports_transaction_history = flag()
    trouble_signing_in_url = text()
    url = text()
    locals().update(nulls("instructional_text", "string"))
    instructional_text_steps = fields.Function(
        lambda i: None, allow_none=True, metadata={"type": "array", "items": {"type": "string"}, "nullable": True}
    )


class PlatformInstitutionResponse(Schema):
    institution = fields.Nested(PlatformInstitution)


class PlatformInstitutionList(Schema):
    institutions = fields.List(fields.Nested(PlatformInstitution))
    pagination = fields.Nested(PlatformPagination)


class PlatformCredential(Schema):
    """MX's example: `{"display_order": 1, "field_name": "LOGIN", "field_type": "TEXT", "guid": "CRD-...",
    "label": "Username", "type": "TEXT"}`; the domain's LOGIN/PASSWORD kinds are text and password inputs."""

    display_order = whole()
    field_name = text()
    field_type = fields.Function(lambda c: _INPUT_TYPES.get(c.type, c.type), metadata={"type": "string"})
    guid = text()
    label = text()
    type = fields.Function(lambda c: _INPUT_TYPES.get(c.type, c.type), metadata={"type": "string"})


# The domain's credential kinds (Nexus field_type_name) as the Platform API's input types (INFERRED from
# MX's examples, where a username is TEXT and a password PASSWORD).
_INPUT_TYPES = {"LOGIN": "TEXT"}


class PlatformCredentialList(Schema):
    credentials = fields.List(fields.Nested(PlatformCredential))
    pagination = fields.Nested(PlatformPagination)
