"""MX's own v20250224 Node SDK (mx-platform-node 3.0.0) runs MX's verification flow against mocknexus, unchanged
but for its basePath (sdk_flow_v20250224.js): users by the partner's id, institutions filtered by
`supported_products`, a member created with `data_request.products` and read by its own id, MFA through
resume, a second verification, account numbers, the leaner account, a widget URL with v20250224's new fields.
Then what the SDK made is read through v20111101 and Nexus's admin view: the same member, the same job.
The same SDK reads the data plane (sdk_data_flow_v20250224.js): accounts, transactions paged by member and by
account, one read, holdings, extend_history, statements and a PDF, and merges two accounts.

The SDK is not on the npm registry: .ci/build-mx-node-sdk-v3 builds it from MX's source (../shared/vendor/)
into .cache/ (the test runs the script when the build is missing). Without node, npm or the source the test
skips, unless CI=true or MOCKNEXUS_REQUIRE_SDK=1 (.ci/run), when that is a failure.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from mocknexus.app import create_app
from mocknexus.config import Config
from tests.platform.support import Platform
from tests.support import LiveHttp, LiveServer

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / ".ci" / "build-mx-node-sdk-v3"
BUILT = ROOT / ".cache" / "mx-platform-node-v3"
FLOW = Path(__file__).with_name("sdk_flow_v20250224.js")
DATA_FLOW = Path(__file__).with_name("sdk_data_flow_v20250224.js")
pytestmark = [pytest.mark.sdk, pytest.mark.live, pytest.mark.xdist_group("platform_sdk_v20250224")]


def _unavailable(why: str) -> None:
    if os.environ.get("CI") == "true" or os.environ.get("MOCKNEXUS_REQUIRE_SDK") == "1":
        pytest.fail(why)
    pytest.skip(why)


@pytest.fixture(scope="module")
def node_sdk_v3() -> Path:
    if shutil.which("node") is None:
        _unavailable("node is needed for MX's v20250224 Node SDK")
    if not (BUILT / "dist" / "index.js").exists():
        done = subprocess.run([str(BUILD)], capture_output=True, text=True, timeout=900)
        if done.returncode != 0 or not (BUILT / "dist" / "index.js").exists():
            _unavailable(f"{BUILD.name} could not build MX's v3 Node SDK: {done.stderr.strip()[-800:]}")
    return BUILT.parent  # NODE_PATH: require("mx-platform-node-v3") finds the built folder


def _run_flow(url: str, mode: str, node_path: Path, flow: Path = FLOW) -> dict:
    run = subprocess.run(
        ["node", str(flow), url, mode],
        capture_output=True, text=True, timeout=600, env={**os.environ, "NODE_PATH": str(node_path)},
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-4000:]
    return json.loads(run.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("mode", ["readme", "plain"])
def test_mx_v3_node_sdk_runs_the_verification_flow(node_sdk_v3: Path, mode: str):
    with LiveServer(create_app(Config(seed=5, job_time_scale=0))) as server:
        report = _run_flow(server.url, mode, node_sdk_v3)
        # What the v3 SDK made, read through v20111101 (MX's Python SDK's Accept) in the same world.
        legacy = Platform(LiveHttp(server.url), client_id=f"node3-{mode}", api_key="node-key")
        user = legacy.get("/users", expect=200).json["users"][0]
        member = legacy.get(f"/users/{user['guid']}/members", expect=200).json["members"][0]
    assert report["userById"] is True and report["userByGuid"] == "node3-user"
    assert "mxbank" in report["search"] and "account_verification" in report["supportedProducts"]
    assert report["createStatus"] == 202  # a job started: data_request.products, no skip_aggregation
    assert report["statuses"] == {
        "created": "CHALLENGED", "firstJob": "CONNECTED", "verifying": "CHALLENGED", "verified": "CONNECTED",
    }  # fmt: skip
    assert report["memberGuid"] is True and report["mostRecentJobGuid"].startswith("JOB-")
    assert report["jobGuidTypes"] == ["string"]  # v20250224 types it a string, and mocknexus sends one
    assert report["accountNumbers"] == 2 and report["accounts"] == 2 and report["accountByIdentifier"] == 1
    assert report["accountKeys"] <= 58  # MX's leaner v20250224 AccountResponse
    assert report["widgetUrl"].startswith(server.url + "/md/connect/")
    # One world, two versions: the member the v3 SDK created is v20111101's, with its own id.
    assert (user["id"], member["id"], member["connection_status"]) == ("node3-user", "node3-member", "CONNECTED")


def test_mx_v3_node_sdk_reads_accounts_transactions_holdings_and_statements(node_sdk_v3: Path):
    with LiveServer(create_app(Config(seed=5, job_time_scale=0))) as server:
        report = _run_flow(server.url, "plain", node_sdk_v3, DATA_FLOW)
        # The description the v3 SDK's world holds is v20111101's too: read it through the old version.
        legacy = Platform(LiveHttp(server.url), client_id="node3-data", api_key="node-key")
        user = legacy.get("/users", expect=200).json["users"][0]
        old = legacy.get(f"/users/{user['guid']}/transactions?from_date=2000-01-01", expect=200).json
    assert report["connected"] == "CONNECTED"
    assert report["accountTypes"] == ["CHECKING", "CREDIT_CARD", "INVESTMENT", "LOAN", "MORTGAGE", "SAVINGS"]
    fetched, total = report["byMember"]
    assert fetched == total > 100, "more than one page of 100, every one fetched"
    assert report["statuses"] == ["PENDING", "POSTED"]
    assert report["byAccount"] == [10, 2] and report["allOfTheAccount"] and report["perMember"]
    assert report["read"][:2] == [True, True] and report["read"][2] and report["readByAccount"]
    assert report["holdings"][0] >= 3 and report["holdings"][1] and report["holding"]
    assert report["extended"] == "CONNECTED" and report["historyEntries"] > total
    assert report["merged"] == [True, False, 5] and report["mergedEntries"] < report["historyEntries"]
    assert old["pagination"]["total_entries"] == report["mergedEntries"]  # one world, two versions
    assert report["fetched"] == "CONNECTED" and report["statements"][0] >= 6 and report["statements"][1]
    assert report["pdf"] == "%PDF-"
