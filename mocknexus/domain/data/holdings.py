"""An investment account's holdings: a seeded handful of securities whose prices move day by day.

Prices follow a seeded walk per security and day (no market data), so a holding read twice on one day
agrees, and a week later it has moved. Holding types are MX's `holding_type` names.
"""

from __future__ import annotations

import hashlib
import math
import random
from dataclasses import dataclass
from datetime import date, datetime

from mocknexus.domain.core.ids import derived_guid
from mocknexus.domain.data.records import Ledger

# (symbol, description, holding_type, price on day 0)
SECURITIES = (
    ("VTI", "Vanguard Total Stock Market ETF", "EXCHANGE_TRADED_FUND", 221.0),
    ("VXUS", "Vanguard Total International Stock ETF", "EXCHANGE_TRADED_FUND", 57.0),
    ("BND", "Vanguard Total Bond Market ETF", "EXCHANGE_TRADED_FUND", 72.0),
    ("AAPL", "Apple Inc.", "EQUITY", 182.0),
    ("MSFT", "Microsoft Corporation", "EQUITY", 402.0),
    ("FXAIX", "Fidelity 500 Index Fund", "MUTUAL_FUND", 171.0),
    ("SWPPX", "Schwab S&P 500 Index Fund", "MUTUAL_FUND", 74.0),
    ("SPAXX", "Fidelity Government Money Market Fund", "MONEY_MARKET", 1.0),
)
_EPOCH = date(2020, 1, 1).toordinal()


@dataclass(frozen=True)
class Holding:
    guid: str
    account_guid: str
    user_guid: str
    symbol: str
    description: str
    holding_type: str
    quantity: float
    purchase_price: float
    current_price: float
    previous_price: float
    as_of: date
    created_at: datetime

    @property
    def market_value(self) -> float:
        return round(self.quantity * self.current_price, 2)

    @property
    def cost_basis(self) -> float:
        return round(self.quantity * self.purchase_price, 2)

    @property
    def daily_change(self) -> float:
        return round(self.current_price - self.previous_price, 2)


def price(symbol: str, base: float, day: date) -> float:
    """A seeded walk: about 6% a year of drift and a daily wiggle, never below a cent."""
    if base == 1.0:
        return 1.0  # a money market fund holds its dollar
    days = day.toordinal() - _EPOCH
    wiggle = int.from_bytes(hashlib.blake2b(f"{symbol}:{days}".encode(), digest_size=4).digest(), "big") / 2**32
    return max(0.01, round(base * math.exp(0.00016 * days + 0.03 * (wiggle - 0.5)), 2))


def holdings(seed: int, ledger: Ledger, user_guid: str, as_of: date) -> list[Holding]:
    if ledger.holdings is not None:
        return _declared(seed, ledger, user_guid, as_of)
    rng = random.Random(f"{seed}:{ledger.seed}:holdings")
    chosen = rng.sample(SECURITIES, rng.randint(3, 6))
    bought = date.fromisoformat(ledger.opened_on)
    found = []
    for symbol, description, kind, base in chosen:
        quantity = float(rng.randrange(5, 400)) if base > 1 else round(rng.uniform(200, 6000), 2)
        found.append(Holding(
            guid=derived_guid("HOL", str(seed), ledger.seed, symbol), account_guid=ledger.account_guid,
            user_guid=user_guid, symbol=symbol, description=description, holding_type=kind, quantity=quantity,
            purchase_price=price(symbol, base, bought), current_price=price(symbol, base, as_of),
            previous_price=price(symbol, base, date.fromordinal(as_of.toordinal() - 1)), as_of=as_of,
            created_at=ledger.anchor_at,
        ))  # fmt: skip
    return found


def _declared(seed: int, ledger: Ledger, user_guid: str, as_of: date) -> list[Holding]:
    """A declared account's holdings, exactly as declared (their prices do not move)."""
    return [
        Holding(
            guid=derived_guid("HOL", str(seed), ledger.seed, str(index), spec.symbol),
            account_guid=ledger.account_guid, user_guid=user_guid, symbol=spec.symbol, description=spec.description,
            holding_type=spec.holding_type, quantity=spec.quantity, purchase_price=spec.purchase_price,
            current_price=spec.current_price, previous_price=spec.previous_price, as_of=as_of,
            created_at=ledger.anchor_at,
        )
        for index, spec in enumerate(ledger.holdings or ())
    ]  # fmt: skip


def value(seed: int, ledger: Ledger, as_of: date) -> float:
    return round(sum(h.market_value for h in holdings(seed, ledger, "", as_of)), 2)
