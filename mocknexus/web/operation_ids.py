"""Each operation's `operationId` in the OpenAPI document, named as MX names its operations.

The Platform API's are MX's own (its OpenAPI document, docs/reference/mx_platform_api.yml: `createMember`,
`verifyMember`, ...; tests/fidelity/test_client_generation.py checks the table against it). Every other API's
follow MX's style (a verb, then the resource: `listMemberChallenges`, `readMember`), prefixed with the API
(`nexusVerifyMember`, `mdxCreateUser`, `adminAdvanceClientClock`) since an operationId is unique in a document
and MX's names repeat across its APIs. Client generators name their functions after these.
"""

from __future__ import annotations

import re

# MX's operationIds for the Platform API operations mocknexus serves: (method, path) -> MX's name.
PLATFORM = {
    ("GET", "/institutions"): "listInstitutions",
    ("GET", "/institutions/favorites"): "listFavoriteInstitutions",
    ("GET", "/institutions/{institution_code}"): "readInstitution",
    ("GET", "/institutions/{institution_code}/credentials"): "listInstitutionCredentials",
    ("PUT", "/micro_deposits/{micro_deposit_guid}/verify"): "verifyMicrodeposit",
    ("POST", "/users"): "createUser",
    ("GET", "/users"): "listUsers",
    ("GET", "/users/{user_guid}"): "readUser",
    ("PUT", "/users/{user_guid}"): "updateUser",
    ("DELETE", "/users/{user_guid}"): "deleteUser",
    ("GET", "/users/{user_guid}/account_verifications"): "listUserVerifications",
    ("GET", "/users/{user_guid}/accounts"): "listUserAccounts",
    ("GET", "/users/{user_guid}/accounts/{account_guid}"): "readAccount",
    ("GET", "/users/{user_guid}/accounts/{account_guid}/account_numbers"): "listAccountNumbersByAccount",
    ("POST", "/users/{user_guid}/members"): "createMember",
    ("GET", "/users/{user_guid}/members"): "listMembers",
    ("GET", "/users/{user_guid}/members/{member_guid}"): "readMember",
    ("PUT", "/users/{user_guid}/members/{member_guid}"): "updateMember",
    ("DELETE", "/users/{user_guid}/members/{member_guid}"): "deleteMember",
    ("GET", "/users/{user_guid}/members/{member_guid}/account_numbers"): "listAccountNumbersByMember",
    ("GET", "/users/{user_guid}/members/{member_guid}/account_owners"): "listAccountOwnersByMember",
    ("GET", "/users/{user_guid}/members/{member_guid}/accounts"): "listMemberAccounts",
    ("GET", "/users/{user_guid}/members/{member_guid}/accounts/{account_guid}"): "readAccountByMember",
    ("PUT", "/users/{user_guid}/members/{member_guid}/accounts/{account_guid}"): "updateAccountByMember",
    ("POST", "/users/{user_guid}/members/{member_guid}/aggregate"): "aggregateMember",
    ("GET", "/users/{user_guid}/members/{member_guid}/challenges"): "listMemberChallenges",
    ("POST", "/users/{user_guid}/members/{member_guid}/check_balance"): "checkBalances",
    ("GET", "/users/{user_guid}/members/{member_guid}/credentials"): "listMemberCredentials",
    ("POST", "/users/{user_guid}/members/{member_guid}/identify"): "identifyMember",
    ("GET", "/users/{user_guid}/members/{member_guid}/oauth_window_uri"): "requestOAuthWindowURI",
    ("PUT", "/users/{user_guid}/members/{member_guid}/resume"): "resumeAggregation",
    ("GET", "/users/{user_guid}/members/{member_guid}/status"): "readMemberStatus",
    ("POST", "/users/{user_guid}/members/{member_guid}/verify"): "verifyMember",
    ("POST", "/users/{user_guid}/micro_deposits"): "createMicrodeposit",
    ("GET", "/users/{user_guid}/micro_deposits"): "listUserMicrodeposits",
    ("GET", "/users/{user_guid}/micro_deposits/{micro_deposit_guid}"): "readUserMicrodeposit",
    ("DELETE", "/users/{user_guid}/micro_deposits/{micro_deposit_guid}"): "deleteMicrodeposit",
    ("POST", "/users/{user_guid}/widget_urls"): "requestWidgetURL",
    # The data plane (docs/data.md).
    ("GET", "/categories/default"): "listDefaultCategories",
    ("GET", "/categories/{category_guid}"): "readDefaultCategory",
    ("GET", "/users/{user_guid}/categories"): "listCategories",
    ("GET", "/users/{user_guid}/categories/default"): "listDefaultCategoriesByUser",
    ("GET", "/users/{user_guid}/categories/{category_guid}"): "readCategory",
    ("GET", "/users/{user_guid}/transactions"): "listTransactions",
    ("GET", "/users/{user_guid}/transactions/{transaction_guid}"): "readTransaction",
    ("PUT", "/users/{user_guid}/transactions/{transaction_guid}"): "updateTransaction",
    ("GET", "/users/{user_guid}/accounts/{account_guid}/transactions"): "listTransactionsByAccount",
    ("GET", "/users/{user_guid}/members/{member_guid}/transactions"): "listTransactionsByMember",
    ("PUT", "/users/{user_guid}/members/{member_guid}/accounts/{account_guid}/transactions/{transaction_guid}"): (
        "updateTransactionByAccount"
    ),
    # Served in v20250224 only: MX's names from its v20250224 document.
    ("POST", "/users/{user_guid}/accounts/merge"): "mergeAccounts",
    ("GET", "/users/{user_guid}/members/{member_guid}/accounts/{account_guid}/transactions"): (
        "listTransactionsByAccountPerMember"
    ),
    ("GET", "/users/{user_guid}/members/{member_guid}/accounts/{account_guid}/transactions/{transaction_guid}"): (
        "readTransactionByAccount"
    ),
    ("GET", "/users/{user_guid}/investment_holdings"): "listHoldings",
    ("GET", "/users/{user_guid}/investment_holdings/{holding_guid}"): "readHolding",
    ("GET", "/users/{user_guid}/accounts/{account_guid}/investment_holdings"): "listHoldingsByAccount",
    ("GET", "/users/{user_guid}/members/{member_guid}/investment_holdings"): "listHoldingsByMember",
    ("POST", "/users/{user_guid}/members/{member_guid}/extend_history"): "extendHistory",
    ("POST", "/users/{user_guid}/members/{member_guid}/fetch_statements"): "fetchStatements",
    ("GET", "/users/{user_guid}/members/{member_guid}/statements"): "listStatementsByMember",
    ("GET", "/users/{user_guid}/members/{member_guid}/statements/{statement_guid}"): "readStatementByMember",
    ("GET", "/users/{user_guid}/members/{member_guid}/statements/{statement_guid}.pdf"): "downloadStatementPDF",
}

# Nexus operations MX names in its Platform API (the same operation there): MX's name, prefixed.
NEXUS = {
    ("POST", "/institutions/search"): "nexusSearchInstitutions",
    ("PUT", "/members/{guid}/resume"): "nexusResumeAggregation",
    ("GET", "/members/{guid}/oauth_window_uri"): "nexusRequestOAuthWindowURI",
    ("GET", "/members/{guid}/account_numbers"): "nexusListAccountNumbersByMember",
    ("GET", "/members/{guid}/account_owners"): "nexusListAccountOwnersByMember",
    ("GET", "/accounts/{guid}/account_number"): "nexusListAccountNumbersByAccount",
    # MX's singular legacy path for the same list (docs/compatibility.md).
    ("GET", "/member/{guid}/credentials"): "nexusListMemberCredentialsLegacyPath",
}

# Each API's prefix (web/apis.py's names); the Platform API's names are MX's, unprefixed.
PREFIXES = {"platform": "", "admin": "admin", "inspector": "inspector", "widget_api": "widget"}
# A last segment naming what the call does to the resource before it.
ACTIONS = {
    "verify", "identify", "aggregate", "resume", "search", "advance", "freeze", "unfreeze", "finish", "reset",
    "redeliver", "wait", "check_balance", "complete", "authorize", "deny", "fire",
}  # fmt: skip
_VERBS = {"GET": "read", "POST": "create", "PUT": "update", "PATCH": "update", "DELETE": "delete"}
# Resource names read as one thing though they end in s (GET answers one, not a list).
_SINGULAR = {"status", "access", "address", "alias", "canvas", "settings", "dialects"}


def _camel(words: list[str]) -> str:
    parts = [p for w in words for p in re.split(r"[_\-.]+", w) if p]
    return "".join(p[:1].upper() + p[1:] for p in parts)


def _singular(word: str) -> str:
    if word in _SINGULAR or not word.endswith("s"):
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes")):
        return word[:-2]
    return word[:-1]


def _plural(word: str) -> bool:
    return word.endswith("s") and word not in _SINGULAR


def operation_id(api: str, method: str, path: str) -> str:
    """The operationId of `method path` in `api` (a name from web/apis.py)."""
    if api == "platform" and (method, path) in PLATFORM:
        return PLATFORM[(method, path)]
    if api == "nexus" and (method, path) in NEXUS:
        return NEXUS[(method, path)]
    parts = [p for p in path.split("/") if p and p != "__admin"]
    suffix = ""
    if parts and re.search(r"\.[a-z]+$", parts[-1]):  # a format (.json, .xml, .pdf): the same resource
        parts[-1], _, extension = parts[-1].rpartition(".")
        suffix = extension
    statics = [(i, p) for i, p in enumerate(parts) if not p.startswith("{")]
    ends_in_parameter = bool(parts) and parts[-1].startswith("{")
    nouns = []  # the resources leading to the last one, each named once (singular)
    for _, word in statics[:-1]:
        nouns.append(_singular(word))
    last = statics[-1][1] if statics else "root"
    if last in ACTIONS and not ends_in_parameter:
        verb, words = _camel([last])[:1].lower() + _camel([last])[1:], nouns
    elif ends_in_parameter:
        verb, words = _VERBS.get(method, method.lower()), [*nouns, _singular(last)]
    elif "." in last:  # a file (a page's script or styles)
        verb, words = "read", [*nouns, last]
    elif method == "GET":
        verb, words = ("list" if _plural(last) else "read"), [*nouns, last]
    elif method == "POST" and _plural(last):
        verb, words = "create", [*nouns, _singular(last)]
    elif method == "POST":  # a member's status, scenario or OAuth outcome: set from the control plane
        verb, words = "set", [*nouns, last]
    else:
        verb, words = _VERBS.get(method, method.lower()), [*nouns, last]
    name = verb + _camel([*words, suffix])
    prefix = PREFIXES.get(api, api)
    return prefix + name[:1].upper() + name[1:] if prefix else name
