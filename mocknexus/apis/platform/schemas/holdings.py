"""Investment holdings, statements and merchants: MX's InvestmentHoldingResponse, StatementResponse and
MerchantResponse. A holding's keys for options, bonds and vesting are null (mocknexus's holdings are funds
and equities)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from mocknexus.apis.platform.schemas.common import (
    PlatformPageQuery,
    PlatformPagination,
    PlatformTime,
    amount,
    nulls,
    text,
)
from mocknexus.schemas.common import StrictString
from mocknexus.schemas.fastdump import constant


class PlatformHolding(Schema):
    """A `holdings.Holding`."""

    account_guid = text()
    cost_basis = amount()
    currency_code = fields.Function(lambda _: "USD", metadata={"type": "string", "nullable": True})
    current_price = amount()
    current_price_as_of = fields.Function(
        lambda h: h.as_of.isoformat() + "T00:00:00Z", metadata={"type": "string", "nullable": True}
    )
    daily_change = amount()
    description = text()
    guid = text()
    holding_type = text()
    market_value = amount()
    percentage_change = fields.Function(
        lambda h: round(100 * (h.current_price - h.previous_price) / h.previous_price, 2) if h.previous_price else 0.0,
        metadata={"type": "number", "nullable": True},
    )
    purchase_price = amount()
    quantity = fields.Function(lambda h: str(h.quantity), metadata={"type": "string", "nullable": True})
    symbol = text()
    today_ugl_amount = fields.Function(
        lambda h: round(h.quantity * (h.current_price - h.previous_price), 2),
        metadata={"type": "number", "nullable": True},
    )
    today_ugl_percentage = fields.Function(
        lambda h: round(100 * (h.current_price / h.previous_price - 1), 2) if h.previous_price else 0.0,
        metadata={"type": "number", "nullable": True},
    )
    total_ugl_amount = fields.Function(
        lambda h: round(h.market_value - h.cost_basis, 2), metadata={"type": "number", "nullable": True}
    )
    total_ugl_percentage = fields.Function(
        lambda h: round(100 * (h.market_value / h.cost_basis - 1), 2) if h.cost_basis else 0.0,
        metadata={"type": "number", "nullable": True},
    )
    user_guid = text()
    created_at = PlatformTime(metadata={"type": "string", "nullable": True})
    issue_date = fields.Function(constant(None), allow_none=True, metadata={"type": "string", "nullable": True})
    locals().update(nulls("coupon_yield expiration frequency maturity_date term vesting_start_date "
                          "vesting_end_date put_or_call term_unit", "string"))  # fmt: skip
    locals().update(nulls("face_value rate strike_price unvested_quantity unvested_value vested_quantity "
                          "vested_value", "number"))  # fmt: skip


class PlatformHoldingList(Schema):
    investment_holdings = fields.List(fields.Nested(PlatformHolding))
    pagination = fields.Nested(PlatformPagination)


class PlatformHoldingResponse(Schema):
    investment_holding = fields.Nested(PlatformHolding)


class PlatformStatement(Schema):
    """A `statements.Statement` (its PDF's hash and URI are the handler's: `content_hash`, `uri`)."""

    account_guid = text()
    content_hash = text()
    created_at = PlatformTime(metadata={"type": "string", "nullable": True})
    guid = text()
    member_guid = text()
    updated_at = PlatformTime(metadata={"type": "string", "nullable": True})
    uri = text()
    user_guid = text()


class PlatformStatementList(Schema):
    statements = fields.List(fields.Nested(PlatformStatement))
    pagination = fields.Nested(PlatformPagination)


class PlatformStatementResponse(Schema):
    statement = fields.Nested(PlatformStatement)


class PlatformMerchant(Schema):
    guid = text()
    name = text()
    logo_url = text()
    website_url = text(attribute="website")
    # Merchants are MX's catalog, not a partner's records: mocknexus's have no history of their own.
    locals().update(nulls("created_at updated_at", "string"))


class MerchantQuery(PlatformPageQuery):
    name = StrictString(load_default=None, validate=validate.Length(max=255))


class PlatformMerchantList(Schema):
    merchants = fields.List(fields.Nested(PlatformMerchant))
    pagination = fields.Nested(PlatformPagination)


class PlatformMerchantResponse(Schema):
    merchant = fields.Nested(PlatformMerchant)
