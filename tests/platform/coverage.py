"""The Platform API's coverage table (docs/platform-coverage.md), generated from MX's two documents and the
server's own routes: for every operation MX documents, in each version, whether mocknexus serves it, whether
the tests judge its answers by MX's document of that version, and whether one of MX's SDKs calls it in the
SDK flows the tests run.

- served: a Platform route of the app matches the operation's method and path, and the version has the
  operation (`served_operations`).
- validated: the operation is in the list whose every answer the version's conformance test judges by MX's
  document (tests/platform/mx_document.py `VALIDATED`; each conformance test asserts it met them all).
- SDK: the operation is called by a flow the SDK tests run (sdk_flow.py and sdk_data_flow.py:
  mx-platform-python 1.12.0 and sdk_flow.js: mx-platform-node 2.1.0 for v20111101; sdk_flow_v20250224.js and
  sdk_data_flow_v20250224.js: mx-platform-node 3.0.0).

`python -m tests.platform.coverage` writes the table; tests/platform/test_coverage_table.py fails when the
committed one is stale.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from flask import Flask

from mocknexus.apis.platform.versions import VERSIONS as PLATFORM_VERSIONS
from mocknexus.app import create_app
from mocknexus.config import Config
from mocknexus.domain.core.errors import MXError
from tests.platform import mx_document

ROOT = Path(__file__).resolve().parents[2]
TABLE = ROOT / "docs" / "platform-coverage.md"
HERE = Path(__file__).parent
SDK_FLOWS = {
    "v20111101": {
        "mx-platform-python 1.12.0": (HERE / "sdk_flow.py", HERE / "sdk_data_flow.py"),
        "mx-platform-node 2.1.0": (HERE / "sdk_flow.js",),
    },
    "v20250224": {"mx-platform-node 3.0.0": (HERE / "sdk_flow_v20250224.js", HERE / "sdk_data_flow_v20250224.js")},
}
VERSIONS = ("v20111101", "v20250224")
YES, NO = "yes", "-"


def _shape(template: str) -> str:
    """A path with its parameters blanked: `/users/{user_guid}` and `/users/<user_guid>` are one shape."""
    return re.sub(r"\{[^}]+\}|<[^>]+>", "{}", template)


def platform_routes(app: Flask) -> dict[tuple[str, str], str]:
    """(method, path shape) -> endpoint, for every route of the Platform API."""
    routes = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".", 1)[0] != "platform":
            continue
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}:
            routes[(method, _shape(rule.rule))] = rule.endpoint
    return routes


def served_operations(app: Flask, version: str) -> set[str]:
    """The operations of `version`'s document that the app answers in that version: a Platform route serves
    its path, and the version has the operation (apis/platform/versions.py: a view of its own or the one of
    the version before it; an operation a version drops is MX's 404 there)."""
    routes = platform_routes(app)
    found = set()
    for op_id, (method, template, _) in mx_document.DOCUMENTS[version].operations.items():
        endpoint = routes.get((method, _shape(template)))
        if endpoint is None:
            continue
        try:
            PLATFORM_VERSIONS.view(endpoint, version)
        except MXError:
            continue
        found.add(op_id)
    return found


def sdk_operations(version: str) -> dict[str, set[str]]:
    """SDK -> the operations its flow calls (a method named after the operationId, or its snake_case)."""
    ops = mx_document.DOCUMENTS[version].operations
    by_name = {**{op: op for op in ops}, **{_snake(op): op for op in ops}}
    found = {}
    for sdk, flows in SDK_FLOWS[version].items():
        called = {name for flow in flows for name in re.findall(r"\.(\w+)\(", flow.read_text(encoding="utf-8"))}
        found[sdk] = {by_name[name] for name in called if name in by_name}
    return found


def _snake(op_id: str) -> str:
    """MX's Python SDK's method names: requestOAuthWindowURI -> request_o_auth_window_uri."""
    name = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", op_id)
    name = re.sub(r"([A-Z])([A-Z][a-z])", r"\1_\2", name)
    return name.lower()


def table() -> str:
    app = create_app(Config(seed=1))
    docs = mx_document.DOCUMENTS
    served = {v: served_operations(app, v) for v in VERSIONS}
    validated = {v: set(mx_document.VALIDATED[v]) for v in VERSIONS}
    sdks = {v: sdk_operations(v) for v in VERSIONS}
    every = sorted(set(docs["v20111101"].operations) | set(docs["v20250224"].operations))
    on_path = [op for op in every if any(op in served[v] for v in VERSIONS)]
    rest = [op for op in every if op not in on_path]

    def cell(version: str, op: str) -> list[str]:
        if op not in docs[version].operations:
            return ["not in MX's document", NO, NO]
        callers = [sdk for sdk, ops in sdks[version].items() if op in ops]
        return [YES if op in served[version] else NO, YES if op in validated[version] else NO, ", ".join(callers) or NO]

    def path(op: str) -> str:
        method, new, _ = docs["v20250224"].operations.get(op) or docs["v20111101"].operations[op]
        old = docs["v20111101"].operations.get(op)
        moved = f" (v20111101: `{old[1]}`)" if old and old[1] != new else ""
        return f"`{method} {new}`{moved}"

    lines = [
        "# Platform API coverage: operation x version",
        "",
        "Generated by `python -m tests.platform.coverage` from MX's two documents (docs/reference/) and the",
        "server's routes; `tests/platform/test_coverage_table.py` fails when it is stale. **served**: mocknexus",
        "answers it in that version; **validated**: the version's conformance test judges its answers by MX's",
        "document of that version; **SDK**: MX's SDK whose flow (run by the SDK tests) calls it. Part of",
        "mocknexus's documentation: start at the [README](../README.md), index in [docs/README.md](README.md).",
        "",
        "| | v20111101 | v20250224 |",
        "|---|---|---|",
        f"| operations in MX's document | {len(docs['v20111101'].operations)} | {len(docs['v20250224'].operations)} |",
        f"| served | {len(served['v20111101'])} | {len(served['v20250224'])} |",
        f"| validated against MX's document | {len(validated['v20111101'] & served['v20111101'])} "
        f"| {len(validated['v20250224'] & served['v20250224'])} |",
        "| exercised by an MX SDK | "
        + " | ".join(str(len(set().union(*sdks[v].values()) & served[v])) for v in VERSIONS)
        + " |",
        "",
        "## The operations served",
        "",
        "| operation | path | v20111101 served | validated | SDK | v20250224 served | validated | SDK |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for op in on_path:
        lines.append(f"| {op} | {path(op)} | " + " | ".join(cell("v20111101", op) + cell("v20250224", op)) + " |")
    lines += [
        "",
        "## Not served",
        "",
        "MX's operations mocknexus does not serve (it answers them 404, as MX answers a path it does not",
        "know; docs/data.md says why). `removed` marks the two v20111101 operations v20250224 dropped.",
        "",
        "| operation | path | in v20111101 | in v20250224 |",
        "|---|---|---|---|",
    ]
    for op in rest:
        present = [
            "yes" if op in docs[v].operations else "removed" if v == "v20250224" else "added later" for v in VERSIONS
        ]
        lines.append(f"| {op} | {path(op)} | " + " | ".join(present) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    TABLE.write_text(table(), encoding="utf-8")
    sys.stdout.write(f"wrote {TABLE.relative_to(ROOT)}\n")
