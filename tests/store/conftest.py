"""The PostgreSQL store tests' two replicas (tests/store/postgres_support.py's `two_replicas`), with the contract
suite's codec; a module needing another codec defines its own `replicas` (test_postgres_decoded.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.store.postgres_support import two_replicas
from tests.store.test_store_contract import decode, encode


@pytest.fixture
def replicas(postgres_url: str) -> Iterator[tuple[Any, Any]]:
    yield from two_replicas(postgres_url, encode, decode)
