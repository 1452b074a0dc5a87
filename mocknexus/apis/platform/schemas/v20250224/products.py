"""v20250224's products: what `data_request.products` asks a new member to aggregate, what an institution's
`supported_products` lists and what `GET /institutions?supported_products=` filters by (MX's SupportedProducts;
the domain's mapping is domain/platform/products.py)."""

from __future__ import annotations

from marshmallow import fields, validate

from mocknexus.domain.platform.products import FILTER_ALIASES, PRODUCTS
from mocknexus.schemas.common import RequestSchema, StrictString

# MX's query parameter lists `history` where its SupportedProducts schema says `transaction_history` (an
# inconsistency inside MX's v20250224 document): the filter takes both, as the v3 Node SDK sends `history`.
FILTER_VALUES = (*PRODUCTS, *FILTER_ALIASES)


class DataRequest(RequestSchema):
    """MX's DataRequest: `{"products": [...]}`, the products required."""

    products = fields.List(
        StrictString(validate=validate.OneOf(PRODUCTS), max_length=64),
        required=True,
        validate=validate.Length(max=len(PRODUCTS)),
    )
