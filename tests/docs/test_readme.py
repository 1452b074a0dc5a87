"""The README cannot drift: its walkthrough runs against a live server, its tables match the code."""

from __future__ import annotations

import json
import os
import re
import subprocess
from dataclasses import fields, replace
from pathlib import Path

import pytest

from mocknexus.app import create_app
from mocknexus.config import Config
from tests.support import LiveServer

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()


@pytest.mark.live
def test_the_curl_walkthrough_runs(config, clock):
    script = re.search(r"<!-- walkthrough:start -->\n```sh\n(.*?)```\n<!-- walkthrough:end -->", README, re.S).group(1)
    # Polls alone move jobs here, so the walkthrough need not sleep.
    with LiveServer(create_app(replace(config, job_time_scale=0), clock=clock)) as server:
        result = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", script],
            env={**os.environ, "BASE": server.url, "POLL_SECONDS": "0"},
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[-2] == "CONNECTED"
    numbers = json.loads(lines[-1])["account_numbers"]
    assert len(numbers) == 2 and all(n["routing_number"] for n in numbers)


def test_readme_lists_every_bundled_scenario():
    scenarios = json.loads((ROOT / "fixtures" / "scenarios.json").read_text())["scenarios"]
    assert [name for name in scenarios if f"| `{name}` |" not in README] == []


def test_readme_lists_every_config_flag():
    for f in fields(Config):
        assert f"`--{f.name.replace('_', '-')}`" in README and f"`MOCKNEXUS_{f.name.upper()}`" in README
