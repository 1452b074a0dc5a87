"""The request log: one line per request with method, path, status, ms, client id and request id; JSON on
request; no secret in any line (tokens, API keys, passwords, Basic auth, the admin token)."""

from __future__ import annotations

import base64
import json
import logging
import os
import subprocess
import sys
import time

import pytest
import requests

from mocknexus import request_log
from mocknexus.app import create_app
from mocknexus.config import Config
from mocknexus.request_log import JsonFormatter
from tests.support import API_KEY, CLIENT, FlaskHttp, create_member, free_port, open_session

SECRETS = ("s3cret-key", "pa55word-xyz", "admin-t0ken", "basic-pa55")


def _lines(caplog) -> list[logging.LogRecord]:
    request_log.flush()  # the writer thread writes every 50 ms; the test reads now
    return [r for r in caplog.records if r.name == "mocknexus.requests"]


def test_one_line_per_request_with_its_fields(app, caplog):
    caplog.set_level(logging.INFO, logger="mocknexus.requests")
    http = FlaskHttp(app)
    headers = open_session(http)
    http.get("/no/such/path")
    http.post(f"/__admin/clients/{CLIENT}/clock/advance", json={"seconds": 1})
    records = _lines(caplog)
    assert records[1].path.startswith(f"/{CLIENT}/users/") and records[1].path.endswith("/api_token.json")
    assert [(r.method, r.path, r.status) for r in records] == [
        ("POST", f"/{CLIENT}/users.json", 200),
        ("GET", records[1].path, 200),
        ("POST", "/sessions", 200),
        ("GET", "/no/such/path", 404),
        ("POST", f"/__admin/clients/{CLIENT}/clock/advance", 200),
    ]
    assert [r.client_id for r in records] == [CLIENT, CLIENT, CLIENT, None, CLIENT]
    # API calls carry their journal id (the inspector's and GET /__admin/requests' id); the control plane none.
    assert all(isinstance(r.request_id, int) for r in records[:4]) and records[4].request_id is None
    assert all(r.ms >= 0 for r in records)
    first = records[0].getMessage()
    assert first.startswith(f"POST /{CLIENT}/users.json 200 ") and f"client={CLIENT} request=" in first
    assert headers["MD-SESSION-TOKEN"] not in caplog.text


def test_no_secret_is_ever_logged(config, clock, caplog):
    from dataclasses import replace

    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="mocknexus.requests")
    app = create_app(replace(config, api_key="s3cret-key", admin_token="admin-t0ken"), clock=clock)
    http = FlaskHttp(app)
    http.post(f"/{CLIENT}/users.json", json={"user": {"id": "u-1"}}, headers={"MD-API-KEY": "s3cret-key"})
    token = http.get(f"/{CLIENT}/users/u-1/api_token.json", headers={"MD-API-KEY": "s3cret-key"}).json
    api_token = token["api_token"]["token"]
    session = http.post("/sessions", json={"session": {}}, headers={"MD-API-TOKEN": api_token}).json["session"]
    headers = {"MD-SESSION-TOKEN": session["token"], "Content-Type": "application/vnd.mx.nexus.v1+json"}
    create_member(http, headers, "pa55word-xyz")
    basic = base64.b64encode(b"my-client:basic-pa55").decode()
    http.get("/users?api_key=s3cret-key", headers={"Authorization": f"Basic {basic}"})
    http.get("/__admin/state", headers={"Authorization": "Bearer admin-t0ken"})
    url = http.post(
        f"/{CLIENT}/users/u-1/urls.json",
        json={"url": {"type": "connect_widget"}},
        headers={"MD-API-KEY": "s3cret-key", "Content-Type": "application/vnd.moneydesktop.sso.v3+json"},
    ).json["url"]["url"]
    widget_token = url.rsplit("/", 1)[1]
    http.get(url.split("8080", 1)[-1] if "8080" in url else "/md/connect/" + widget_token)
    logged = "\n".join(r.getMessage() for r in _lines(caplog))
    assert len(_lines(caplog)) == 10
    assert "/md/connect/****" in logged
    for secret in (*SECRETS, api_token, session["token"], widget_token, basic):
        assert secret not in caplog.text, secret


def test_json_lines_carry_the_fields():
    record = logging.makeLogRecord(
        {"name": "mocknexus.requests", "levelname": "INFO", "msg": "GET / 200", "method": "GET", "status": 200}
    )
    line = json.loads(JsonFormatter().format(record))
    assert line["method"] == "GET" and line["status"] == 200 and line["logger"] == "mocknexus.requests"
    assert line["time"].endswith("Z") and line["message"] == "GET / 200"


def test_a_bad_log_format_is_refused():
    with pytest.raises(ValueError, match="log_format"):
        Config.from_env({"MOCKNEXUS_LOG_FORMAT": "xml"})


@pytest.mark.live
@pytest.mark.parametrize("log_format", ["text", "json"])
def test_serve_logs_every_request_by_default(log_format):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOCKNEXUS_")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "mocknexus", "serve", "--port", str(port), "--log-format", log_format],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                requests.get(base + "/__admin/health", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.05)  # the server is starting: wait for the state asserted
        requests.post(f"{base}/my-client/users.json", headers=API_KEY, json={"user": {"id": "p-1"}}, timeout=5)
        requests.get(f"{base}/nope", timeout=5)
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=10)
    lines = [line for line in err.splitlines() if "mocknexus.requests" in line]
    assert len(lines) == 3, err  # the health check, the user, the 404: once each
    if log_format == "json":
        entries = [json.loads(line) for line in lines]
        assert [(e["method"], e["path"], e["status"], e["client_id"]) for e in entries] == [
            ("GET", "/__admin/health", 200, None),
            ("POST", "/my-client/users.json", 200, "my-client"),
            ("GET", "/nope", 404, None),
        ]
        assert entries[1]["request_id"] == 1 and entries[1]["ms"] >= 0
    else:
        assert " INFO mocknexus.requests: POST /my-client/users.json 200 " in lines[1]
        assert lines[1].endswith("client=my-client request=1")
