"""MX's products (v20250224's `data_request.products` and `supported_products`): which an institution gives,
and what creating a member that asks for some of them does.

v20250224 drops create member's `skip_aggregation`: the member asks for products and MX runs one "combo
job" for them; if a product cannot be had, MX still creates the member and answers 201 with an `error`
(mxenabled/openapi PR #179, 2026-02). mocknexus runs one job at a time, so the combo job is the job that
gives the most of what was asked (INFERRED): a verification (which aggregates the accounts and their
numbers), else an identification, else a standard aggregation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mocknexus.domain.catalog.catalog import Institution
from mocknexus.domain.core.errors import ErrorKind, MXError
from mocknexus.domain.core.models import Member, User
from mocknexus.domain.core.statuses import JobType

if TYPE_CHECKING:
    from mocknexus.domain.platform.platform import PlatformOperations

# MX's SupportedProducts enum, in its order.
PRODUCTS = (
    "account_verification",
    "identity_verification",
    "transactions",
    "transaction_history",
    "statements",
    "investments",
    "rewards",
)
# What the institutions filter takes besides (MX's query parameter spells one product `history`).
FILTER_ALIASES = {"history": "transaction_history"}
# MX's wording for a member whose institution cannot verify (the observed v20111101 400 message).
NOT_SUPPORTED = "Member's institution does not support {product}."
_NAMES = {
    "account_verification": "instant account verification",
    "identity_verification": "account owner identification",
    "transaction_history": "extended transaction history",
}


def supported_products(institution: Institution) -> list[str]:
    """Every institution aggregates accounts and transactions; verification, identification and extended
    history as its flags say; mocknexus has no statements, investments or rewards data."""
    found = []
    if institution.supports_account_verification:
        found.append("account_verification")
    if institution.supports_account_identification:
        found.append("identity_verification")
    found.append("transactions")
    if institution.supports_transaction_history:
        found.append("transaction_history")
    return found


def matches(institution: Institution, wanted: list[str]) -> bool:
    """The institutions filter: every product named (by either spelling) is supported."""
    offered = set(supported_products(institution))
    return all(FILTER_ALIASES.get(product, product) in offered for product in wanted)


@dataclass(frozen=True)
class ProductPlan:
    """What a new member does for the products asked: the job it starts (None: none), what failed."""

    job: JobType | None
    failed: tuple[str, ...]

    @property
    def message(self) -> str | None:
        if not self.failed:
            return None
        return NOT_SUPPORTED.format(product=" or ".join(_NAMES.get(p, p) for p in self.failed))


def plan(institution: Institution, products: list[str] | None) -> ProductPlan:
    """No `data_request`: MX "will immediately validate the provided credentials and attempt to aggregate".
    A product the institution lacks: the combo job does not start (PR #179: "the combo job fails")."""
    if products is None:
        return ProductPlan(JobType.AGGREGATION, ())
    offered = supported_products(institution)
    failed = tuple(p for p in dict.fromkeys(products) if p not in offered)
    if failed or not products:
        return ProductPlan(None, failed)
    if "account_verification" in products:
        return ProductPlan(JobType.VERIFICATION, ())
    if "identity_verification" in products:
        return ProductPlan(JobType.IDENTIFICATION, ())
    return ProductPlan(JobType.AGGREGATION, ())


def create_member(
    api: PlatformOperations, user: User, fields: dict[str, Any], products: list[str] | None, oauth: Any = None
) -> tuple[Member, ProductPlan]:
    """v20250224's createMember: the member, and the job its products start (none when one failed, or for an
    OAuth member, whose job starts once the bank's consent is given)."""
    with api.store.transaction():
        institution = api.catalog.by_code(fields["institution_code"])
        if institution is None:
            raise MXError(ErrorKind.UNPROCESSABLE, "The institution_code does not exist.")
        chosen = plan(institution, products)
        oauth_skips = chosen.job is None  # an OAuth member aggregates after consent unless nothing may run
        member = api.create_platform_member(
            user, {**fields, "skip_aggregation": oauth_skips if fields["is_oauth"] else True}, oauth
        )
        if chosen.job is not None and not fields["is_oauth"]:
            member, _ = api.start_platform_job(user, member.guid, chosen.job)
        return member, chosen
