"""Institutions in v20250224: `supported_products` (a filter and a field) replaces the four `supports_*`
flags, and an institution carries its `guid`, `created_at` and `is_hidden` (MX's InstitutionResponse)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from mocknexus.apis.platform.schemas.common import PlatformPageQuery, PlatformPagination, PlatformTime
from mocknexus.apis.platform.schemas.institutions import PlatformInstitution
from mocknexus.apis.platform.schemas.v20250224.products import FILTER_VALUES
from mocknexus.domain.platform.products import supported_products
from mocknexus.schemas.common import StrictString

# v20250224 narrows `iso_country_code` to MX's two countries (the query and the field).
COUNTRIES = ("US", "CA")


class InstitutionQueryV20250224(PlatformPageQuery):
    name = StrictString(load_default=None, max_length=255)
    iso_country_code = fields.List(fields.String(validate=validate.OneOf(COUNTRIES)), load_default=None)
    # Repeated (`supported_products=a&supported_products=b`, as the v3 Node SDK sends it) or `supported_products[]`.
    supported_products = fields.List(fields.String(validate=validate.OneOf(FILTER_VALUES)), load_default=None)


class InstitutionV20250224(PlatformInstitution):
    class Meta:
        exclude = (
            "supports_account_identification",
            "supports_account_statement",
            "supports_account_verification",
            "supports_transaction_history",
        )

    guid = fields.String()
    created_at = PlatformTime(metadata={"type": "string"})
    is_hidden = fields.Boolean()
    iso_country_code = fields.Function(
        lambda i: next((c for c in i.iso_country_code if c in COUNTRIES), "US"),
        metadata={"type": "string", "enum": list(COUNTRIES)},
    )
    supported_products = fields.Function(supported_products, metadata={"type": "array", "items": {"type": "string"}})


class InstitutionResponseV20250224(Schema):
    institution = fields.Nested(InstitutionV20250224)


class InstitutionListV20250224(Schema):
    institutions = fields.List(fields.Nested(InstitutionV20250224))
    pagination = fields.Nested(PlatformPagination)
