"""The PostgreSQL store tests' two replicas: as stores (tests/store/postgres_support.py's `two_replicas`), with the
contract suite's codec (a module needing another codec defines its own `replicas`: test_postgres_decoded.py), and
as apps."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from mocknexus.app import create_app
from mocknexus.config import Config
from tests.store.postgres_support import met, two_replicas
from tests.store.test_store_contract import decode, encode


@pytest.fixture
def replicas(postgres_url: str) -> Iterator[tuple[Any, Any]]:
    yield from two_replicas(postgres_url, encode, decode)


@pytest.fixture
def apps(postgres_server) -> Iterator[list[Any]]:
    """Two replicas (apps in this process, as Flask test clients) on one fresh database."""
    url = postgres_server.create_database("apps_" + uuid.uuid4().hex[:16])
    made = [create_app(Config.from_env({"MOCKNEXUS_STORE": url})) for _ in range(2)]
    met(*(app.extensions["mocknexus.store"][1] for app in made))
    yield [app.test_client() for app in made]
    for app in made:
        app.extensions["mocknexus.background"].stop()
        app.extensions["mocknexus.store"][1].close()
