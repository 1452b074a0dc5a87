from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mocknexus.app import create_app
from mocknexus.config import Config
from mocknexus.domain.clock import Clock
from tests.support import FlaskHttp

# pytester: for testing mocknexus's own pytest plugin; widget_fixtures: the Connect widget tests' world and browser.
pytest_plugins = ["pytester", "tests.widget.fixtures"]

START = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> Clock:
    return Clock(frozen_at=START)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "config" in metafunc.fixturenames and metafunc.definition.get_closest_marker("both_stores"):
        metafunc.parametrize("config", ["memory", "sqlite"], indirect=True)


@pytest.fixture
def config(request, tmp_path) -> Config:
    """The app's configuration, on the memory store. The stores' equivalence is the store contract suite's job
    (tests/store/); a test or module marked `both_stores` also runs end to end on SQLite."""
    if getattr(request, "param", "memory") == "sqlite":
        return Config(seed=7, state_file=str(tmp_path / "state.db"))
    return Config(seed=7)


@pytest.fixture
def app(config: Config, clock: Clock):
    return create_app(config, clock=clock)


@pytest.fixture
def http(app) -> FlaskHttp:
    return FlaskHttp(app)
