"""MX's own OpenAPI document for the Platform API (docs/reference/mx_platform_api.yml, MIT, a verbatim copy) as
the judge of every Platform response: its operations, its success codes, and its schemas, checked with an
OpenAPI 3.0 validator (types and `nullable` exactly as MX declares them), plus "no key MX does not declare"
(MX's strict Python SDK drops unknown keys silently, which would hide a misspelt one).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from openapi_schema_validator import OAS30Validator

DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "reference" / "mx_platform_api.yml"

# The operations of the verification and aggregation flow (the reference notes' section 2) mocknexus serves.
OPERATIONS = [
    "createUser",
    "listUsers",
    "readUser",
    "updateUser",
    "deleteUser",
    "listInstitutions",
    "listFavoriteInstitutions",
    "readInstitution",
    "listInstitutionCredentials",
    "createMember",
    "listMembers",
    "readMember",
    "updateMember",
    "deleteMember",
    "readMemberStatus",
    "verifyMember",
    "identifyMember",
    "aggregateMember",
    "checkBalances",
    "resumeAggregation",
    "listMemberChallenges",
    "listMemberCredentials",
    "requestOAuthWindowURI",
    "listAccountNumbersByMember",
    "listAccountNumbersByAccount",
    "listAccountOwnersByMember",
    "listUserAccounts",
    "readAccount",
    "listMemberAccounts",
    "readAccountByMember",
    "updateAccountByMember",
    "requestWidgetURL",
    "createMicrodeposit",
    "listUserMicrodeposits",
    "readUserMicrodeposit",
    "deleteMicrodeposit",
    "verifyMicrodeposit",
    "listUserVerifications",
]
# The data plane's (docs/data.md): transactions, categories, merchants, holdings, statements and their jobs;
# tests/platform/test_data_plane.py covers them.
DATA_OPERATIONS = [
    "listTransactions",
    "listTransactionsByMember",
    "listTransactionsByAccount",
    "readTransaction",
    "updateTransaction",
    "updateTransactionByAccount",
    "listDefaultCategories",
    "readDefaultCategory",
    "listCategories",
    "listDefaultCategoriesByUser",
    "readCategory",
    "listMerchants",
    "readMerchant",
    "listHoldings",
    "listHoldingsByMember",
    "listHoldingsByAccount",
    "readHolding",
    "listStatementsByMember",
    "readStatementByMember",
    "downloadStatementPDF",
    "extendHistory",
    "fetchStatements",
]
OPERATIONS += DATA_OPERATIONS
# MX's errors page (not its document, which declares no error response): what the emulator answers besides
# each operation's success code.
DOCUMENTED_ELSEWHERE = {
    "verifyMember": {202},  # "a job of the same type is already running"
    "listMemberChallenges": {204},  # "If ... not ... CHALLENGED, then code 204 No Content"
}


@cache
def document() -> dict[str, Any]:
    return yaml.load(DOCUMENT.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


@cache
def operations() -> dict[str, tuple[str, str, dict]]:
    """operationId -> (method, path template, operation)."""
    found = {}
    for path, item in document()["paths"].items():
        for method, operation in item.items():
            if isinstance(operation, dict) and "operationId" in operation:
                found[operation["operationId"]] = (method.upper(), path, operation)
    return found


def operation_for(method: str, path: str) -> str:
    """The operationId whose template matches a concrete path (literal segments win, as in MX's routing)."""
    best = None
    for op_id in OPERATIONS:
        op_method, template, _ = operations()[op_id]
        pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"
        if op_method == method and re.match(pattern, path.split("?")[0]):
            literals = len(re.sub(r"\{[^}]+\}", "", template))
            if best is None or literals > best[0]:
                best = (literals, op_id)
    assert best is not None, f"no MX operation for {method} {path}"
    return best[1]


def success_codes(op_id: str) -> set[int]:
    return {int(code) for code in operations()[op_id][2]["responses"]}


def response_schema(op_id: str, status: int) -> tuple[str, dict] | None:
    """(media type, schema) MX declares for this status, None for a response without a body."""
    content = operations()[op_id][2]["responses"][str(status)].get("content")
    if not content:
        return None
    ((media, spec),) = content.items()
    return media, spec["schema"]


def problems(op_id: str, status: int, content_type: str, body: Any) -> list[str]:
    """What is wrong with a success response, judged by MX's document (empty: nothing)."""
    if status in DOCUMENTED_ELSEWHERE.get(op_id, set()):
        status = min(success_codes(op_id))  # same body as the documented success (204: none)
        if op_id == "listMemberChallenges":
            return [] if body in (None, b"") else ["204 with a body"]
    if status not in success_codes(op_id):
        return [f"{status} is not a success code MX lists for {op_id} ({sorted(success_codes(op_id))})"]
    declared = response_schema(op_id, status)
    if declared is None:
        return [] if body in (None, b"", "") else [f"{status} must have no body"]
    media, schema = declared
    found = []
    if content_type.split(";")[0].strip() != media:
        found.append(f"Content-Type {content_type!r}, MX declares {media}")
    validator = OAS30Validator({**schema, "components": document()["components"]})
    found += [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(body)]
    found += undeclared(body, schema)
    return found


def _resolve(schema: dict) -> dict:
    while "$ref" in schema:
        schema = document()["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    if "allOf" in schema:
        merged: dict[str, Any] = {"properties": {}}
        for part in schema["allOf"]:
            merged["properties"].update(_resolve(part).get("properties", {}))
        return merged
    return schema


def undeclared(value: Any, schema: dict, path: str = "") -> list[str]:
    """Keys in `value` that MX's schema does not declare, all the way down."""
    schema = _resolve(schema)
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        found = [f"{path}/{key}: not in MX's document" for key in value if key not in properties]
        for key, inner in value.items():
            if key in properties:
                found += undeclared(inner, properties[key], f"{path}/{key}")
        return found
    if isinstance(value, list) and "items" in schema:
        return [p for item in value for p in undeclared(item, schema["items"], f"{path}[]")]
    return []
