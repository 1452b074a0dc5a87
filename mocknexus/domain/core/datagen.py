"""Generated account data: Faker, seeded per member, so the same seed and the same calls give the same data."""

from __future__ import annotations

import hashlib
import random
import threading
from dataclasses import dataclass
from datetime import datetime

from faker import Faker

from mocknexus.domain.core.ids import new_guid
from mocknexus.domain.core.models import Account
from mocknexus.domain.data import profiles

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
    seed: int,
    seed_parts: tuple[str, ...],
    count: int,
    member_guid: str,
    user_guid: str,
    now: datetime,
    types: tuple[str, ...] = (),
) -> list[Account]:
    """`count` accounts for one member, all at one routing number, as a real bank's would be; `types` (MX's
    account types, one per account) makes cards, loans and investments too (domain/data/profiles.py)."""
    rng, fake, routing, owner = _member_person(seed, seed_parts)
    if types:
        return [_typed(rng, fake, routing, owner, kind, member_guid, user_guid, now) for kind in types]
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


def _typed(rng: random.Random, fake: Faker, routing: str, owner: str, type_name: str, member_guid: str,
           user_guid: str, now: datetime) -> Account:  # fmt: skip
    kind = profiles.kind_of(type_name)
    opening = profiles.opening(type_name, rng)
    return Account(
        guid=new_guid("ACT"),
        member_guid=member_guid,
        user_guid=user_guid,
        name=f"{owner.split()[0]}'s {kind.stem} {fake.numerify('####')}",
        type=type_name,
        subtype=kind.subtype,
        balance=opening.balance,
        available_balance=opening.available,
        currency_code="USD",
        account_number=fake.numerify("%" + "#" * (kind.number_digits - 1)),
        routing_number=routing,
        created_at=now,
        updated_at=now,
        credit_limit=opening.credit_limit,
        apr=opening.apr,
        interest_rate=opening.interest_rate,
        original_balance=opening.original_balance,
    )


@dataclass(frozen=True)
class AccountOwner:
    """What an identification finds about an account's owner (MX's account owner keys)."""

    account_guid: str
    member_guid: str
    user_guid: str
    owner_name: str
    address: str
    city: str
    state: str
    postal_code: str
    country: str
    email: str
    phone: str
    first_name: str | None = None  # MX fills these only when it splits names (on request): null here
    last_name: str | None = None


def generate_owners(seed: int, seed_parts: tuple[str, ...], accounts: list[Account]) -> list[AccountOwner]:
    """One owner per account, the same person for all of a member's accounts: the one whose name the
    accounts carry (`generate_accounts` with the same seed draws the same name first)."""
    if not accounts:
        return []
    _, fake, _, owner = _member_person(seed, seed_parts)
    address = {
        "address": fake.street_address(),
        "city": fake.city(),
        "state": fake.state(),
        "postal_code": fake.zipcode(),
        "country": "United States",
        "email": fake.email(),
        "phone": fake.numerify("###-###-####"),
    }
    return [
        AccountOwner(account_guid=a.guid, member_guid=a.member_guid, user_guid=a.user_guid, owner_name=owner, **address)
        for a in accounts
    ]


def _member_person(seed: int, seed_parts: tuple[str, ...]) -> tuple[random.Random, Faker, str, str]:
    """The seeded generators for one member, its bank's routing number and its owner's name."""
    rng = random.Random(seed_for(seed, *seed_parts))
    fake = _faker()
    fake.seed_instance(rng.getrandbits(64))
    routing = aba_routing_number(rng)
    return rng, fake, routing, fake.name()
