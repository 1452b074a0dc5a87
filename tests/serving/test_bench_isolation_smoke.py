"""The isolation benchmark in a tiny configuration, so it cannot rot. It asserts nothing about speed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.live

ROOT = Path(__file__).resolve().parents[2]


def test_the_isolation_benchmark_runs_end_to_end(tmp_path):
    out = tmp_path / "isolation.json"
    result = subprocess.run(
        [sys.executable, "bench/isolation.py", "--quick", "--json", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert "member_read_many_vs_one" in result.stdout
    data = json.loads(out.read_text())
    assert set(data["summary"]) == {"1 client", "5 clients"}
    assert all(s["member_read"]["rps"] > 0 and s["flow"]["flows_per_s"] > 0 for s in data["summary"].values())
