"""What the APIs need of Connect widget URLs: the world's widget URL registry and the answer naming a URL's
page on this server (SSO v3's `urls` and the Platform API's `widget_urls` give the same answer)."""

from __future__ import annotations

from typing import Any

from flask import url_for

from mocknexus.domain.widget.widget_urls import WidgetUrl, WidgetUrls
from mocknexus.web.http import emulator


def widget_urls() -> WidgetUrls:
    return WidgetUrls(emulator())


def _page_url(url: WidgetUrl) -> str:
    # MX's guide: /md/connect/<token>, and /md/mobile_master/<token> for a mobile WebView.
    page = "widget.mobile_page" if url.options.get("is_mobile_webview") else "widget.connect_page"
    return url_for(page, token=url.token, _external=True)


def answer(url: WidgetUrl) -> dict[str, Any]:
    return {"url": _page_url(url), "type": url.widget_type, "user_id": url.user_id}
