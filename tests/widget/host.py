"""A partner's page for the widget tests, on its own loopback origin: it embeds the widget and records every
message the widget posts (the iframe page), or runs MX's own web SDK (the SDK page).
"""

from __future__ import annotations

import html
import json
import os
import threading
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

# Where .ci/run puts `npm pack @mxenabled/web-widget-sdk` (outside the package: never shipped).
SDK_DIR = Path(
    os.environ.get("MOCKNEXUS_WEB_WIDGET_SDK", Path(__file__).resolve().parents[2] / ".cache" / "web-widget-sdk")
)
SDK_BUNDLE = SDK_DIR / "package" / "dist" / "umd" / "index.js"

RECORDER = """
window.__messages = [];
window.__origins = [];
window.addEventListener("message", function (event) {
  if (!event.data || !event.data.mx) return;  // as MX's SDK: only {mx: true, ...} objects
  window.__origins.push(event.origin);
  window.__messages.push(JSON.parse(JSON.stringify(event.data)));
});
window.sendToWidget = function (payload) {  // as MX's SDK: JSON strings, to the widget's origin
  var frame = document.getElementById("widget");
  frame.contentWindow.postMessage(JSON.stringify(payload), new URL(frame.src).origin);
};
"""

IFRAME_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Partner page</title>
<style>body {{ margin: 0; }} iframe {{ border: none; width: {width}px; height: {height}px; display: block; }}</style>
<script>{recorder}</script></head>
<body><iframe id="widget" title="Connect your bank" src="{src}"{sandbox}></iframe></body></html>
"""

# A partner page that opens an OAuth window itself (the API-only flow) and records what it posts back.
OPENER_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Partner page (OAuth)</title>
<script>{recorder}</script></head>
<body><button id="open" type="button">Connect your bank</button>
<script>
document.getElementById("open").addEventListener("click", function () {{
  window.oauthWindow = window.open({uri}, "_blank");
}});
</script></body></html>
"""

# Where an app's client_redirect_url lands: the query MX appended, shown as JSON.
BACK_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Back in the app</title></head>
<body><pre id="query">{query}</pre></body></html>
"""

SDK_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Partner page (MX web SDK)</title>
<script src="/sdk.js"></script></head>
<body><div id="widget"></div>
<script>
var settings = {settings};
window.__callbacks = [];
window.__errors = [];
function record(name) {{ return function (payload) {{ window.__callbacks.push([name, JSON.parse(JSON.stringify(payload))]); }}; }}
window.widget = new widgetSdk.ConnectWidget({{
  container: "#widget",
  clientId: settings.client_id,  // the MX client id the user was created under (its world)
  apiKey: "partner-key",
  userGuid: settings.user_guid,
  environment: "integration",
  mode: "verification",
  colorScheme: "light",
  // MX's documented hook: point the SDK's Platform API request at mocknexus instead of int-api.mx.com.
  ssoRequestPreprocess: function (request) {{
    return Object.assign({{}}, request, {{ url: request.url.replace("https://int-api.mx.com", settings.mocknexus) }});
  }},
  onSsoUrlLoadError: function (error) {{ window.__errors.push(String(error)); }},
  onInvalidMessageError: function (message, error) {{ window.__errors.push(String(error)); }},
  onLoad: record("onLoad"),
  onLoaded: record("onLoaded"),
  onStepChange: record("onStepChange"),
  onInstitutionSearch: record("onInstitutionSearch"),
  onSelectedInstitution: record("onSelectedInstitution"),
  onEnterCredentials: record("onEnterCredentials"),
  onMemberStatusUpdate: record("onMemberStatusUpdate"),
  onSubmitMFA: record("onSubmitMFA"),
  onMemberConnected: record("onMemberConnected"),
  onConnectedPrimaryAction: record("onConnectedPrimaryAction"),
  onPing: record("onPing"),
  onNavigation: record("onNavigation"),
  onOAuthRequested: record("onOAuthRequested"),
  onOAuthError: record("onOAuthError"),
}});
window.goBack = function () {{ window.widget.navigateBack().then(function (did) {{ window.__wentBack = did; }}); }};
</script></body></html>
"""


class HostServer:
    """Serves the partner pages on 127.0.0.1 (another origin than mocknexus: another port)."""

    def __init__(self) -> None:
        self.server = make_server("127.0.0.1", 0, self._app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def iframe_page(self, widget_url: str, width: int = 320, height: int = 550, webview: bool = False) -> str:
        """`webview`: the frame stands in for a mobile app's WebView, whose app cancels every navigation to
        its URL scheme; a sandboxed frame's custom-scheme navigations are likewise refused (no dialog), and
        the test reads them from the browser's navigation log."""
        query = {"src": widget_url, "width": width, "height": height, "webview": int(webview)}
        return f"{self.url}/iframe?{urlencode(query)}"

    def sdk_page(self, mocknexus: str, user_guid: str, client_id: str) -> str:
        query = {"mocknexus": mocknexus, "user_guid": user_guid, "client_id": client_id}
        return f"{self.url}/sdk?{urlencode(query)}"

    def opener_page(self, uri: str) -> str:
        return f"{self.url}/opener?{urlencode({'uri': uri})}"

    def _app(self, environ: dict, start_response: Any) -> Any:
        request = Request(environ)
        query = {k: v[0] for k, v in parse_qs(request.query_string.decode()).items()}
        if request.path == "/iframe":
            body = IFRAME_PAGE.format(
                src=html.escape(query["src"]),
                width=int(query.get("width", 320)),
                height=int(query.get("height", 550)),
                sandbox=' sandbox="allow-scripts allow-same-origin allow-forms"' if query.get("webview") == "1" else "",
                recorder=RECORDER,
            )
            response = Response(body, mimetype="text/html")
        elif request.path == "/sdk":
            settings = json.dumps({key: query[key] for key in ("mocknexus", "user_guid", "client_id")})
            response = Response(SDK_PAGE.format(settings=settings), mimetype="text/html")
        elif request.path == "/opener":
            page = OPENER_PAGE.format(recorder=RECORDER, uri=json.dumps(query["uri"]))
            response = Response(page, mimetype="text/html")
        elif request.path == "/back":
            response = Response(BACK_PAGE.format(query=html.escape(json.dumps(query))), mimetype="text/html")
        elif request.path == "/sdk.js":
            response = Response(SDK_BUNDLE.read_bytes(), mimetype="text/javascript")
        else:
            response = Response("not found", status=404)
        return response(environ, start_response)

    def __enter__(self) -> HostServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.thread.join(5)
