"""Investment holdings and statements in v20250224: MX's InvestmentHoldingResponse and StatementResponse,
whose `account_guid` is never null there (v20111101's keys otherwise). Categories and merchants keep
v20111101's shapes (schemas/transactions.py, schemas/holdings.py)."""

from __future__ import annotations

from marshmallow import Schema, fields

from mocknexus.apis.platform.schemas.common import PlatformPagination
from mocknexus.apis.platform.schemas.holdings import PlatformHolding, PlatformStatement


class HoldingV20250224(PlatformHolding):
    account_guid = fields.String()


class HoldingListV20250224(Schema):
    investment_holdings = fields.List(fields.Nested(HoldingV20250224))
    pagination = fields.Nested(PlatformPagination)


class HoldingResponseV20250224(Schema):
    investment_holding = fields.Nested(HoldingV20250224)


class StatementV20250224(PlatformStatement):
    account_guid = fields.String()


class StatementListV20250224(Schema):
    statements = fields.List(fields.Nested(StatementV20250224))
    pagination = fields.Nested(PlatformPagination)


class StatementResponseV20250224(Schema):
    statement = fields.Nested(StatementV20250224)
