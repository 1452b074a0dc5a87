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


# The operations whose `{user_guid}` is `{user_identifier}` in MX's v20250224 document (the guid or the
# partner's id); account numbers by member, read account and micro-deposits keep `{user_guid}` there.
_USER_IDENTIFIERS = frozenset(
    f"platform.{name}"
    for name in [
        "read_user",
        "update_user",
        "delete_user",
        "create_member",
        "list_members",
        "read_member",
        "update_member",
        "delete_member",
        "read_member_status",
        "verify_member",
        "identify_member",
        "aggregate_member",
        "check_balances",
        "resume_aggregation",
        "list_member_challenges",
        "list_member_credentials",
        "request_oauth_window_uri",
        "list_account_numbers_by_account",
        "list_account_owners_by_member",
        "list_user_accounts",
        "list_member_accounts",
        "read_account_by_member",
        "update_account_by_member",
        # The data plane's (listTransactionsByAccount, the holdings and statements keep `{user_guid}`).
        "list_transactions",
        "list_transactions_by_member",
        "update_transaction_by_account",
        "read_transaction_by_account",
        "extend_history",
        "fetch_statements",
    ]
)

VERSIONS = Versions(
    versions=(
        Version(V20111101, media_type=PLATFORM_MEDIA_TYPE),
        Version(
            V20250224,
            media_type="application/json",  # MX's v20250224 document answers application/json
            error_body=current_errors.error_body,
            user_identifiers=_USER_IDENTIFIERS,
        ),
    ),
    pick=_asked,
    default=lambda config: V20111101,
)
