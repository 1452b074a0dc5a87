"""MX's own Python SDK (1.12.0, strict pydantic models) reads the data plane: accounts of every type,
transactions paged by member and by account, one read, holdings, extend_history, statements and a PDF
(tests/platform/sdk_data_flow.py, run with the SDK's own interpreter; the environment is test_sdk.py's)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from mocknexus.app import create_app
from mocknexus.config import Config
from tests.platform.test_sdk import sdk_python  # noqa: F401  (the SDK's environment, made once)
from tests.support import LiveServer

FLOW = Path(__file__).with_name("sdk_data_flow.py")
pytestmark = [pytest.mark.sdk, pytest.mark.live]


def test_mx_python_sdk_reads_accounts_transactions_holdings_and_statements(sdk_python: Path):  # noqa: F811
    with LiveServer(create_app(Config(seed=5, job_time_scale=0))) as server:
        run = subprocess.run([str(sdk_python), str(FLOW), server.url], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-4000:]
    report = json.loads(run.stdout.strip().splitlines()[-1])
    assert report["connected"] == "CONNECTED"
    assert report["account_types"] == ["CHECKING", "CREDIT_CARD", "INVESTMENT", "LOAN", "MORTGAGE", "SAVINGS"]
    fetched, total = report["by_member"]
    assert fetched == total > 100, "more than one page of 100, every one fetched"
    assert report["statuses"] == ["PENDING", "POSTED"]
    assert report["by_account"] == [10, 2] and report["all_of_the_account"]
    assert report["read"][:2] == [True, True] and report["read"][2]
    assert report["holdings"][0] >= 3 and report["holdings"][1] and report["holding"]
    assert report["extended"] == "CONNECTED" and report["history_entries"] > total
    assert report["fetched"] == "CONNECTED" and report["statements"][0] >= 6 and report["statements"][1]
    assert report["pdf"] == "%PDF-"
