"""What the APIs need of OAuth windows: the options a request gives, and the absolute URI of a member's
consent page (on this server, like MX's own, which "includes the https:// protocol")."""

from __future__ import annotations

from typing import Any

from flask import url_for

from mocknexus.domain.core.models import Member
from mocknexus.domain.oauth.oauth import OAuthOptions


def oauth_options(given: dict[str, Any], skip_aggregation: bool) -> OAuthOptions:
    return OAuthOptions(
        referral_source=given["referral_source"],
        client_redirect_url=given["client_redirect_url"],
        ui_message_webview_url_scheme=given["ui_message_webview_url_scheme"],
        enable_app2app=given["enable_app2app"],
        skip_aggregation=skip_aggregation,
    )


def window_uri(member: Member) -> str | None:
    """MX's Nexus example: `https://.../oauth/predirect_to/MBR-.../<token>`; None once the window is spent."""
    state = member.oauth
    if state is None or state.window_token is None or state.window_used_at is not None:
        return None
    return url_for("oauth.consent", member_guid=member.guid, token=state.window_token, _external=True)


class WithWindowUri:
    """A member as rendered with its `oauth_window_uri` (the member record itself knows no host)."""

    def __init__(self, member: Member) -> None:
        self._member = member
        self.oauth_window_uri = window_uri(member)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._member, name)


def with_window_uri(member: Member) -> WithWindowUri:
    return WithWindowUri(member)
