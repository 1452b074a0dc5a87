"""No dropped connections: many clients run the whole verification flow at once, twice, each on its own
keep-alive connection, against the server as the image runs it. Every flow must succeed, without retries.

A smaller version of `python bench/flows.py` (300 clients x 10 runs, quoted in bench/README.md); ~3 s here.
"""

from __future__ import annotations

import pytest

from bench.flows import concurrent_flows
from tests.serving.image_server import ImageServer

pytestmark = pytest.mark.live


def test_fifty_concurrent_flows_twice_drop_nothing():
    with ImageServer(MOCKNEXUS_JOB_TIME_SCALE="0", MOCKNEXUS_LOG_LEVEL="WARNING") as server:
        result = concurrent_flows(server.url, concurrency=50, runs=2)
    assert result["failures"] == {}
    assert result["ok"] == 100
