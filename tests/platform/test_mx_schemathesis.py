"""schemathesis with MX's own document as the schema (docs/reference/mx_platform_api.yml), restricted to the
Platform operations mocknexus serves, against a running server: generated requests, valid and invalid, and
no response may break MX's response schemas, MX's status codes or MX's content types.

MX's document lists only each operation's success code; MX's errors page adds the rest (400, 401, 404,
405, 406, 409, 422 with an `{"error": {"message"}}` body, a verify already running 202, the challenges of a
member that is not challenged 204): those are added to the operations here, and nothing else is changed.
Half the generated cases name a real user, member and account, so the success paths are exercised too.
The counts of answers by status print at the end (`-s`); MOCKNEXUS_FUZZ_EXAMPLES sets the depth (default 10;
.ci/run also runs `-m fuzz` at 50).
"""

from __future__ import annotations

import copy
import json
import os
import zlib
from collections import Counter

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from mocknexus.app import create_app
from mocknexus.config import Config
from tests.platform import mx_document
from tests.platform.support import Platform, basic
from tests.support import LiveHttp, LiveServer

EXAMPLES = int(os.environ.get("MOCKNEXUS_FUZZ_EXAMPLES", "10"))
MX_ERRORS = (400, 401, 404, 405, 406, 409, 422)
ERROR_BODY = {
    "type": "object",
    "required": ["error"],
    "properties": {"error": {"type": "object", "required": ["message"], "properties": {"message": {"type": "string"}}}},
}
pytestmark = [pytest.mark.fuzz, pytest.mark.live, pytest.mark.xdist_group("platform_mx_schemathesis")]


def mx_document_as_served(
    judge: mx_document.Document = mx_document.V20111101, error_body: dict = ERROR_BODY, wanted: set | None = None
) -> dict:
    """MX's document, its paths kept to the served operations, with the statuses MX's errors page names."""
    raw = copy.deepcopy(judge.document)
    wanted = set(mx_document.OPERATIONS) if wanted is None else wanted
    paths = {}
    for path, item in raw["paths"].items():
        kept = {m: op for m, op in item.items() if not isinstance(op, dict) or op.get("operationId") in wanted}
        kept = {m: op for m, op in kept.items() if m == "parameters" or isinstance(op, dict)}
        if any(isinstance(op, dict) and "operationId" in op for op in kept.values()):
            paths[path] = kept
    for item in paths.values():
        for op in item.values():
            if not isinstance(op, dict) or "operationId" not in op:
                continue
            success = next(iter(op["responses"].values()))
            bodiless = "application/json" if judge.version == "v20250224" else "application/vnd.mx.api.v1+json"
            media = next(iter(success.get("content") or {bodiless: None}))  # a 204's errors: the version's type
            if "json" not in media:  # a statement's PDF: its errors are MX's JSON errors
                media = bodiless
            for status in judge.elsewhere.get(op["operationId"], ()):
                op["responses"][str(status)] = {"description": "MX's errors page"} if status == 204 else success
            for status in MX_ERRORS:
                op["responses"].setdefault(
                    str(status),
                    {"description": "MX's errors page", "content": {media: {"schema": error_body}}},
                )
    raw["paths"] = paths
    return raw


SCHEMA = schemathesis.openapi.from_dict(mx_document_as_served())
SCHEMA.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
CHECKS = [response_schema_conformance, status_code_conformance, content_type_conformance]
TALLY: Counter = Counter()


@pytest.fixture(scope="module")
def server():
    with LiveServer(create_app(Config(seed=9, job_time_scale=0))) as live:
        mx = Platform(LiveHttp(live.url))
        user = mx.user("schemathesis-user")
        member = mx.member(user["guid"], "password")
        mx.finish(user["guid"], member["guid"])
        account = mx.get(f"/users/{user['guid']}/accounts", expect=200).json["accounts"][0]
        real = {"user_guid": user["guid"], "member_guid": member["guid"], "account_guid": account["guid"],
                "institution_code": "mxbank"}  # fmt: skip
        yield live.url, real
    print(f"\nMX-document schemathesis: {sum(TALLY.values())} responses, by status {dict(sorted(TALLY.items()))}")


def send_judged(case, url: str, real: dict, headers: dict, tally: Counter) -> requests.Response:
    """Send `case`, half the cases (by their path parameters) naming the records in `real`, and judge its
    answer by MX's document (response schema, status code, content type); the answer, counted in `tally`."""
    if zlib.crc32(repr(case.path_parameters).encode()) % 2:
        for name in case.path_parameters or {}:
            if name in real:
                case.path_parameters[name] = real[name]
    response = case.call(base_url=url, headers=headers, session=requests.Session())
    tally[response.status_code] += 1
    case.validate_response(response, checks=CHECKS)
    return response


@SCHEMA.parametrize()
@settings(
    max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck), database=None
)
def test_mx_document_holds_for_every_response(case, server):
    url, real = server
    # MX's SDK headers; a generated Accept (the operations that take one as a parameter) stays.
    headers = {**basic("schemathesis", "key"), **(case.headers or {})}
    headers["Authorization"] = basic("schemathesis", "key")["Authorization"]
    response = send_judged(case, url, real, headers, TALLY)
    if response.status_code >= 400:
        json.loads(response.content)  # an error is MX's JSON body
