"""schemathesis against the served OpenAPI document: generated requests, valid and not, to every endpoint.

Default run: a few examples per operation (deterministic). Longer: MOCKNEXUS_FUZZ_EXAMPLES=500 pytest -m fuzz.
"""

from __future__ import annotations

import json
import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from mocknexus.app import create_app
from mocknexus.config import Config

EXAMPLES = int(os.environ.get("MOCKNEXUS_FUZZ_EXAMPLES", "8"))
# The static session and any API key: generated requests reach the handlers instead of stopping at auth.
AUTH = {"MD-SESSION-TOKEN": "test_session", "MD-API-KEY": "fuzz"}

app = create_app(Config(seed=1, job_time_scale=0, max_wait=0.01))  # a wait answers (408) at once
schema = schemathesis.openapi.from_wsgi("/__admin/openapi.json", app)
pytestmark = pytest.mark.fuzz


@schema.parametrize()
@settings(
    max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck), database=None
)
def test_every_response_is_documented_json_and_never_5xx(case):
    try:
        response = case.call_and_validate(
            headers={**AUTH, **(case.headers or {})},
            checks=[not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance],
        )
        # The inspector's page and the Connect widget's pages (/md/...) are HTML, JavaScript and CSS by design.
        html = (case.path.startswith("/__admin/ui") and response.status_code == 200) or case.path.startswith("/md/")
        if response.status_code != 204 and not case.path.endswith(".xml") and not html:
            assert response.content, (
                case.method,
                case.path,
                response.status_code,
                dict(response.headers),
                case.headers,
            )
            json.loads(response.content)  # every body is JSON (a failure raises here)
    finally:
        # A generated fault or a frozen far-future clock must not leak into the next case.
        app.extensions["mocknexus.faults"].clear()
        app.extensions["mocknexus"].clock.reset()
