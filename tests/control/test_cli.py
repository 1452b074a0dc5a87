"""The console command: configuration from flags and MOCKNEXUS_* variables, `validate`, and a real `serve`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest
import requests

from mocknexus.cli import main
from mocknexus.config import Config
from tests.support import free_port


def test_config_reads_environment_then_overrides():
    config = Config.from_env(
        {"MOCKNEXUS_PORT": "9000", "MOCKNEXUS_SEED": "3", "MOCKNEXUS_JOB_TIME_SCALE": "0.5"}, seed=4
    )
    assert (config.port, config.seed, config.job_time_scale, config.host) == (9000, 4, 0.5, "127.0.0.1")


def test_a_bad_environment_value_is_a_clear_error(capsys, monkeypatch):
    monkeypatch.setenv("MOCKNEXUS_PORT", "eighty")
    assert main(["serve"]) == 2
    assert "MOCKNEXUS_PORT='eighty' is not a valid int" in capsys.readouterr().err


def test_validate_accepts_good_fixtures_and_rejects_bad(tmp_path, capsys):
    assert main(["validate", str(tmp_path)]) == 0
    assert "ok: 5 institutions" in capsys.readouterr().out
    (tmp_path / "bad.json").write_text(json.dumps({"version": 1, "scenarios": {"x": {}}}))
    assert main(["validate", str(tmp_path)]) == 1
    assert "bad.json:1: scenarios.x.end: Missing data for required field." in capsys.readouterr().err


@pytest.mark.live
def test_serve_starts_and_answers_health():
    port = free_port()
    env = {**os.environ, "MOCKNEXUS_SEED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "mocknexus", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                r = requests.get(f"http://127.0.0.1:{port}/__admin/health", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        else:
            raise AssertionError("server did not start")
        assert r.status_code == 200 and r.json()["status"] == "ok"
        r = requests.get(
            f"http://127.0.0.1:{port}/members/test_nexus_member/account_numbers",
            headers={"MD-SESSION-TOKEN": "test_session"},
            timeout=5,
        )
        assert r.status_code == 200 and r.json()["account_numbers"]
    finally:
        proc.terminate()
        proc.communicate(timeout=10)  # waits, and closes the pipe (left open, it is a ResourceWarning later)
