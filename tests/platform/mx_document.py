"""MX's own OpenAPI documents for the Platform API (docs/reference/: mx_platform_api.yml for v20111101,
mx_platform_api_v20250224.yml for v20250224; MIT, verbatim copies) as the judges of every Platform response:
their operations, their success codes, and their schemas, checked with an OpenAPI 3.0 validator (types and
`nullable` exactly as MX declares them), plus "no key MX does not declare" (MX's strict Python SDK drops
unknown keys silently, which would hide a misspelt one). `V20111101` and `V20250224` are the two judges; the
module's functions are v20111101's, as before.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml
from openapi_schema_validator import OAS30Validator

REFERENCE = Path(__file__).resolve().parents[2] / "docs" / "reference"
DOCUMENT = REFERENCE / "mx_platform_api.yml"

# The operations of the verification and aggregation flow (the reference notes' section 2) mocknexus serves,
# by MX's operationId (the same 38 in both versions).
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
VERIFICATION_OPERATIONS = list(OPERATIONS)
OPERATIONS += DATA_OPERATIONS
# The data-plane operations MX's v20250224 document adds (tests/platform/test_v20250224_data.py covers them).
V20250224_DATA_OPERATIONS = ["listTransactionsByAccountPerMember", "readTransactionByAccount", "mergeAccounts"]
# MX's errors page (not its document, which declares no error response): what the emulator answers besides
# each operation's success code, with the body of the documented success (204: none).
DOCUMENTED_ELSEWHERE = {
    "verifyMember": {202},  # "a job of the same type is already running"
    "listMemberChallenges": {204},  # "If ... not ... CHALLENGED, then code 204 No Content"
}
# v20250224's create member answers 201 "when the member was created, but a product within `data_request`
# failed to aggregate", the member carrying an `error` object (mxenabled/openapi PR #179, 2026-02-03, after
# the snapshot in docs/reference). The object's keys are those MX's MemberResponse#error example gave
# (mxenabled/openapi 078c260..bc30ed4): error_type, error_code, error_message, user_message, locale.
MEMBER_ERROR = {
    "type": "object",
    "nullable": True,
    "properties": {
        "error_type": {"type": "string"},
        "error_code": {"type": "integer", "nullable": True},
        "error_message": {"type": "string"},
        "user_message": {"type": "string"},
        "locale": {"type": "string"},
    },
}


@dataclass(frozen=True)
class Document:
    """One version's document and the judgements made with it."""

    version: str
    path: Path
    elsewhere: dict[str, set[int]] = field(default_factory=dict)

    @cached_property
    def document(self) -> dict[str, Any]:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        raw = yaml.load(self.path.read_text(encoding="utf-8"), Loader=loader)
        if self.version == "v20250224":  # PR #179's 201 (see MEMBER_ERROR), added to the document as MX did
            schemas = raw["components"]["schemas"]
            schemas["MemberCreatedResponse"] = copy.deepcopy(schemas["MemberResponse"])
            schemas["MemberCreatedResponse"]["properties"]["error"] = MEMBER_ERROR
            body = {"type": "object", "properties": {"member": {"$ref": "#/components/schemas/MemberCreatedResponse"}}}
            created = {
                "description": "Created; a requested product failed",
                "content": {"application/json": {"schema": body}},
            }
            raw["paths"]["/users/{user_identifier}/members"]["post"]["responses"]["201"] = created
        return raw

    @cached_property
    def operations(self) -> dict[str, tuple[str, str, dict]]:
        """operationId -> (method, path template, operation)."""
        found = {}
        for path, item in self.document["paths"].items():
            for method, operation in item.items():
                if isinstance(operation, dict) and "operationId" in operation:
                    found[operation["operationId"]] = (method.upper(), path, operation)
        return found

    def operation_for(self, method: str, path: str) -> str:
        """The operationId whose template matches a concrete path (literal segments win, as in MX's routing)."""
        best = None
        for op_id in (o for o in [*OPERATIONS, *V20250224_DATA_OPERATIONS] if o in self.operations):
            op_method, template, _ = self.operations[op_id]
            pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"
            if op_method == method and re.match(pattern, path.split("?")[0]):
                literals = len(re.sub(r"\{[^}]+\}", "", template))
                if best is None or literals > best[0]:
                    best = (literals, op_id)
        assert best is not None, f"no MX operation for {method} {path}"
        return best[1]

    def success_codes(self, op_id: str) -> set[int]:
        return {int(code) for code in self.operations[op_id][2]["responses"]}

    def response_schema(self, op_id: str, status: int) -> tuple[str, dict] | None:
        """(media type, schema) MX declares for this status, None for a response without a body."""
        content = self.operations[op_id][2]["responses"][str(status)].get("content")
        if not content:
            return None
        ((media, spec),) = content.items()
        return media, spec["schema"]

    def problems(self, op_id: str, status: int, content_type: str, body: Any) -> list[str]:
        """What is wrong with a success response, judged by MX's document (empty: nothing)."""
        if status in self.elsewhere.get(op_id, set()):
            status = min(self.success_codes(op_id))  # same body as the documented success (204: none)
            if op_id == "listMemberChallenges":
                return [] if body in (None, b"") else ["204 with a body"]
        if status not in self.success_codes(op_id):
            return [f"{status} is not a success code MX lists for {op_id} ({sorted(self.success_codes(op_id))})"]
        declared = self.response_schema(op_id, status)
        if declared is None:
            return [] if body in (None, b"", "") else [f"{status} must have no body"]
        media, schema = declared
        found = []
        if content_type.split(";")[0].strip() != media:
            found.append(f"Content-Type {content_type!r}, MX declares {media}")
        validator = OAS30Validator({**schema, "components": self.document["components"]})
        found += [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(body)]
        found += self.undeclared(body, schema)
        return found

    def _resolve(self, schema: dict) -> dict:
        while "$ref" in schema:
            schema = self.document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
        if "allOf" in schema:
            merged: dict[str, Any] = {"properties": {}}
            for part in schema["allOf"]:
                merged["properties"].update(self._resolve(part).get("properties", {}))
            return merged
        return schema

    def undeclared(self, value: Any, schema: dict, path: str = "") -> list[str]:
        """Keys in `value` that MX's schema does not declare, all the way down."""
        schema = self._resolve(schema)
        if isinstance(value, dict):
            properties = schema.get("properties", {})
            found = [f"{path}/{key}: not in MX's document" for key in value if key not in properties]
            for key, inner in value.items():
                if key in properties:
                    found += self.undeclared(inner, properties[key], f"{path}/{key}")
            return found
        if isinstance(value, list) and "items" in schema:
            return [p for item in value for p in self.undeclared(item, schema["items"], f"{path}[]")]
        return []


V20111101 = Document("v20111101", DOCUMENT, DOCUMENTED_ELSEWHERE)
V20250224 = Document("v20250224", REFERENCE / "mx_platform_api_v20250224.yml", DOCUMENTED_ELSEWHERE)
DOCUMENTS = {d.version: d for d in (V20111101, V20250224)}
# Per version, the operations whose every answer its conformance test judges by that version's document (and
# asserts it met them all): the coverage table's "validated" column (tests/platform/coverage.py).
# v20250224: the verification path's and the data plane's, and the data-plane operations v20250224 adds.
V20250224_OPERATIONS = OPERATIONS + V20250224_DATA_OPERATIONS
VALIDATED: dict[str, list[str]] = {"v20111101": OPERATIONS, "v20250224": V20250224_OPERATIONS}


# v20111101's judgements under the names the tests have used.
def document() -> dict[str, Any]:
    return V20111101.document


def operations() -> dict[str, tuple[str, str, dict]]:
    return V20111101.operations


operation_for = V20111101.operation_for
success_codes = V20111101.success_codes
response_schema = V20111101.response_schema
problems = V20111101.problems
undeclared = V20111101.undeclared
