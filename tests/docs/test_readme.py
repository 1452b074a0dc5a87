"""The README and docs/ cannot drift: the walkthrough runs against a live server, tables match the code, links resolve."""

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
OPERATING = (ROOT / "docs" / "operating.md").read_text()


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


def test_the_operating_guide_lists_every_config_flag():
    for f in fields(Config):
        assert f"`--{f.name.replace('_', '-')}`" in OPERATING and f"`MOCKNEXUS_{f.name.upper()}`" in OPERATING


def test_the_readme_stays_a_front_door():
    assert len(README.splitlines()) <= 250


def _anchor(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_every_relative_link_in_the_docs_resolves():
    pages = [
        ROOT / "README.md",
        ROOT / "bench" / "README.md",
        ROOT / "tests" / "README.md",
        *(ROOT / "docs").glob("*.md"),
    ]
    broken = []
    for page in pages:
        for target in re.findall(r"\]\(([^)\s]+)\)", page.read_text()):
            if re.match(r"[a-z]+:", target):
                continue  # http(s), mailto: not ours to check offline
            path, _, anchor = target.partition("#")
            file = (page.parent / path).resolve() if path else page
            if not file.exists():
                broken.append(f"{page.relative_to(ROOT)}: {target}")
            elif anchor and file.suffix == ".md":
                headings = re.findall(r"^#+ (.*)$", file.read_text(), re.M)
                if anchor not in {_anchor(h) for h in headings}:
                    broken.append(f"{page.relative_to(ROOT)}: {target} (no such heading)")
    assert broken == []
