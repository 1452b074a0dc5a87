from __future__ import annotations

import logging
import os
import uuid
from datetime import UTC, datetime

import pytest

from mocknexus.app import create_app
from mocknexus.config import Config
from mocknexus.domain.core.clock import Clock
from tests.support import FlaskHttp

# pytester: for testing mocknexus's own pytest plugin; widget_fixtures: the Connect widget tests' world and browser.
pytest_plugins = ["pytester", "tests.widget.fixtures"]

START = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> Clock:
    return Clock(frozen_at=START)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "config" in metafunc.fixturenames and metafunc.definition.get_closest_marker("both_stores"):
        metafunc.parametrize("config", ["memory", "sqlite", "postgresql"], indirect=True)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """schemathesis (4.32 under pytest 9.2) gives every operation's item its test function's node id, without
    the `[METHOD /path]` its name carries. pytest-xdist's loadgroup scheduler keys items by node id, so all
    but one operation of each schemathesis test went unrun under `pytest -n auto --dist loadgroup`. Each
    item's node id is made its own again (tests/fidelity/test_fuzz_items.py checks that it stays so)."""
    for item in items:
        if getattr(item, "operation_label", None) is None or item.parent is None:
            continue
        wanted = f"{item.parent.nodeid}::{item.name}"
        if item.nodeid == wanted:
            continue
        try:
            from _pytest.nodeid import NodeId  # pytest 9.2 keeps node ids structured

            item._id = NodeId.parse(wanted)  # type: ignore[attr-defined]
        except ImportError:
            item._nodeid = wanted


@pytest.fixture(scope="session")
def postgres_server():
    """One real PostgreSQL server per test process (each xdist worker starts its own), from pgserver's binaries
    (tests/postgres_server.py). Under CI it must be there: a missing pgserver fails the tests that need it."""
    if not os.environ.get("CI"):
        pytest.importorskip("pgserver", reason="PostgreSQL tests need pgserver (pip install -e '.[test]')")
        pytest.importorskip("psycopg_pool", reason="PostgreSQL tests need mocknexus[postgresql]")
    from tests.postgres_server import PostgresServer

    server = PostgresServer().init().start()  # in its own temporary directory, removed by close()
    yield server
    # Apps the tests built keep their pools and background threads until the process ends: their complaints
    # once the server is gone (the session's last act) are not news.
    logging.disable(logging.CRITICAL)
    server.close()


@pytest.fixture
def postgres_url(postgres_server) -> str:
    """A fresh, empty database on the test process's server: its URL, password included."""
    return postgres_server.create_database("t_" + uuid.uuid4().hex[:16])


@pytest.fixture
def config(request, tmp_path) -> Config:
    """The app's configuration, on the memory store. The stores' equivalence is the store contract suite's job
    (tests/store/); a test or module marked `both_stores` also runs end to end on SQLite and on PostgreSQL."""
    if getattr(request, "param", "memory") == "sqlite":
        return Config(seed=7, state_file=str(tmp_path / "state.db"))
    if getattr(request, "param", "memory") == "postgresql":  # a fresh database on the test process's server
        return Config(seed=7, store=request.getfixturevalue("postgres_url"))
    return Config(seed=7)


@pytest.fixture
def app(config: Config, clock: Clock):
    return create_app(config, clock=clock)


@pytest.fixture
def http(app) -> FlaskHttp:
    return FlaskHttp(app)
