/* mocknexus Connect widget, part 5 of 6: MX's OAuth step (mxenabled/connect-widget src/views/oauth/).
 *
 * Entering the step creates the PENDING member (is_oauth) as MX's widget does; its button sends
 * connect/oauthRequested {url, member_guid} and, in a browser, opens the bank's page in a new window (in a
 * WebView the app opens it: the event is a navigation to the app's scheme). The end arrives as MX's
 * "OAuth complete" page's message from that window (oauthComplete/success or /error with error_reason), as
 * the app's message into a WebView (the same, or mx/client/oauthComplete {url}), or is seen on the member.
 */
(function (W) {
  "use strict";

  var config = W.config;
  var O = (W.oauth = {});
  var current = null; // the window being waited for: {member, url, popup, timer, done, startStatus}
  // What a member's status says of the bank's answer when no message arrived (INFERRED mapping).
  var REASON_FOR_STATUS = { DENIED: "DENIED", IMPEDED: "IMPEDED", FAILED: "PROVIDER_ERROR" };

  O.isOAuth = function (institution, credentials) {
    return institution.supports_oauth === true || credentials.length === 0;
  };

  /* MX: in a WebView the bank's end returns to the app (APP, to the widget's URL scheme); else BROWSER. */
  function referral() {
    var source = config.oauth_referral_source || (config.is_mobile_webview ? "APP" : "BROWSER");
    var options = { referral_source: source };
    if (source === "APP" && config.is_mobile_webview) options.ui_message_webview_url_scheme = config.ui_message_webview_url_scheme;
    if (source === "APP" && config.client_redirect_url) options.client_redirect_url = config.client_redirect_url;
    return options;
  }

  function begin(member, url) {
    O.stop();
    current = { member: member, url: url, popup: null, timer: null, done: false, startStatus: member.connection_status };
  }

  /* A promise of the OAuth step's view, with its PENDING member created. */
  O.view = function (flow) {
    var body = referral();
    body.member = { institution_guid: flow.state.institution.guid, is_oauth: true, skip_aggregation: !!config.verification };
    return W.api("POST", "/members", body).then(function (data) {
      flow.state.member = data.member;
      flow.state.lastStatus = data.member.connection_status;
      begin(data.member, data.member.oauth_window_uri);
      return stepView(flow);
    });
  };

  function stepView(flow) {
    var back = config.disable_institution_search ? null : flow.backToSearch;
    return W.views.oauth(flow.state.institution, function () { signIn(flow); }, back);
  }

  function signIn(flow) {
    flow.event("oauthRequested", { url: current.url, member_guid: current.member.guid });
    if (!config.is_mobile_webview && referral().referral_source === "BROWSER") {
      // Not "noopener": MX's complete page posts its message to this window, its opener.
      current.popup = window.open(current.url, "_blank");
    }
    flow.show("enterCreds", W.views.oauthWaiting(flow.state.institution, function () { retry(flow); }));
    current.timer = setInterval(function () { check(flow); }, config.poll_ms);
  }

  /* A fresh one-time URI for the same member (MX's widget reuses a PENDING OAuth member). */
  function retry(flow) {
    var options = referral();
    options.skip_aggregation = config.verification ? "true" : "false"; // MX: per URI, default false
    var query = new URLSearchParams(options).toString();
    W.api("GET", W.memberPath(current.member.guid, "/oauth_window_uri?" + query)).then(function (data) {
      begin(flow.state.member, data.member.oauth_window_uri);
      flow.show("enterCreds", stepView(flow));
    }, flow.fatal);
  }

  /* Whether the member shows the bank's answer: read through the member list, which (unlike reading the
   * member) is no poll, so watching never moves a poll-gated job on. */
  function check(flow) {
    if (!current || current.done) return;
    var note = document.getElementById("oauth-status");
    if (current.popup && current.popup.closed && note) note.textContent = "The sign-in window was closed. Try again to reopen it.";
    var guid = current.member.guid;
    W.api("GET", "/members?page=1&records_per_page=1000").then(function (data) {
      var member = data.members.filter(function (m) { return m.guid === guid; })[0];
      if (!member || !current || current.done || current.member.guid !== guid) return;
      if (member.connection_status === current.startStatus && !member.is_being_aggregated) return;
      var reason = REASON_FOR_STATUS[member.connection_status];
      finish(flow, !reason, reason, member);
    }, function () {});
  }

  /* `seen`: the member as the watch read it (its status is then the first the connecting view reports). */
  function finish(flow, ok, reason, seen) {
    if (!current || current.done) return;
    current.done = true;
    var member = current.member;
    O.stop();
    if (ok) {
      flow.state.verifyAfterOAuth = !!config.verification;
      flow.showConnecting();
      if (seen) flow.noteStatus(seen);
      flow.schedulePoll();
      return;
    }
    var search = config.disable_institution_search ? null : flow.backToSearch;
    flow.show("oauthError", W.views.oauthError(member, reason, function () { retry(flow); }, search));
    flow.event("oauthError", { member_guid: member.guid, error_reason: reason });
  }

  /* Stop waiting (and close the bank's window, as MX's widget does). */
  O.stop = function () {
    if (!current) return;
    if (current.timer) clearInterval(current.timer);
    current.timer = null;
    if (current.popup && !current.popup.closed) current.popup.close();
  };

  function outcomeOf(data) {
    var type = String(data.type || "").toLowerCase();
    var metadata = data.metadata || {};
    if (type === "oauthcomplete/success" || type === "oauthcomplete/error") {
      return { ok: type === "oauthcomplete/success", member_guid: metadata.member_guid, reason: metadata.error_reason || "SERVER_ERROR" };
    }
    if (type === "mx/client/oauthcomplete" && metadata.url) {
      // MX's client-to-widget message: the app hands over the oauth_complete URL it was sent to.
      var query = new URL(metadata.url).searchParams;
      return {
        ok: query.get("status") === "success",
        member_guid: query.get("member_guid") || query.get("amp;member_guid"),
        reason: query.get("error_reason") || "SERVER_ERROR",
      };
    }
    return null;
  }

  window.addEventListener("message", function (event) {
    if (!current || current.done) return;
    var fromWindow = current.popup && event.source === current.popup;
    var fromApp = window.parent !== window && event.source === window.parent;
    if (!fromWindow && !fromApp) return;
    var data = event.data;
    if (typeof data === "string") {
      try {
        data = JSON.parse(data);
      } catch (e) {
        return;
      }
    }
    var outcome = data && typeof data === "object" ? outcomeOf(data) : null;
    if (!outcome || (outcome.member_guid && outcome.member_guid !== current.member.guid)) return;
    finish(W.flow, outcome.ok, outcome.reason);
  });
})((window.mxConnect = window.mxConnect || {}));
