"""The merchants generated transactions are made at: MX's merchant fields (name, website, logo), the
category MX would give the purchase, what the bank's feed calls it, and what a purchase there costs.

Comcast's guid is the one MX's document shows; the others are mocknexus's own (stable, derived from the
name: MX assigns merchant guids itself and publishes no list).
"""

from __future__ import annotations

from dataclasses import dataclass

from mocknexus.domain.core.ids import derived_guid
from mocknexus.domain.data import categories as c


@dataclass(frozen=True)
class Merchant:
    name: str
    website: str
    category_guid: str
    feed_name: str  # the bank feed's original_description
    low: float  # what one purchase costs, low .. high
    high: float
    tips: bool = False  # a card purchase whose posted amount adds a tip to the pending one (restaurants)
    guid: str = ""

    @property
    def logo_url(self) -> str:
        return f"https://content.mx.com/logos/merchants/{self.guid}.png"


def _m(name: str, website: str, category: str, feed: str, low: float, high: float, tips: bool = False,
       guid: str | None = None) -> Merchant:  # fmt: skip
    return Merchant(name, website, category, feed, low, high, tips, guid or derived_guid("MCH", "merchant", name))


# Everyday card purchases, drawn at random on each day.
SPENDING: tuple[Merchant, ...] = (
    _m("Kroger", "https://www.kroger.com", c.FOOD, "KROGER #0{n} {city}", 18, 160),
    _m("Safeway", "https://www.safeway.com", c.FOOD, "SAFEWAY STORE {n}", 15, 140),
    _m("Trader Joe's", "https://www.traderjoes.com", c.FOOD, "TRADER JOE S #{n}", 12, 110),
    _m("Starbucks", "https://www.starbucks.com", c.FOOD, "STARBUCKS STORE {n}", 3.5, 14),
    _m("Chipotle", "https://www.chipotle.com", c.FOOD, "CHIPOTLE {n}", 9, 32, tips=True),
    _m("Olive Garden", "https://www.olivegarden.com", c.FOOD, "OLIVE GARDEN {n}", 28, 95, tips=True),
    _m("McDonald's", "https://www.mcdonalds.com", c.FOOD, "MCDONALD'S F{n}", 5, 18),
    _m("Shell", "https://www.shell.us", c.GAS, "SHELL OIL {n}", 25, 70),
    _m("Chevron", "https://www.chevron.com", c.GAS, "CHEVRON {n}", 22, 75),
    _m("Amazon", "https://www.amazon.com", c.SHOPPING, "AMAZON.COM*{code}", 8, 180),
    _m("Target", "https://www.target.com", c.SHOPPING, "TARGET T-{n}", 10, 150),
    _m("Walmart", "https://www.walmart.com", c.SHOPPING, "WAL-MART #{n}", 9, 140),
    _m("The Home Depot", "https://www.homedepot.com", c.HOME_IMPROVEMENT, "THE HOME DEPOT #{n}", 12, 260),
    _m("Netflix", "https://www.netflix.com", c.ENTERTAINMENT, "NETFLIX.COM", 15.49, 15.49),
    _m("AMC Theatres", "https://www.amctheatres.com", c.ENTERTAINMENT, "AMC {n} ONLINE", 12, 48),
    _m("CVS Pharmacy", "https://www.cvs.com", c.HEALTH, "CVS/PHARMACY #{n}", 6, 65),
    _m("Uber", "https://www.uber.com", c.PUBLIC_TRANSPORTATION, "UBER *TRIP {code}", 8, 46, tips=True),
    _m("ParkMobile", "https://parkmobile.io", c.PARKING, "PARKMOBILE {n}", 2, 18),
    _m("Petco", "https://www.petco.com", c.PETS, "PETCO {n}", 12, 90),
    _m("Delta Air Lines", "https://www.delta.com", c.TRAVEL, "DELTA AIR {code}", 140, 620),
)

# Monthly bills and the other recurring counterparties.
COMCAST = _m("Comcast", "https://www.xfinity.com", c.INTERNET, "COMCAST CABLE COMM", 79.99, 89.99,
             guid="MCH-7ed79542-884d-2b1b-dd74-501c5cc9d25b")  # fmt: skip
VERIZON = _m("Verizon", "https://www.verizon.com", c.MOBILE_PHONE, "VZWRLSS*APOCC VISB", 65, 95)
POWER = _m("Pacific Gas and Electric", "https://www.pge.com", c.UTILITIES, "PGANDE WEB ONLINE", 60, 180)
GEICO = _m("GEICO", "https://www.geico.com", c.AUTO_INSURANCE, "GEICO *AUTO", 96, 140)
EMPLOYER = _m("MX Technologies", "https://www.mx.com", c.PAYCHECK, "MX TECHNOLOGIES PAYROLL", 1800, 3200)

ALL: tuple[Merchant, ...] = (*SPENDING, COMCAST, VERIZON, POWER, GEICO, EMPLOYER)
BY_GUID: dict[str, Merchant] = {m.guid: m for m in ALL}


def get(guid: str) -> Merchant | None:
    return BY_GUID.get(guid)
