"""pytest fixtures for testing MX client code against mocknexus; registered when mocknexus is installed.

    def test_verification(mocknexus, mocknexus_session):
        client = MyMXClient(base_url=mocknexus.url, client_id=mocknexus.client_id,
                            session_token=mocknexus_session.token)
        ...
        mocknexus.admin.advance_clock(1801)     # expire this test's sessions (no other test's)
        mocknexus.admin.wait_for_member(guid, "CHALLENGED", timeout=5)

    def test_webhooks(mocknexus, mocknexus_webhooks):   # a receiver subscribed for this test's client id
        ...
        hook = mocknexus_webhooks.wait_for("CONNECTION_STATUS", member_guid, timeout=5)

Isolated by default: each test gets its own MX client id (unique per xdist worker and per test), which is its
own world on the server (users, sessions, members, clock, faults, journal), so `pytest -n 8` against one
server needs no resets, and nothing one test does reaches another. The world is forgotten after the test.

One server per test session (in a thread, on a free port). Set MOCKNEXUS_URL to test against a server you
run yourself (one container shared by every worker of every job) instead.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import secrets
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from mocknexus.client import AdminClient, AdminError, NexusSession, open_session
from mocknexus.webhook_receiver import WebhookReceiver

_RUN = secrets.token_hex(3)  # this pytest process's: two suites (or two CI jobs) on one server never collide
_tests = itertools.count(1)


@dataclass
class MockNexus:
    url: str
    admin: AdminClient  # the test's client id (the whole server if none: `mocknexus_server`)
    client_id: str = "mocknexus"
    api_key: str = "mocknexus"

    def open_session(self, user_id: str | None = None, skip_aggregation: bool = True) -> NexusSession:
        """A new user of this test's client id, with an open Nexus session."""
        return open_session(
            self.url, user_id=user_id, skip_aggregation=skip_aggregation, client_id=self.client_id, api_key=self.api_key
        )


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini("mocknexus_seed", "seed of mocknexus's generated data", default="0")
    parser.addini("mocknexus_fixtures", "a directory of extra mocknexus fixture files", default="")
    parser.addini("mocknexus_job_time_scale", "multiplier on mocknexus job step durations", default="1.0")


def new_client_id(test_name: str) -> str:
    """`<test name>-<xdist worker>-<this run>-<n>`: readable in the journal, unique across workers, runs and
    tests, and safe in a URL path."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = re.sub(r"[^A-Za-z0-9]+", "-", test_name).strip("-")[:40] or "test"
    return f"{name}-{worker}-{_RUN}-{next(_tests)}"


@pytest.fixture(scope="session")
def mocknexus_server(pytestconfig: pytest.Config) -> Iterator[MockNexus]:
    """The server for the whole test session; `.admin` acts on the whole server (use `mocknexus` in tests)."""
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
def mocknexus_client_id(request: pytest.FixtureRequest) -> str:
    """This test's MX client id: use it in MDX and SSO paths (`/{client_id}/users.json`)."""
    return new_client_id(request.node.name)


@pytest.fixture
def mocknexus(mocknexus_server: MockNexus, mocknexus_client_id: str) -> Iterator[MockNexus]:
    """The server, as this test's own client id: a fresh, empty world (MX's static fixtures are shared)."""
    admin = mocknexus_server.admin.for_client(mocknexus_client_id)
    yield MockNexus(mocknexus_server.url, admin, mocknexus_client_id)
    # Free the world (nobody else could see it anyway); it may be gone already (a whole-server reset).
    with contextlib.suppress(AdminError, OSError):
        admin.forget_client()


@pytest.fixture
def mocknexus_url(mocknexus: MockNexus) -> str:
    return mocknexus.url


@pytest.fixture
def mocknexus_admin(mocknexus: MockNexus) -> AdminClient:
    """The control plane of this test's client id: reset, state, clock, faults, journal, waits."""
    return mocknexus.admin


@pytest.fixture
def mocknexus_session(mocknexus: MockNexus) -> NexusSession:
    """A fresh user of this test's client id with an open session (skip_aggregation); `.token` goes in
    MD-SESSION-TOKEN."""
    return mocknexus.open_session()


@pytest.fixture
def mocknexus_session_token(mocknexus_session: NexusSession) -> str:
    return mocknexus_session.token


@pytest.fixture
def mocknexus_webhooks(mocknexus: MockNexus) -> Iterator[WebhookReceiver]:
    """A real HTTP receiver on loopback, subscribed as this test's client id's webhook URL (every type):
    `.wait_for(type, member_guid)` blocks until MX's webhook arrives; `.received` holds every request.
    MOCKNEXUS_RECEIVER_HOST names the address to bind and advertise when the server runs elsewhere (a
    container reaching the test machine)."""
    receiver = WebhookReceiver(host=os.environ.get("MOCKNEXUS_RECEIVER_HOST", "127.0.0.1")).start()
    try:
        mocknexus.admin.configure_webhooks(receiver.url)
        yield receiver
    finally:
        receiver.stop()
