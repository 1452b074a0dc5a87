/* mocknexus Connect widget, part 1 of 6: the settings the page was opened with, and MX's messages.
 *
 * Events follow MX's ui_message_version 4 contract (mxenabled/widget-post-message-definitions):
 * window.parent.postMessage({mx: true, type, metadata}, targetOrigin), or, in a mobile WebView
 * (is_mobile_webview), navigations to {scheme}://{type without "mx/"}?metadata=<URL-encoded JSON>.
 */
(function (W) {
  "use strict";

  var config = (W.config = JSON.parse(document.getElementById("mx-config").textContent));

  W.userMetadata = function (extra) {
    var metadata = { user_guid: config.user_guid, session_guid: config.session_guid };
    for (var key in extra || {}) metadata[key] = extra[key];
    return metadata;
  };

  function targetOrigin() {
    // As MX's widget: the referrer's origin (the partner's page). Without one, any parent (INFERRED).
    var match = /^([^:]+:\/\/[^/]+)/.exec(document.referrer || "");
    return match ? match[1] : "*";
  }

  var webviewQueue = [];

  function flushWebview() {
    window.location.href = webviewQueue[0];
    setTimeout(function () {
      webviewQueue.shift();
      if (webviewQueue.length) flushWebview();
    }, 30);
  }

  /* One event: `event` without the "mx/" prefix ("load", "connect/loaded", ...). */
  W.send = function (event, metadata) {
    if (config.is_mobile_webview) {
      var url = config.ui_message_webview_url_scheme + "://" + event;
      if (metadata) url += "?metadata=" + encodeURIComponent(JSON.stringify(metadata));
      // One navigation per task: two in the same task would let the second cancel the first.
      webviewQueue.push(url);
      if (webviewQueue.length === 1) setTimeout(flushWebview, 0);
      return;
    }
    var message = { mx: true, type: "mx/" + event, metadata: metadata || {} };
    if (window.parent && window.parent !== window) window.parent.postMessage(message, targetOrigin());
    if (window.opener) window.opener.postMessage(message, targetOrigin());
  };

  /* A Connect event: every one carries user_guid and session_guid. */
  W.connectEvent = function (name, extra) {
    W.send("connect/" + name, W.userMetadata(extra));
  };

  /* What MX's SDKs send the widget: JSON strings {type: "ping"} and
   * {mx: true, type: "mx/navigation", payload: {action: "back"}} (objects are accepted too). */
  W.onHostMessage = function (handlers) {
    window.addEventListener("message", function (event) {
      if (event.source !== window.parent && event.source !== window.opener) return;
      var data = event.data;
      if (typeof data === "string") {
        try {
          data = JSON.parse(data);
        } catch (e) {
          return;
        }
      }
      if (!data || typeof data !== "object") return;
      if (data.type === "ping" || data.type === "mx/ping") handlers.ping();
      else if (data.type === "mx/navigation" && data.payload && data.payload.action === "back") handlers.back();
    });
  };
})((window.mxConnect = window.mxConnect || {}));
