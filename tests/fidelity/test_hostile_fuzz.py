"""The OpenAPI document tells the truth under --admin-token and --api-key (issue 21, point 8): schemathesis
with every check against a server that requires both, sending the right credentials, sometimes none (a
negative case drops them); every 401 it meets must be one the document declares, with its security scheme.

MOCKNEXUS_HOSTILE_FUZZ_EXAMPLES random examples per operation (default 5: a smoke run). The boundary cases
of schemathesis's coverage phase are left to tests/fidelity/test_fuzz.py, which runs them over the same
document (the deep run, without credentials); building them again here cost every test worker seconds of
collection. `python bench/fuzz_dialects.py` runs every phase under both credentials against the served image.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS
from schemathesis.core.parameters import ParameterLocation

from mocknexus.app import create_app
from mocknexus.config import Config

EXAMPLES = int(os.environ.get("MOCKNEXUS_HOSTILE_FUZZ_EXAMPLES", "5"))
ADMIN_TOKEN, API_KEY = "fuzz-admin-token", "fuzz-api-key"
AUTH = {"MD-SESSION-TOKEN": "test_session", "MD-API-KEY": API_KEY, "Authorization": f"Bearer {ADMIN_TOKEN}"}

app = create_app(Config(seed=1, job_time_scale=0, max_wait=0.01, admin_token=ADMIN_TOKEN, api_key=API_KEY))
document = app.test_client().get("/__admin/openapi.json", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}).json
schema = schemathesis.openapi.from_dict(document)
schema.app = app
schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
schema.config.phases.update(phases=["examples", "fuzzing"])
pytestmark = pytest.mark.fuzz


def test_every_guarded_admin_path_declares_the_bearer_scheme_and_401():
    assert document["components"]["securitySchemes"]["adminToken"] == {
        "type": "http",
        "scheme": "bearer",
        "description": document["components"]["securitySchemes"]["adminToken"]["description"],
    }
    admin = {
        (path, method): op
        for path, ops in document["paths"].items()
        if path.startswith("/__admin/") and not path.startswith("/__admin/ui")
        for method, op in ops.items()
    }
    assert len(admin) > 30
    for (path, method), op in admin.items():
        if path == "/__admin/health":
            assert op["security"] == [] and "401" not in op["responses"]
            continue
        assert op["security"] == [{"adminToken": []}], (path, method)
        assert "401" in op["responses"], (path, method)
        # And the server does refuse it without the token.
        call = getattr(app.test_client(), method)
        concrete = path.replace("{client_id}", "c").replace("{guid}", "MBR-x").replace("{name}", "n")
        concrete = concrete.replace("{fault_id}", "FLT-1").replace("{id}", "1")
        assert call(concrete).status_code == 401, (path, method)


def _auth(case) -> dict:
    headers = case.meta.components.get(ParameterLocation.HEADER) if case.meta else None
    if headers is not None and headers.mode is GenerationMode.NEGATIVE:
        return dict(case.headers or {})
    return {**AUTH, **(case.headers or {})}


@schema.parametrize()
@settings(
    max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck), database=None
)
def test_the_document_holds_under_admin_token_and_api_key(case):
    names = case.operation.definition.raw.get("x-mocknexus-unchecked", {})
    excluded = [check for check in CHECKS.get_all() if check.__name__ in names]
    try:
        case.call_and_validate(app=app, headers=_auth(case), excluded_checks=excluded)
    finally:
        app.extensions["mocknexus.worlds"].reset_all()
