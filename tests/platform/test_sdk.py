"""MX's own Python SDK (mx-platform-python, from PyPI) runs MX's whole verification flow against mocknexus,
unchanged but for its host: create a user, search institutions, read credentials, create a member, verify,
poll the status, answer every MFA type through resume, read account numbers and owners, request a widget
URL and an OAuth window URI (tests/platform/sdk_flow.py). MX's Node SDK (mx-platform-node, from npm, into
.cache/ as well) runs the core of it (sdk_flow.js): the two SDKs type `most_recent_job_guid` differently
(boolean / string), and both parse what mocknexus answers (null).

The SDK pins pydantic 1 and an older urllib3, so it never enters the project's environment: this test
makes it its own under .cache/ (once) and runs the flow with that interpreter against a live server. It
skips when the SDK cannot be installed (no network), unless CI=true or MOCKNEXUS_REQUIRE_SDK=1 (.ci/run),
when that is a failure.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from mocknexus.app import create_app
from mocknexus.config import Config
from tests.support import LiveServer

SDK = "mx-platform-python==1.12.0"
NODE_SDK = "mx-platform-node@2.1.0"
ROOT = Path(__file__).resolve().parents[2]
SDK_ENV = ROOT / ".cache" / "mx-platform-sdk"
NODE_ENV = ROOT / ".cache" / "mx-platform-node"
FLOW = Path(__file__).with_name("sdk_flow.py")
pytestmark = [pytest.mark.sdk, pytest.mark.live]


def _unavailable(why: str) -> None:
    if os.environ.get("CI") == "true" or os.environ.get("MOCKNEXUS_REQUIRE_SDK") == "1":
        pytest.fail(why)
    pytest.skip(why)


def _python() -> Path:
    return SDK_ENV / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")


def _importable() -> bool:
    probe = [str(_python()), "-c", "import mx_platform_python"]
    return _python().exists() and subprocess.run(probe, capture_output=True, timeout=120).returncode == 0


@pytest.fixture(scope="module")
def sdk_python() -> Path:
    if not _importable():
        venv.create(SDK_ENV, with_pip=True, clear=True)
        install = [str(_python()), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", SDK]
        done = subprocess.run(install, capture_output=True, text=True, timeout=900)
        if done.returncode != 0 or not _importable():
            _unavailable(f"{SDK} could not be installed into {SDK_ENV}: {done.stderr.strip()[-500:]}")
    return _python()


@pytest.fixture(scope="module")
def node_sdk() -> Path:
    modules = NODE_ENV / "node_modules"
    if not (modules / "mx-platform-node" / "dist" / "index.js").exists():
        if shutil.which("npm") is None or shutil.which("node") is None:
            _unavailable("node and npm are needed for MX's Node SDK")
        NODE_ENV.mkdir(parents=True, exist_ok=True)
        (NODE_ENV / "package.json").write_text('{"private": true}')
        install = ["npm", "install", "--silent", "--no-audit", "--no-fund", NODE_SDK]
        done = subprocess.run(install, cwd=NODE_ENV, capture_output=True, text=True, timeout=900)
        if done.returncode != 0:
            _unavailable(f"{NODE_SDK} could not be installed into {NODE_ENV}: {done.stderr.strip()[-500:]}")
    return modules


def test_mx_python_sdk_runs_the_whole_verification_flow(sdk_python: Path):
    with LiveServer(create_app(Config(seed=5, job_time_scale=0))) as server:
        run = subprocess.run([str(sdk_python), str(FLOW), server.url], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-4000:]
    report = json.loads(run.stdout.strip().splitlines()[-1])
    # MX Bank (Oauth) verifies too (the search names both MX Banks)
    assert report["search"] == ["mxbank", "mx_bank_oauth"] and report["credential_fields"] == ["LOGIN", "PASSWORD"]
    assert (report["challenged"], report["verified"]) == ("CHALLENGED", "CONNECTED")
    assert report["account_numbers"] == 2 and report["owners"] == 2 and report["account_numbers_by_account"] == 1
    assert len(report["account"]) == 4  # an account read masks the number
    assert report["mfa"] == {
        kind: [1, "CONNECTED"] for kind in ("TEXT", "OPTIONS", "TOKEN", "IMAGE_DATA", "IMAGE_OPTIONS")
    }
    assert report["widget_url"].startswith(server.url + "/md/connect/")
    # mocknexus's catalog has no OAuth institution on this branch: MX's answer for a member that does not
    # use OAuth, which the SDK raises as its BadRequestException.
    assert report["oauth_window_uri"] == ["400", "Member cannot use OAuth"]
    assert report["deleted"] is True


def test_mx_node_sdk_parses_the_same_answers(node_sdk: Path):
    with LiveServer(create_app(Config(seed=5, job_time_scale=0))) as server:
        run = subprocess.run(
            ["node", str(FLOW.with_suffix(".js")), server.url],
            capture_output=True, text=True, timeout=600, env={**os.environ, "NODE_PATH": str(node_sdk)},
        )  # fmt: skip
    assert run.returncode == 0, run.stderr[-4000:]
    report = json.loads(run.stdout.strip().splitlines()[-1])
    assert (report["challenged"], report["verified"], report["accountNumbers"]) == ("CHALLENGED", "CONNECTED", 2)
    assert report["jobGuidTypes"] == ["null"]  # `string | null` to the Node SDK, `boolean` to the Python SDK
    assert report["widgetUrl"].startswith(server.url + "/md/connect/")
