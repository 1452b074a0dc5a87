"""The Platform API's versions, chosen per request (web/versions.py), and the views each registers.

MX's dated versions: `v20111101` (what mx-platform-python 1.12.0 and mx-platform-node 2.x speak: `Accept:
application/vnd.mx.api.v1+json`) and `v20250224` (MX's current one: `Accept: application/json` with
`Accept-Version: v20250224`, which MX made mandatory on every call from 2026-08-12). A request names its
version by `Accept-Version`, else by the v1 media type in `Accept`; one naming neither is answered in
v20111101 (DECIDED: MX refuses it since 2026-08-12 with its 406, "The request didn't specify a valid API
version"; mocknexus keeps answering what every client written before that date sends, and says which version
answered in its own docs). An `Accept-Version` MX does not have (or mocknexus does not know) is MX's 406.

A version answers each operation with the view it registers for it (`VERSIONS.view_for`), else with the view
of the version before it (MX changes only what breaks): a view of v20250224's own is registered here or in
the concept module it belongs to, e.g.

    @VERSIONS.view_for(V20250224, "platform.read_user")
    def read_user_v20250224(caller: Caller) -> Response: ...

and an operation one version adds or drops is marked with `VERSIONS.since` / `VERSIONS.until`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mocknexus.apis.platform.schemas.v20250224 import errors as current_errors
from mocknexus.domain.platform.identifiers import ACCOUNT, INSTITUTION, MEMBER, TRANSACTION, USER
from mocknexus.web.apis import PLATFORM_MEDIA_TYPE
from mocknexus.web.versions import Version, Versions

V20111101 = "v20111101"
V20250224 = "v20250224"
VERSION_HEADER = "Accept-Version"


def _asked(environ: Mapping[str, Any]) -> str | None:
    asked = environ.get("HTTP_ACCEPT_VERSION")
    if asked is not None:
        return asked.strip()
    return V20111101 if "vnd.mx.api.v1+json" in environ.get("HTTP_ACCEPT", "") else None


# The path segments each operation takes as MX's identifiers in v20250224 (MX's v20250224 document: the
# `{user_identifier}`, `{member_identifier}`, `{account_identifier}`, `{transaction_identifier}` and
# `{institution_identifier}` of its paths; tests/platform/test_v20250224_identifiers.py holds this table to
# it). The segments keep v20111101's names; an operation not listed takes guids only there (e.g. account
# numbers by member, read account, the holdings, statements and micro-deposits keep `{user_guid}`).
_USER = frozenset({USER})
_MEMBER = frozenset({USER, MEMBER})
_ACCOUNT = frozenset({USER, MEMBER, ACCOUNT})
_IDENTIFIERS: dict[str, frozenset[str]] = {
    **dict.fromkeys(
        ["read_user", "update_user", "delete_user", "create_member", "list_members", "list_user_accounts",
         "list_transactions"],
        _USER,
    ),
    **dict.fromkeys(
        ["read_member", "update_member", "delete_member", "read_member_status", "verify_member", "identify_member",
         "aggregate_member", "check_balances", "resume_aggregation", "list_member_challenges",
         "list_member_credentials", "request_oauth_window_uri", "list_account_owners_by_member",
         "list_member_accounts", "list_transactions_by_member", "extend_history", "fetch_statements"],
        _MEMBER,
    ),
    **dict.fromkeys(["read_account_by_member", "update_account_by_member"], _ACCOUNT),
    **dict.fromkeys(["read_transaction_by_account", "update_transaction_by_account"], _ACCOUNT | {TRANSACTION}),
    "list_account_numbers_by_account": frozenset({USER, ACCOUNT}),
    "list_institution_credentials": frozenset({INSTITUTION}),
}  # fmt: skip

VERSIONS = Versions(
    versions=(
        Version(V20111101, media_type=PLATFORM_MEDIA_TYPE),
        Version(
            V20250224,
            media_type="application/json",  # MX's v20250224 document answers application/json
            error_body=current_errors.error_body,
            identifiers={f"platform.{name}": names for name, names in _IDENTIFIERS.items()},
        ),
    ),
    pick=_asked,
    default=lambda config: V20111101,
)
