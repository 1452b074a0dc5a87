"""A user with an open Nexus session, as a client under test holds one: the flow's first three calls
(`open_session`), then the calls a test makes with it (`create_member`, `create_oauth_member`, `call`).
Standard library only."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from mocknexus.client_http import NEXUS_MEDIA_TYPE
from mocknexus.client_http import http_call as _http
from mocknexus.client_http import quote as _q

MX_BANK = "INS-1572a04c-912b-59bf-5841-332c7dfafaef"  # MX's MX Bank (bundled: fixtures/)
MX_BANK_OAUTH = "INS-68e96dd6-eabd-42d3-9f05-416897f0746c"  # MX's MX Bank (Oauth)


@dataclass(frozen=True)
class NexusSession:
    """A user with an open Nexus session, as a client under test would hold it."""

    base_url: str
    user_id: str
    user_guid: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"MD-SESSION-TOKEN": self.token, "Accept": NEXUS_MEDIA_TYPE, "Content-Type": NEXUS_MEDIA_TYPE}

    def call(self, method: str, path: str, body: Any = None) -> Any:
        """Any Nexus call with this session (`path` from the root, e.g. "/micro_deposits"): the parsed answer;
        AdminError (status, body) for a 4xx or 5xx."""
        return _http(method, self.base_url + path, body, self.headers)

    def create_member(
        self,
        password: str = "password",
        username: str = "mxuser",
        institution_guid: str = MX_BANK,
        skip_aggregation: bool = True,
    ) -> dict:
        """A member at the institution (MX Bank by default) logged in with `username` and `password` (MX Bank's
        passwords and the Scenario Bank's choose a scenario: README), as a Nexus client creates one."""
        base = f"{self.base_url}/institutions/{_q(institution_guid)}"
        fields = _http("GET", f"{base}/credentials", None, self.headers)["credentials"]
        values = {"LOGIN": username, "PASSWORD": password}  # by the credential's type (MX's LOGIN, PASSWORD)
        credentials = [{"guid": f["guid"], "value": values.get(f.get("type") or "", password)} for f in fields]
        body = {"member": {"institution_guid": institution_guid, "skip_aggregation": skip_aggregation}}
        body["member"]["credentials"] = credentials
        return _http("POST", f"{self.base_url}/members", body, self.headers)["member"]

    def create_oauth_member(self, institution_guid: str = MX_BANK_OAUTH, **options: Any) -> dict:
        """A PENDING OAuth member (MX Bank (Oauth) by default) with its `oauth_window_uri`; `options` are MX's
        create-member options (referral_source, client_redirect_url, ...). End its consent with
        `AdminClient.complete_oauth` (or open the URI in a browser)."""
        body = {"member": {"institution_guid": institution_guid, "is_oauth": True}, **options}
        return _http("POST", f"{self.base_url}/members", body, self.headers)["member"]


def open_session(
    base_url: str,
    user_id: str | None = None,
    skip_aggregation: bool = True,
    client_id: str = "mocknexus",
    api_key: str = "mocknexus",
) -> NexusSession:
    """Create a user (MDX), get it an api_token (SSO) and open a Nexus session: the flow's first three calls."""
    base_url = base_url.rstrip("/")
    user_id = user_id or f"user-{secrets.token_hex(6)}"
    key = {"MD-API-KEY": api_key}
    created = _http("POST", f"{base_url}/{_q(client_id)}/users.json", {"user": {"id": user_id}}, key)
    token = _http("GET", f"{base_url}/{_q(client_id)}/users/{_q(user_id)}/api_token.json", None, key)
    opened = _http(
        "POST", f"{base_url}/sessions", {"session": {"skip_aggregation": skip_aggregation}},
        {"MD-API-TOKEN": token["api_token"]["token"]},
    )  # fmt: skip
    return NexusSession(base_url, user_id, created["user"]["guid"], opened["session"]["token"])
