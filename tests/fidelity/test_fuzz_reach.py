"""Issue 28, point 7: the schemathesis runs reach every operation of the document. tests/fidelity/test_fuzz.py
(README's `pytest`, and CI's `-m fuzz` at 50 examples) is parametrized by operation with no time budget:
each operation is its own test, so none goes untested because others took the time."""

from __future__ import annotations

import pytest

from tests.fidelity import test_fuzz

METHODS = {"get", "put", "post", "delete", "patch", "head", "options"}
pytestmark = pytest.mark.fuzz


def test_the_fuzz_run_reaches_every_operation_of_the_document():
    document = test_fuzz.app.test_client().get("/__admin/openapi.json").get_json()
    declared = {
        (method.upper(), path) for path, ops in document["paths"].items() for method in ops if method in METHODS
    }
    reached = {(op.ok().method.upper(), op.ok().path) for op in test_fuzz.schema.get_all_operations()}
    # schemathesis leaves out the document it is loaded from (the document's own tests read it).
    assert reached == declared - {("GET", "/__admin/openapi.json")}
    assert len(declared) > 150
