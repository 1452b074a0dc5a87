"""Generated account data: Faker, seeded per member, so the same seed and the same calls give the same data."""

from __future__ import annotations

import hashlib
import random
import threading
from datetime import datetime

from faker import Faker

from mocknexus.domain.ids import new_guid
from mocknexus.domain.models import Account

# (account_type name, subtype, name stem); MX's account_type_name values.
_ACCOUNT_KINDS = (
    ("CHECKING", "CHECKING", "Checking"),
    ("SAVINGS", "SAVINGS", "Savings"),
    ("CHECKING", "MONEY_MARKET", "Money Market"),
    ("SAVINGS", "HIGH_YIELD_SAVINGS", "High Yield Savings"),
)

# Valid first two digits of an ABA routing number (Federal Reserve districts, thrifts, electronic).
_ABA_PREFIXES = [f"{n:02d}" for n in (*range(1, 13), *range(21, 33), *range(61, 73), 80)]

_local = threading.local()


def _faker() -> Faker:
    # Building a Faker is slow; keep one per thread and re-seed it for each use.
    fake = getattr(_local, "faker", None)
    if fake is None:
        fake = _local.faker = Faker("en_US")
    return fake


def seed_for(seed: int, *parts: str) -> int:
    digest = hashlib.sha256(":".join([str(seed), *parts]).encode()).digest()
    return int.from_bytes(digest[:8], "big")


def aba_check_digit(first8: str) -> int:
    weights = (3, 7, 1, 3, 7, 1, 3, 7)
    total = sum(int(d) * w for d, w in zip(first8, weights, strict=True))
    return (10 - total % 10) % 10


def is_valid_aba(routing: str) -> bool:
    if len(routing) != 9 or not routing.isdigit():
        return False
    return aba_check_digit(routing[:8]) == int(routing[8])


def aba_routing_number(rng: random.Random) -> str:
    first8 = rng.choice(_ABA_PREFIXES) + "".join(str(rng.randrange(10)) for _ in range(6))
    return first8 + str(aba_check_digit(first8))


def generate_accounts(
    seed: int, seed_parts: tuple[str, ...], count: int, member_guid: str, user_guid: str, now: datetime
) -> list[Account]:
    """`count` accounts for one member, all at one routing number, as a real bank's would be."""
    rng = random.Random(seed_for(seed, *seed_parts))
    fake = _faker()
    fake.seed_instance(rng.getrandbits(64))
    routing = aba_routing_number(rng)
    owner = fake.name()
    accounts = []
    for index in range(count):
        type_name, subtype, stem = _ACCOUNT_KINDS[index % len(_ACCOUNT_KINDS)]
        balance = round(rng.uniform(50, 25_000), 2)
        accounts.append(
            Account(
                guid=new_guid("ACT"),
                member_guid=member_guid,
                user_guid=user_guid,
                name=f"{owner.split()[0]}'s {stem} {fake.numerify('####')}",
                type=type_name,
                subtype=subtype,
                balance=balance,
                available_balance=round(balance - rng.uniform(0, min(balance, 200)), 2),
                currency_code="USD",
                account_number=fake.numerify("%#########"),
                routing_number=routing,
                created_at=now,
                updated_at=now,
            )
        )
    return accounts
