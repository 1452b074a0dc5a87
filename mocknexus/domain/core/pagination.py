"""MX's page/records-per-page pagination, shared by every list endpoint."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")

DEFAULT_PER_PAGE = 25
MIN_PER_PAGE = 10  # MX documents 10..1000 records per page
MAX_PER_PAGE = 1000


@dataclass(frozen=True)
class Page:
    current_page: int
    per_page: int
    total_entries: int
    total_pages: int

    @property
    def records_on_current_page(self) -> int:
        """G21's `records_on_current_page`."""
        return max(0, min(self.per_page, self.total_entries - (self.current_page - 1) * self.per_page))


def paginate(items: Sequence[T], page: int | None, per_page: int | None) -> tuple[list[T], Page]:
    """Slice `items`; out-of-range sizes are clamped into MX's documented range (INFERRED: MX clamps, not 400s)."""
    size = DEFAULT_PER_PAGE if per_page is None else min(max(per_page, MIN_PER_PAGE), MAX_PER_PAGE)
    number = max(page or 1, 1)
    total = len(items)
    start = (number - 1) * size
    return list(items[start : start + size]), Page(number, size, total, (total + size - 1) // size)
