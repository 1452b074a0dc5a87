"""pytest fixtures for testing MX client code against mocknexus; registered when mocknexus is installed.

    def test_verification(mocknexus, mocknexus_session):
        client = MyMXClient(base_url=mocknexus.url, session_token=mocknexus_session.token)
        ...
        mocknexus.admin.advance_clock(1801)     # expire the session

One server per test session (in a thread, on a free port), reset before each test that asks for it.
Set MOCKNEXUS_URL to test against a server you run yourself (a docker service) instead.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from mocknexus.client import AdminClient, NexusSession, open_session


@dataclass
class MockNexus:
    url: str
    admin: AdminClient

    def open_session(self, user_id: str | None = None, skip_aggregation: bool = True) -> NexusSession:
        """A new user with an open Nexus session."""
        return open_session(self.url, user_id=user_id, skip_aggregation=skip_aggregation)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini("mocknexus_seed", "seed of mocknexus's generated data", default="0")
    parser.addini("mocknexus_fixtures", "a directory of extra mocknexus fixture files", default="")
    parser.addini("mocknexus_job_time_scale", "multiplier on mocknexus job step durations", default="1.0")


@pytest.fixture(scope="session")
def mocknexus_server(pytestconfig: pytest.Config) -> Iterator[MockNexus]:
    """The server for the whole test session (not reset: use `mocknexus` for that)."""
    external = os.environ.get("MOCKNEXUS_URL")
    if external:
        yield MockNexus(external.rstrip("/"), AdminClient(external, os.environ.get("MOCKNEXUS_ADMIN_TOKEN")))
        return
    from werkzeug.serving import make_server

    from mocknexus.app import create_app
    from mocknexus.config import Config

    config = Config(
        seed=int(pytestconfig.getini("mocknexus_seed")),
        fixtures=pytestconfig.getini("mocknexus_fixtures"),
        job_time_scale=float(pytestconfig.getini("mocknexus_job_time_scale")),
    )
    server = make_server("127.0.0.1", 0, create_app(config), threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}"
    try:
        yield MockNexus(url, AdminClient(url))
    finally:
        server.shutdown()
        thread.join(5)


@pytest.fixture
def mocknexus(mocknexus_server: MockNexus) -> MockNexus:
    """The server, reset to its fixtures (state, clock, faults, journal) for this test."""
    mocknexus_server.admin.reset()
    return mocknexus_server


@pytest.fixture
def mocknexus_url(mocknexus: MockNexus) -> str:
    return mocknexus.url


@pytest.fixture
def mocknexus_admin(mocknexus: MockNexus) -> AdminClient:
    return mocknexus.admin


@pytest.fixture
def mocknexus_session(mocknexus: MockNexus) -> NexusSession:
    """A fresh user with an open session (skip_aggregation); `.token` goes in MD-SESSION-TOKEN."""
    return mocknexus.open_session()


@pytest.fixture
def mocknexus_session_token(mocknexus_session: NexusSession) -> str:
    return mocknexus_session.token
