"""The README cannot drift from the fixtures: every bundled scenario is in its table."""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_readme_lists_every_bundled_scenario():
    readme = (ROOT / "README.md").read_text()
    scenarios = json.loads((ROOT / "fixtures" / "scenarios.json").read_text())["scenarios"]
    missing = [name for name in scenarios if f"| `{name}` |" not in readme]
    assert missing == []


def test_readme_lists_every_config_flag():
    from dataclasses import fields

    from mocknexus.config import Config

    readme = (ROOT / "README.md").read_text()
    for f in fields(Config):
        assert f"`--{f.name.replace('_', '-')}`" in readme and f"`MOCKNEXUS_{f.name.upper()}`" in readme
