"""What the benchmark asks of a server: MX calls over plain http.client, the verification flow, big states."""

from __future__ import annotations

import base64
import http.client
import itertools
import json
import os
import re
import time
from pathlib import Path

from mocknexus.client import open_session

_flow_ids = itertools.count()


def connection(url: str, timeout: float = 30) -> http.client.HTTPConnection:
    host, port = re.match(r"http://([^:/]+):(\d+)", url).groups()
    return http.client.HTTPConnection(host, int(port), timeout=timeout)


def call(conn: http.client.HTTPConnection, method: str, path: str, headers: dict, body: dict | None = None) -> dict:
    payload = None if body is None else json.dumps(body)
    conn.request(method, path, body=payload, headers={**headers, "Content-Type": "application/json"})
    response = conn.getresponse()
    data = response.read()
    if response.status >= 300:
        raise RuntimeError(f"{method} {path}: {response.status} {data[:200]!r}")
    return json.loads(data) if data else {}


def mx_bank_member(conn: http.client.HTTPConnection, h: dict, password: str) -> str:
    """Search MX Bank, read its credentials, create a member (steps 4-6 of the flow); its guid."""
    bank = call(conn, "POST", "/institutions/search", h, {"institution": {"name": "MX Bank"}})["institutions"][0]
    creds = call(conn, "GET", f"/institutions/{bank['guid']}/credentials", h)["credentials"]
    # MX Bank's field names; servers built from before they followed MX (isolation.py --baseline) say these
    # in lower case as username/password.
    values = {"LOGIN": "mxuser", "PASSWORD": password, "username": "mxuser", "password": password}
    body = {
        "member": {
            "institution_guid": bank["guid"],
            "skip_aggregation": True,
            "credentials": [{"guid": c["guid"], "value": values[c["field_name"]]} for c in creds],
        }
    }
    return call(conn, "POST", "/members", h, body)["member"]["guid"]


def prepare_member(url: str) -> tuple[str, dict]:
    """A user, a session and a member at MX Bank: the path and headers of the read to load."""
    session = open_session(url)
    guid = mx_bank_member(connection(url), session.headers, "password")
    return f"/members/{guid}", {"MD-SESSION-TOKEN": session.token}


def prepare_platform_member(url: str) -> tuple[str, dict]:
    """The same read through MX's Platform API: a user and an MX Bank member made with Basic auth (the
    client id `mocknexus`, the world `prepare_member` uses), and `GET /users/{u}/members/{m}`."""
    basic = "Basic " + base64.b64encode(b"mocknexus:bench-key").decode()
    h = {"Authorization": basic, "Accept": "application/vnd.mx.api.v1+json"}
    conn = connection(url)
    user = call(conn, "POST", "/users", h, {"user": {"id": f"platform-bench-{os.getpid()}-{next(_flow_ids)}"}})
    user_guid = user["user"]["guid"]
    creds = call(conn, "GET", "/institutions/mxbank/credentials", h)["credentials"]
    values = {"LOGIN": "mxuser", "PASSWORD": "password"}
    member = {"institution_code": "mxbank", "skip_aggregation": True,
              "credentials": [{"guid": c["guid"], "value": values[c["field_name"]]} for c in creds]}  # fmt: skip
    guid = call(conn, "POST", f"/users/{user_guid}/members", h, {"member": member})["member"]["guid"]
    return f"/users/{user_guid}/members/{guid}", h


def one_flow(url: str, conn: http.client.HTTPConnection | None = None) -> float:
    """The 12-step verification flow as one client runs it (MFA included), on one keep-alive connection;
    returns its seconds. Needs a server with --job-time-scale 0 (polls alone move the job)."""
    started = time.perf_counter()
    conn = conn or connection(url)
    key = {"MD-API-KEY": "bench"}
    user = f"flow-{os.getpid()}-{next(_flow_ids)}-{time.monotonic_ns()}"
    call(conn, "POST", "/bench/users.json", key, {"user": {"id": user}})
    token = call(conn, "GET", f"/bench/users/{user}/api_token.json", key)["api_token"]["token"]
    session = call(conn, "POST", "/sessions", {"MD-API-TOKEN": token}, {"session": {"skip_aggregation": True}})
    verify_with_mfa(conn, {"MD-SESSION-TOKEN": session["session"]["token"]})
    return time.perf_counter() - started


def verify_with_mfa(conn: http.client.HTTPConnection, h: dict) -> None:
    """Steps 4-12 in a session: an MX Bank member asking one question, verified, answered, numbers read."""
    guid = mx_bank_member(conn, h, "challenge")
    call(conn, "POST", f"/members/{guid}/verify", h)
    while call(conn, "GET", f"/members/{guid}", h)["member"]["connection_status"] != "CHALLENGED":
        pass
    [challenge] = call(conn, "GET", f"/members/{guid}/challenges", h)["challenges"]
    answer = {"member": {"challenges": [{"guid": challenge["guid"], "value": "correct"}]}}
    call(conn, "PUT", f"/members/{guid}/resume", h, answer)
    while call(conn, "GET", f"/members/{guid}", h)["member"]["is_being_aggregated"]:
        pass
    assert call(conn, "GET", f"/members/{guid}/account_numbers", h)["account_numbers"]


def big_state(members: int) -> dict:
    """A snapshot with one user owning `members` members (loaded through PUT /__admin/state)."""
    from datetime import UTC, datetime

    from mocknexus.domain.core.ids import new_guid
    from mocknexus.domain.core.models import Member, User
    from mocknexus.domain.core.snapshot import SNAPSHOT_VERSION, to_data

    now = datetime.now(UTC)
    institution = "INS-1572a04c-912b-59bf-5841-332c7dfafaef"  # the bundled MX Bank
    user = User(guid=new_guid("USR"), id="bulk-owner", created_at=now)
    records = []
    for i in range(members):
        member = Member(
            guid=new_guid("MBR"),
            user_guid=user.guid,
            institution_guid=institution,
            institution_code="mxbank",
            name="MX Bank",
            credentials={},
            scenario="connected",
            created_at=now,
            data_seed=f"bulk:{i}",
        )
        user.member_guids.append(member.guid)
        records.append(to_data(member))
    return {"version": SNAPSHOT_VERSION, "users": [to_data(user)], "members": records}


def write_institutions(directory: Path, count: int) -> None:
    from faker import Faker

    fake = Faker()
    fake.seed_instance(1)
    rows = [
        {
            "code": f"bank_{i}",
            "name": f"{fake.company()} Bank {i}",
            "url": f"https://bank{i}.example",
            "credentials": [{"field_name": "username", "label": "Username", "type": "LOGIN"}],
            "default_scenario": "connected",
        }
        for i in range(count)
    ]
    (directory / "many.json").write_text(json.dumps({"version": 1, "institutions": rows}))


def put_state(url: str, state: dict) -> None:
    conn = connection(url, timeout=600)
    # Into the client id `prepare_member` (mocknexus.client.open_session) opens its session under.
    conn.request(
        "PUT", "/__admin/clients/mocknexus/state", body=json.dumps(state), headers={"Content-Type": "application/json"}
    )
    response = conn.getresponse()
    if response.status != 200:
        raise RuntimeError(f"state load: {response.status} {response.read()[:300]!r}")
    response.read()


def moto_read(url: str) -> tuple[str, dict]:
    """An S3 bucket and object in moto; an authenticated GetObject is the comparable keyed read."""
    auth = {
        "Authorization": "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/s3/aws4_request, "
        "SignedHeaders=host, Signature=0",
        "x-amz-date": "20260101T000000Z",
        "x-amz-content-sha256": "UNSIGNED-PAYLOAD",
    }
    for method, path, body in (("PUT", "/bench", None), ("PUT", "/bench/member.json", json.dumps({"member": {}}))):
        conn = connection(url)
        conn.request(method, path, body=body, headers=auth)
        response = conn.getresponse()
        response.read()
        if response.status >= 300:
            raise RuntimeError(f"moto {method} {path}: {response.status}")
    return "/bench/member.json", auth
