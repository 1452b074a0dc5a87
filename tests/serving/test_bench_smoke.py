"""The benchmark script in a tiny configuration, so it cannot rot. It asserts nothing about speed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.live

ROOT = Path(__file__).resolve().parents[2]


def test_the_benchmark_runs_end_to_end(tmp_path):
    out = tmp_path / "results.json"
    result = subprocess.run(
        [sys.executable, "bench/run.py", "--quick", "--loadgen", "python", "--skip-moto", "--skip-gevent",
         "--seconds", "0.3", "--connections", "4", "--json", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert "authenticated member read" in result.stdout and "ratios (same run)" in result.stdout
    data = json.loads(out.read_text())
    assert set(data["member_read"]) == {
        f"{app}_{server}" for app in ("mocknexus", "bare") for server in ("waitress", "gunicorn_gthread", "werkzeug")
    } | {"mocknexus_waitress_platform"}  # the Platform API's member read, on the shipped server
    assert all(m["rps"] > 0 and m["non_2xx"] == 0 for m in data["member_read"].values())
    assert set(data["slow_clients"]) == {"waitress", "gunicorn_gthread", "werkzeug"}
    assert data["slow_clients"]["waitress"]["answered"] == data["slow_clients"]["waitress"]["probes"]
    assert data["concurrent_flows"]["failed"] == 0
    assert data["flow"]["flows"] > 0 and data["startup"]["waitress"]["idle_rss_mb"] > 0
    assert data["scaling"]["large"]["institution_search"]["non_2xx"] == 0
