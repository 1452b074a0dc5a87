/* mocknexus Connect widget: plain JavaScript, no build step.
 *
 * Every action is a call to the Nexus API of this same server with the session the widget URL opened, so
 * the member the widget makes lives in the same world as the partner's API calls. Events follow MX's
 * ui_message_version 4 contract (mxenabled/widget-post-message-definitions): postMessage of
 * {mx: true, type, metadata} to the parent, or, in a mobile WebView, navigations to
 * {scheme}://{type without "mx/"}?metadata=<URL-encoded JSON>.
 */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("mx-config").textContent);
  var NEXUS = "application/vnd.mx.nexus.v1+json";
  var root = document.getElementById("widget");
  // Each connection_status in MX's end-user groups (MX's "important member fields and states" guide).
  var UPDATE_CREDENTIALS = ["DENIED", "PREVENTED", "IMPAIRED", "IMPORTED"];
  var VISIT_WEBSITE = ["LOCKED", "IMPEDED"];
  var CHOOSE_ANOTHER = ["DISCONTINUED", "CLOSED", "DISABLED"];
  // INFERRED: MX's job detail code for "no eligible accounts", sent with invalidData when a verification
  // connects but finds no account numbers.
  var NO_ELIGIBLE_ACCOUNTS = 1000;

  var state = {
    step: null,
    history: [],
    institution: null,
    member: null,
    lastStatus: null,
    pollTimer: null,
    mode: "create",
  };

  // ---- events -----------------------------------------------------------------------------------------

  function userMetadata(extra) {
    var metadata = { user_guid: config.user_guid, session_guid: config.session_guid };
    for (var key in extra || {}) metadata[key] = extra[key];
    return metadata;
  }

  function targetOrigin() {
    // As MX's widget: the referrer's origin (the partner's page). Without one, any parent (INFERRED).
    var match = /^([^:]+:\/\/[^/]+)/.exec(document.referrer || "");
    return match ? match[1] : "*";
  }

  var webviewQueue = [];
  function send(event, metadata) {
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
  }

  function flushWebview() {
    var url = webviewQueue[0];
    window.location.href = url;
    setTimeout(function () {
      webviewQueue.shift();
      if (webviewQueue.length) flushWebview();
    }, 30);
  }

  function connectEvent(name, extra) {
    send("connect/" + name, userMetadata(extra));
  }

  // ---- the Nexus API ----------------------------------------------------------------------------------

  function api(method, path, body) {
    var init = {
      method: method,
      headers: { "MD-SESSION-TOKEN": config.session_token, Accept: NEXUS },
    };
    if (body !== undefined) {
      init.headers["Content-Type"] = NEXUS;
      init.body = JSON.stringify(body);
    }
    return fetch(path, init).then(function (response) {
      return response.text().then(function (text) {
        var data = null;
        try {
          data = text ? JSON.parse(text) : null;
        } catch (e) {
          data = null;
        }
        if (!response.ok) {
          var message = data && data.error && data.error.message;
          var error = new Error(message || "The request failed (" + response.status + ").");
          error.status = response.status;
          throw error;
        }
        return data;
      });
    });
  }

  var enc = encodeURIComponent;

  // ---- rendering --------------------------------------------------------------------------------------

  function h(tag, attrs) {
    var el = document.createElement(tag);
    for (var key in attrs || {}) {
      var value = attrs[key];
      if (value === null || value === undefined || value === false) continue;
      if (key === "text") el.textContent = value;
      else if (key.slice(0, 2) === "on") el.addEventListener(key.slice(2), value);
      else el.setAttribute(key, value === true ? "" : value);
    }
    for (var i = 2; i < arguments.length; i++) {
      var child = arguments[i];
      if (child === null || child === undefined || child === false) continue;
      el.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return el;
  }

  function show(step, view, quiet) {
    var previous = state.step;
    if (previous !== step && previous !== null) {
      if (!quiet) state.history.push(previous);
      connectEvent("stepChange", { previous: previous, current: step });
    }
    state.step = step;
    root.setAttribute("data-step", step);
    root.replaceChildren(view);
    var heading = view.querySelector("h1");
    if (heading) {
      heading.setAttribute("tabindex", "-1");
      heading.focus();
    }
  }

  // A form waiting for the API takes no second submission. Its controls stay enabled: disabling the one
  // that has focus would drop a keyboard user's focus to the page.
  function busy(form, on) {
    form.setAttribute("aria-busy", on ? "true" : "false");
  }

  function isBusy(form) {
    return form.getAttribute("aria-busy") === "true";
  }

  function alertBox(id) {
    return h("p", { id: id, class: "alert", role: "alert", hidden: true });
  }

  function setAlert(el, message) {
    el.textContent = message;
    el.hidden = !message;
  }

  // ---- search -----------------------------------------------------------------------------------------

  function searchView() {
    var input = h("input", { id: "search-input", type: "search", name: "query", autocomplete: "off", required: true });
    var results = h("ul", { id: "search-results", class: "results", "aria-label": "Institutions" });
    var summary = h("p", { id: "search-summary", class: "hint", role: "status" });
    var form = h(
      "form",
      { role: "search", id: "search-form", onsubmit: function (e) { e.preventDefault(); search(input.value.trim(), results, summary, form); } },
      h("label", { for: "search-input", text: "Search for your bank or credit union" }),
      h("div", { class: "row" }, input, h("button", { type: "submit", class: "primary", text: "Search" }))
    );
    return h(
      "section",
      { class: "step" },
      h("h1", { text: "Select your institution" }),
      config.verification ? h("p", { class: "hint", text: "Only institutions that can verify account numbers are shown." }) : null,
      form,
      summary,
      results
    );
  }

  function search(query, results, summary, form) {
    if (!query || isBusy(form)) return;
    connectEvent("institutionSearch", { query: query });
    busy(form, true);
    api("POST", "/institutions/search?page=1&records_per_page=25", { institution: { name: query } })
      .then(function (data) {
        busy(form, false);
        var found = data.institutions.filter(function (i) {
          return !config.verification || i.supports_account_verification;
        });
        results.replaceChildren.apply(results, found.map(function (institution) {
          return h(
            "li",
            null,
            h(
              "button",
              { type: "button", class: "institution", "data-code": institution.code, onclick: function () { selectInstitution(institution); } },
              h("span", { class: "name", text: institution.name }),
              h("span", { class: "url", text: institution.url.replace(/^https?:\/\/(www\.)?/, "") })
            )
          );
        }));
        summary.textContent = found.length === 1 ? "1 institution found." : found.length + " institutions found.";
      })
      .catch(function (error) {
        busy(form, false);
        summary.textContent = "Search failed: " + error.message;
      });
  }

  function selectInstitution(institution) {
    connectEvent("selectedInstitution", {
      code: institution.code, guid: institution.guid, name: institution.name, url: institution.url,
    });
    state.institution = institution;
    state.mode = "create";
    state.member = null;
    api("GET", "/institutions/" + enc(institution.guid) + "/credentials").then(function (data) {
      show("enterCreds", credentialsView(data.credentials));
    }, fatal);
  }

  // ---- credentials ------------------------------------------------------------------------------------

  function credentialInput(credential) {
    var id = "credential-" + credential.field_name.replace(/\W+/g, "-");
    var input;
    if (credential.type === "OPTIONS" && credential.options) {
      input = h("select", { id: id, name: credential.guid, required: true });
      credential.options.forEach(function (o) { input.appendChild(h("option", { value: o.value, text: o.label })); });
    } else {
      input = h("input", {
        id: id,
        name: credential.guid,
        type: credential.type === "PASSWORD" ? "password" : "text",
        autocomplete: credential.type === "PASSWORD" ? "current-password" : credential.type === "LOGIN" ? "username" : "off",
        autocapitalize: "none",
        spellcheck: "false",
        required: true,
      });
    }
    return h("div", { class: "field" }, h("label", { for: id, text: credential.label }), input);
  }

  function credentialsView(credentials) {
    var institution = state.institution;
    var updating = state.mode === "update";
    var error = alertBox("credentials-error");
    var sorted = credentials.slice().sort(function (a, b) { return (a.display_order || 0) - (b.display_order || 0); });
    var form = h(
      "form",
      { id: "credentials-form", novalidate: true, onsubmit: function (e) { e.preventDefault(); submitCredentials(form, sorted, error); } },
      h.apply(null, ["div", null].concat(sorted.map(credentialInput))),
      error,
      h("button", { type: "submit", class: "primary", text: "Continue" })
    );
    var canGoBack = !config.disable_institution_search && !updating;
    return h(
      "section",
      { class: "step" },
      canGoBack ? h("button", { type: "button", class: "link back", onclick: backToSearch, text: "Back to search" }) : null,
      h("h1", { text: (updating ? "Update your credentials for " : "Enter your credentials for ") + institution.name }),
      h("p", { class: "hint", text: "mocknexus test bank: the password picks the scenario (see the README)." }),
      form
    );
  }

  function submitCredentials(form, credentials, error) {
    if (isBusy(form)) return;
    var values = [];
    var missing = [];
    credentials.forEach(function (c) {
      var input = form.elements[c.guid];
      if (!input.value) missing.push(c.label);
      values.push({ guid: c.guid, value: input.value });
    });
    if (missing.length) {
      setAlert(error, "Enter your " + missing.join(" and ").toLowerCase() + ".");
      form.elements[credentials[0].guid].focus();
      return;
    }
    setAlert(error, "");
    var institution = { code: state.institution.code, guid: state.institution.guid };
    busy(form, true);
    var request;
    if (state.mode === "update") {
      connectEvent("updateCredentials", { member_guid: state.member.guid, institution: institution });
      request = api("PUT", "/members/" + enc(state.member.guid), {
        member: { credentials: values, skip_aggregation: !!config.verification },
      });
    } else {
      connectEvent("enterCredentials", { institution: institution });
      request = api("POST", "/members", {
        member: { institution_guid: institution.guid, credentials: values, skip_aggregation: !!config.verification },
      });
    }
    request
      .then(function (data) {
        if (state.mode === "update") {
          showConnecting();
          noteStatus(data.member);
        } else {
          // The member's first status is where memberStatusUpdate starts from (MX: only changes are sent).
          state.member = data.member;
          state.lastStatus = data.member.connection_status;
          showConnecting();
        }
        return config.verification ? startJob() : null;
      })
      .then(schedulePoll, function (e) {
        if (state.step !== "enterCreds") return fatal(e);
        busy(form, false);
        if (state.mode === "create") {
          connectEvent("createMemberError", { institution_guid: institution.guid, institution_code: institution.code });
        }
        setAlert(error, e.message);
      });
  }

  function backToSearch() {
    connectEvent("backToSearch", {});
    goSearch();
  }

  function goSearch() {
    stopPolling();
    state.member = null;
    state.mode = "create";
    show("search", searchView());
  }

  // ---- connecting: polling like MX's widget ------------------------------------------------------------

  function startJob() {
    var guid = enc(state.member.guid);
    var job = config.verification
      ? api("POST", "/members/" + guid + "/verify", { include_transactions: config.include_transactions !== false })
      : api("GET", "/members/" + guid + "/aggregate");
    return job.then(function (data) {
      noteStatus(data.member);
      return data;
    });
  }

  function connectingView() {
    var name = state.member ? state.member.name : state.institution.name;
    return h(
      "section",
      { class: "step" },
      h("h1", { text: "Connecting to " + name }),
      h("div", { class: "spinner", "aria-hidden": "true" }),
      h("p", { id: "connecting-status", role: "status", text: "Connecting ..." })
    );
  }

  function showConnecting() {
    if (state.step !== "connecting") show("connecting", connectingView());
  }

  function schedulePoll() {
    stopPolling();
    state.pollTimer = setTimeout(poll, config.poll_ms);
  }

  function stopPolling() {
    if (state.pollTimer) clearTimeout(state.pollTimer);
    state.pollTimer = null;
  }

  function noteStatus(member) {
    state.member = member;
    if (member.connection_status !== state.lastStatus) {
      state.lastStatus = member.connection_status;
      connectEvent("memberStatusUpdate", { member_guid: member.guid, connection_status: member.connection_status_id });
    }
    var line = document.getElementById("connecting-status");
    if (line && member.connection_status_message) line.textContent = member.connection_status_message;
  }

  function poll() {
    state.pollTimer = null;
    api("GET", "/members/" + enc(state.member.guid))
      .then(function (data) {
        var member = data.member;
        noteStatus(member);
        var status = member.connection_status;
        if (status === "CHALLENGED") return openMfa();
        if (status === "CONNECTED") {
          // In verification mode the account numbers come at the end of the job: wait for it, as MX does.
          var waitForJob = config.wait_for_full_aggregation || config.verification;
          if (waitForJob && member.is_being_aggregated) return schedulePoll();
          return connected();
        }
        if (member.is_being_aggregated) return schedulePoll();
        return loginError();
      })
      .catch(function (error) {
        if (error.status === 401) return fatal(error);
        schedulePoll(); // a failed poll (an injected fault, a dropped connection) is retried, as MX does
      });
  }

  // ---- MFA --------------------------------------------------------------------------------------------

  function openMfa() {
    return api("GET", "/members/" + enc(state.member.guid) + "/challenges").then(function (data) {
      if (!data.challenges.length) return schedulePoll();
      show("mfa", mfaView(data.challenges));
    });
  }

  function imageSource(data) {
    return /^data:/.test(data) ? data : "data:image/png;base64," + data;
  }

  function challengeField(challenge, index) {
    var id = "challenge-" + index;
    if (challenge.type === "OPTIONS" || challenge.type === "IMAGE_OPTIONS") {
      var options = challenge.type === "OPTIONS" ? challenge.options : challenge.image_options;
      return h.apply(null, ["fieldset", { class: "choices", "data-type": challenge.type },
        h("legend", { text: challenge.label })].concat(options.map(function (option, i) {
        var optionId = id + "-" + i;
        return h(
          "div",
          { class: "choice" },
          h("input", { type: "radio", id: optionId, name: challenge.guid, value: option.value, required: true }),
          h(
            "label",
            { for: optionId },
            challenge.type === "IMAGE_OPTIONS" ? h("img", { src: imageSource(option.data_uri), alt: "" }) : null,
            h("span", { text: option.label })
          )
        );
      })));
    }
    return h(
      "div",
      { class: "field", "data-type": challenge.type },
      challenge.type === "IMAGE_DATA" ? h("img", { class: "challenge-image", src: imageSource(challenge.image_data), alt: "Security image from " + state.member.name }) : null,
      h("label", { for: id, text: challenge.label }),
      h("input", {
        id: id, name: challenge.guid, type: "text", required: true,
        autocomplete: challenge.type === "TOKEN" ? "one-time-code" : "off",
        inputmode: challenge.type === "TOKEN" ? "numeric" : null,
      })
    );
  }

  function mfaView(challenges) {
    var error = alertBox("mfa-error");
    var form = h(
      "form",
      { id: "mfa-form", novalidate: true, onsubmit: function (e) { e.preventDefault(); submitMfa(form, challenges, error); } },
      h.apply(null, ["div", null].concat(challenges.map(challengeField))),
      error,
      h("button", { type: "submit", class: "primary", text: "Continue" })
    );
    return h(
      "section",
      { class: "step" },
      h("h1", { text: "Verify your identity" }),
      h("p", { class: "hint", text: state.member.connection_status_message }),
      form
    );
  }

  function answerOf(form, challenge) {
    var field = form.elements[challenge.guid];
    return field ? field.value : "";
  }

  function submitMfa(form, challenges, error) {
    if (isBusy(form)) return;
    var answers = challenges.map(function (c) { return { guid: c.guid, value: answerOf(form, c) }; });
    if (answers.some(function (a) { return !a.value; })) {
      setAlert(error, "Answer every question to continue.");
      return;
    }
    connectEvent("submitMFA", { member_guid: state.member.guid });
    busy(form, true);
    api("PUT", "/members/" + enc(state.member.guid) + "/resume", { member: { challenges: answers } })
      .then(function (data) {
        showConnecting();
        noteStatus(data.member);
        schedulePoll();
      }, function (e) {
        // The challenge may have ended meanwhile (expired on the clock): then show where the member is now.
        api("GET", "/members/" + enc(state.member.guid)).then(function (data) {
          if (data.member.connection_status === "CHALLENGED") throw e;
          showConnecting();
          noteStatus(data.member);
          schedulePoll();
        }).catch(function () {
          busy(form, false);
          setAlert(error, e.message);
        });
      });
  }

  // ---- end states -------------------------------------------------------------------------------------

  function connected() {
    var member = state.member;
    var numbers = config.verification
      ? api("GET", "/members/" + enc(member.guid) + "/account_numbers").then(function (d) { return d.account_numbers; })
      : Promise.resolve(null);
    return numbers.then(function (accounts) {
      if (accounts && !accounts.length) {
        connectEvent("invalidData", { member_guid: member.guid, code: NO_ELIGIBLE_ACCOUNTS });
        return show("loginError", errorView("No eligible accounts",
          "We could not find a checking or savings account with account and routing numbers at " + member.name + ".", false));
      }
      connectEvent("memberConnected", { member_guid: member.guid });
      show("connected", connectedView(accounts));
    });
  }

  function connectedView(accounts) {
    var list = accounts
      ? h.apply(null, ["ul", { class: "accounts", "aria-label": "Verified accounts" }].concat(accounts.map(function (a) {
        return h("li", { text: "Account ending " + a.account_number.slice(-4) + " · routing " + a.routing_number });
      })))
      : null;
    return h(
      "section",
      { class: "step" },
      h("div", { class: "check", "aria-hidden": "true", text: "✓" }),
      h("h1", { text: "Success" }),
      h("p", { text: "You have successfully connected " + state.member.name + "." }),
      list,
      h("button", { type: "button", class: "primary", id: "done", onclick: function () { connectEvent("connected/primaryAction", {}); }, text: "Done" })
    );
  }

  function loginError() {
    var member = state.member;
    show("loginError", errorView(titleFor(member.connection_status), member.connection_status_message, true));
  }

  function titleFor(status) {
    if (UPDATE_CREDENTIALS.indexOf(status) >= 0) return "Incorrect credentials";
    if (VISIT_WEBSITE.indexOf(status) >= 0) return "Action needed at " + state.member.name;
    if (status === "REJECTED" || status === "EXPIRED") return "Verification failed";
    return "Something went wrong";
  }

  function errorView(title, message, offerActions) {
    var member = state.member;
    var status = member.connection_status;
    var actions = h("div", { class: "actions" });
    var institutionUrl = state.institution && state.institution.url;
    if (offerActions && UPDATE_CREDENTIALS.indexOf(status) >= 0) {
      actions.appendChild(h("button", { type: "button", class: "primary", id: "update-credentials", onclick: updateCredentials, text: "Update credentials" }));
    } else if (offerActions && CHOOSE_ANOTHER.indexOf(status) < 0) {
      if (VISIT_WEBSITE.indexOf(status) >= 0 && institutionUrl) {
        actions.appendChild(h("a", { class: "button secondary", href: institutionUrl, target: "_blank", rel: "noopener", text: "Visit " + member.name }));
      }
      actions.appendChild(h("button", { type: "button", class: "primary", id: "try-again", onclick: tryAgain, text: "Try again" }));
    }
    if (!config.disable_institution_search) {
      actions.appendChild(h("button", { type: "button", class: "secondary", id: "back-to-search", onclick: backToSearch, text: "Connect a different institution" }));
    }
    actions.appendChild(h("button", { type: "button", class: "link", id: "delete-member", onclick: deleteMember, text: "Remove this connection" }));
    return h(
      "section",
      { class: "step error" },
      h("div", { class: "cross", "aria-hidden": "true", text: "!" }),
      h("h1", { text: title }),
      h("p", { id: "error-message", text: message }),
      actions
    );
  }

  function tryAgain() {
    showConnecting();
    startJob().then(schedulePoll, fatal);
  }

  function updateCredentials() {
    state.mode = "update";
    loadInstitution(state.member.institution_guid)
      .then(function () { return api("GET", "/members/" + enc(state.member.guid) + "/credentials"); })
      .then(function (data) { show("enterCreds", credentialsView(data.credentials)); }, fatal);
  }

  function deleteMember() {
    var guid = state.member.guid;
    api("DELETE", "/members/" + enc(guid)).then(function () {
      connectEvent("memberDeleted", { member_guid: guid });
      if (config.disable_institution_search) {
        state.member = null;
        show("deleted", h("section", { class: "step" }, h("h1", { text: "Connection removed" })));
      } else {
        goSearch();
      }
    }, fatal);
  }

  function fatal(error) {
    stopPolling();
    show("error", h(
      "section",
      { class: "step error" },
      h("div", { class: "cross", "aria-hidden": "true", text: "!" }),
      h("h1", { text: "Something went wrong" }),
      h("p", { id: "error-message", text: error.message })
    ));
  }

  function loadInstitution(guid) {
    if (state.institution && state.institution.guid === guid) return Promise.resolve(state.institution);
    return api("GET", "/institutions/" + enc(guid)).then(function (data) {
      state.institution = data.institution;
      return data.institution;
    });
  }

  // ---- the partner's page talking to the widget: ping and back --------------------------------------------

  window.addEventListener("message", function (event) {
    if (event.source !== window.parent && event.source !== window.opener) return;
    var data = event.data;
    if (typeof data === "string") {
      try { data = JSON.parse(data); } catch (e) { return; }
    }
    if (!data || typeof data !== "object") return;
    if (data.type === "ping" || data.type === "mx/ping") {
      // The SDK's ping keeps the widget session alive: touch the Nexus session, then answer.
      api("GET", "/user").then(function () { send("ping", userMetadata()); }, function () {});
    } else if (data.type === "mx/navigation" && data.payload && data.payload.action === "back") {
      send("navigation", userMetadata({ did_go_back: goBack() }));
    }
  });

  function goBack() {
    if (state.step === "enterCreds" && state.mode === "create" && !config.disable_institution_search) {
      goSearch();
      return true;
    }
    return false;
  }

  // ---- start: which step the options open on -------------------------------------------------------------

  function findInstitution() {
    if (config.current_institution_guid) return loadInstitution(config.current_institution_guid);
    var code = config.current_institution_code;
    return api("POST", "/institutions/search?page=1&records_per_page=25", { institution: { name: code } }).then(function (data) {
      var match = data.institutions.filter(function (i) { return i.code === code; })[0];
      if (!match) throw new Error("No institution has the code " + code + ".");
      state.institution = match;
      return match;
    });
  }

  function initialView() {
    if (config.current_member_guid) {
      // MX: "Load to a specific member that contains an error or requires MFA from the most recent job.
      // Members with no errors will return to search. current_member_guid takes precedence."
      return api("GET", "/members/" + enc(config.current_member_guid)).then(function (data) {
        var member = data.member;
        state.member = member;
        state.lastStatus = member.connection_status;
        return loadInstitution(member.institution_guid).then(function () {
          if (config.update_credentials) {
            state.mode = "update";
            return api("GET", "/members/" + enc(member.guid) + "/credentials").then(function (d) {
              return ["enterCreds", credentialsView(d.credentials)];
            });
          }
          if (member.connection_status === "CHALLENGED") {
            return api("GET", "/members/" + enc(member.guid) + "/challenges").then(function (d) {
              return ["mfa", mfaView(d.challenges)];
            });
          }
          if (!member.is_being_aggregated && member.connection_status !== "CONNECTED") {
            return ["loginError", errorView(titleFor(member.connection_status), member.connection_status_message, true)];
          }
          state.member = null;
          return ["search", searchView()];
        });
      }, function () {
        return ["search", searchView()];
      });
    }
    if (config.current_institution_guid || config.current_institution_code) {
      return findInstitution().then(function (institution) {
        return api("GET", "/institutions/" + enc(institution.guid) + "/credentials").then(function (d) {
          return ["enterCreds", credentialsView(d.credentials)];
        });
      });
    }
    return Promise.resolve(["search", searchView()]);
  }

  send("load");
  initialView().then(function (initial) {
    show(initial[0], initial[1]);
    connectEvent("loaded", { initial_step: initial[0] });
  }, fatal);
})();
