"""The control-plane reads the inspector is built on, and the page itself as plain HTTP sees it."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from mocknexus.app import create_app
from mocknexus.config import Config
from tests.support import API_KEY, CLIENT, FlaskHttp, api_token, create_member, new_user, open_session

ROOT = Path(__file__).resolve().parents[2]
INSPECTOR = ROOT / "mocknexus" / "apis" / "inspector"


def credentials(http) -> list[dict]:
    return http.get("/__admin/sessions").json["credentials"]


def test_sessions_and_api_tokens_expire_by_the_emulated_clock_and_are_masked(http):
    user = new_user(http)
    headers = open_session(http, user)
    spare = api_token(http, user)  # issued, never traded for a session
    token = headers["MD-SESSION-TOKEN"]

    mine = [c for c in credentials(http) if c["user_id"] == user]
    assert sorted((c["kind"], c["state"]) for c in mine) == [
        ("api_token", "active"), ("api_token", "used"), ("session", "active")
    ]  # fmt: skip
    session = next(c for c in mine if c["kind"] == "session")
    assert session["expires_at"].startswith("2026-01-01T12:30:00")  # 30 idle minutes from its last use
    assert session["token"] == "****" + token[-4:]
    body = http.get("/__admin/sessions")
    assert token not in str(body.json) and spare not in str(body.json)

    http.post("/__admin/clock/advance", json={"seconds": 601})
    mine = {(c["kind"], c["state"]) for c in credentials(http) if c["user_id"] == user}
    assert ("api_token", "expired") in mine and ("session", "active") in mine
    http.post("/__admin/clock/advance", json={"seconds": 1200})
    assert {c["state"] for c in credentials(http) if c["user_id"] == user and c["kind"] == "session"} == {"expired"}
    assert http.get("/members", headers=headers).json["error"]["code"] == 4011


def test_a_running_job_shows_when_its_next_step_is_due_by_clock_and_by_polls(http):
    headers = open_session(http)
    guid = create_member(http, headers, password="password")["guid"]
    http.post(f"/__admin/members/{guid}/scenario", json={"scenario": "delayed", "start": "VERIFICATION"})
    member = next(m for m in http.get("/__admin/members").json["members"] if m["guid"] == guid)
    assert member["job"]["type"] == "VERIFICATION" and member["job"]["scenario"] == "delayed"
    progress = member["progress"]
    assert progress["step_index"] == 0 and progress["step_count"] >= 2
    assert progress["due_at"] is not None and progress["polls_needed"] >= 0
    assert progress["waiting_for_answers"] is False

    http.post(f"/__admin/members/{guid}/finish")
    member = next(m for m in http.get("/__admin/members").json["members"] if m["guid"] == guid)
    assert member["progress"] is None and member["job"]["finished_at"] is not None


def test_a_challenged_member_shows_its_challenges_without_answers(http):
    headers = open_session(http)
    guid = create_member(http, headers, password="password")["guid"]
    http.post(f"/__admin/members/{guid}/scenario", json={"scenario": "mfa_text", "start": "VERIFICATION"})
    http.post("/__admin/clock/advance", json={"seconds": 60})
    for _ in range(5):
        http.get(f"/members/{guid}", headers=headers)
    member = next(m for m in http.get("/__admin/members").json["members"] if m["guid"] == guid)
    assert member["connection_status"] == "CHALLENGED"
    assert member["progress"]["waiting_for_answers"] and member["progress"]["answer_by"]
    assert member["challenges"] and "answer" not in member["challenges"][0]
    assert "correct" not in str(member["challenges"])


def test_members_are_newest_first_and_limited(http):
    headers = open_session(http)
    http.post("/__admin/clock/advance", json={"seconds": 1})  # after MX's static members
    first = create_member(http, headers, password="password")["guid"]
    http.post("/__admin/clock/advance", json={"seconds": 1})
    second = create_member(http, headers, password="password", username="other")["guid"]
    assert [m["guid"] for m in http.get("/__admin/members?limit=2").json["members"]] == [second, first]
    assert http.get("/__admin/members?limit=0").status == 400


def test_the_page_is_served_open_but_its_data_wants_the_admin_token(clock):
    http = FlaskHttp(create_app(Config(admin_token="s3cret"), clock=clock))
    page = http.client.get("/__admin/ui", headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    assert http.client.get("/__admin/ui/static/app.js").status_code == 200
    assert http.get("/__admin/members").status == 401
    assert http.get("/__admin/sessions", headers={"Authorization": "Bearer s3cret"}).status == 200
    assert http.get("/__admin/ui/static/missing.js").json["error"]["code"]


def test_the_page_and_its_files_request_nothing_from_elsewhere():
    for path in [*INSPECTOR.glob("templates/*"), *INSPECTOR.glob("static/*")]:
        text = path.read_text()
        assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", text, re.I), path
        assert "@import" not in text and "url(" not in text, path


def test_the_inspector_itself_is_neither_faulted_nor_journaled(http):
    http.post("/__admin/faults", json={"path": "*", "status": 503})
    assert http.client.get("/__admin/ui").status_code == 200
    assert http.get(f"/{CLIENT}/users.json", headers=API_KEY).status == 503
    assert [e["path"] for e in http.get("/__admin/requests").json["requests"]] == [f"/{CLIENT}/users.json"]


@pytest.mark.live
def test_the_wheel_ships_the_page_its_scripts_and_styles(tmp_path):
    """Offline from a wheel: every template and static file is package data (builds the wheel: a few seconds)."""
    root = ROOT
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), str(root)],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("mocknexus-*.whl")
    shipped = set(zipfile.ZipFile(wheel).namelist())
    needed = {f"mocknexus/apis/inspector/{p.relative_to(INSPECTOR).as_posix()}" for p in INSPECTOR.glob("*/*")}
    assert needed and needed <= shipped, needed - shipped


def test_the_inspector_guide_shows_each_panel_from_a_screenshot_that_exists():
    docs = ROOT / "docs"
    shots = re.findall(r"\((screenshots/inspector-[\w-]+\.png)\)", (docs / "inspector.md").read_text())
    for panel in ("requests", "members", "steer", "sessions"):
        assert f"screenshots/inspector-{panel}.png" in shots
    assert all((docs / shot).is_file() for shot in shots)
