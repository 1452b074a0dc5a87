/* mocknexus Connect widget, part 6 of 6: the flow. Which step shows, what each action calls on the Nexus
 * API, and the events MX's widget sends for it; polling a connecting member as MX's widget does. */
(function (W) {
  "use strict";

  var config = W.config;
  var api = W.api;
  var V = W.views;
  var event = W.connectEvent;
  var root = document.getElementById("widget");
  // INFERRED: MX's job detail code for "no eligible accounts", sent with invalidData when a verification
  // connects but finds no account numbers.
  var NO_ELIGIBLE_ACCOUNTS = 1000;

  var state = { step: null, institution: null, member: null, lastStatus: null, pollTimer: null, mode: "create" };

  function show(step, view) {
    var previous = state.step;
    if (previous !== null && previous !== step) event("stepChange", { previous: previous, current: step });
    state.step = step;
    root.setAttribute("data-step", step);
    root.replaceChildren(view);
    // Each step starts at its heading, for screen readers and keyboard users alike.
    var heading = view.querySelector("h1");
    if (heading) {
      heading.setAttribute("tabindex", "-1");
      heading.focus();
    }
  }

  function fatal(error) {
    stopPolling();
    show("error", V.message("Something went wrong", error.message));
  }

  // ---- search -----------------------------------------------------------------------------------------

  /* MX's widget in verification mode: "Connect with account numbers" starts the micro-deposit path. */
  function microdepositsButton() {
    return W.h("button", { type: "button", class: "secondary", id: "microdeposits-start", text: "Connect with account numbers", onclick: function () {
      stopPolling();
      W.microdeposits.start(state.preinitiated);
    } });
  }

  function searchView() {
    var view = V.search(search);
    if (config.verification) view.appendChild(microdepositsButton());
    return view;
  }

  function search(query, form, results, summary) {
    if (!query || W.isBusy(form)) return;
    event("institutionSearch", { query: query });
    W.busy(form, true);
    W.searchInstitutions(query).then(function (data) {
      W.busy(form, false);
      var found = data.institutions.filter(function (i) {
        return !config.verification || i.supports_account_verification;
      });
      V.results(results, summary, found, selectInstitution);
    }, function (error) {
      W.busy(form, false);
      summary.textContent = "Search failed: " + error.message;
    });
  }

  function selectInstitution(institution) {
    event("selectedInstitution", { code: institution.code, guid: institution.guid, name: institution.name, url: institution.url });
    state.institution = institution;
    state.mode = "create";
    state.member = null;
    credentialsView().then(function (view) { show("enterCreds", view); }, fatal);
  }

  function goSearch() {
    stopPolling();
    W.oauth.stop();
    state.member = null;
    state.mode = "create";
    show("search", searchView());
  }

  function backToSearch() {
    event("backToSearch", {});
    goSearch();
  }

  // ---- credentials ------------------------------------------------------------------------------------

  /* A promise of the credential form: the institution's credentials, or the member's when updating. */
  function credentialsView() {
    var updating = state.mode === "update";
    var path = updating ? W.memberPath(state.member.guid, "/credentials") : W.institutionPath(state.institution.guid, "/credentials");
    return api("GET", path).then(function (data) {
      var credentials = data.credentials.slice().sort(function (a, b) { return (a.display_order || 0) - (b.display_order || 0); });
      if (!updating && W.oauth.isOAuth(state.institution, credentials)) return W.oauth.view(W.flow);
      var back = !config.disable_institution_search && !updating ? backToSearch : null;
      return V.credentials(state.institution, credentials, updating, function (form, error) {
        submitCredentials(form, credentials, error);
      }, back);
    });
  }

  function submitCredentials(form, credentials, error) {
    if (W.isBusy(form)) return;
    var values = credentials.map(function (c) { return { guid: c.guid, value: form.elements[c.guid].value }; });
    var missing = credentials.filter(function (c, i) { return !values[i].value; }).map(function (c) { return c.label; });
    if (missing.length) {
      W.setAlert(error, "Enter your " + missing.join(" and ").toLowerCase() + ".");
      form.elements[credentials[0].guid].focus();
      return;
    }
    W.setAlert(error, "");
    var institution = { code: state.institution.code, guid: state.institution.guid };
    var updating = state.mode === "update";
    W.busy(form, true);
    var request;
    if (updating) {
      event("updateCredentials", { member_guid: state.member.guid, institution: institution });
      request = api("PUT", W.memberPath(state.member.guid), { member: { credentials: values, skip_aggregation: !!config.verification } });
    } else {
      event("enterCredentials", { institution: institution });
      request = api("POST", "/members", {
        member: { institution_guid: institution.guid, credentials: values, skip_aggregation: !!config.verification },
      });
    }
    request
      .then(function (data) {
        if (!updating) {
          // The member's first status is where memberStatusUpdate starts from (MX: only changes are sent).
          state.member = data.member;
          state.lastStatus = data.member.connection_status;
        }
        showConnecting();
        noteStatus(data.member);
        return config.verification ? startJob() : null;
      })
      .then(schedulePoll, function (e) {
        if (state.step !== "enterCreds") return fatal(e);
        W.busy(form, false);
        if (!updating) event("createMemberError", { institution_guid: institution.guid, institution_code: institution.code });
        W.setAlert(error, e.message);
      });
  }

  // ---- connecting: polling like MX's widget ------------------------------------------------------------

  /* Verify (verification mode) or aggregate the member: a new job. */
  function startJob() {
    var job = config.verification
      ? api("POST", W.memberPath(state.member.guid, "/verify"), { include_transactions: config.include_transactions !== false })
      : api("GET", W.memberPath(state.member.guid, "/aggregate"));
    return job.then(function (data) { noteStatus(data.member); });
  }

  function showConnecting() {
    if (state.step !== "connecting") show("connecting", V.connecting(state.member ? state.member.name : state.institution.name));
  }

  function schedulePoll() {
    stopPolling();
    state.pollTimer = setTimeout(poll, config.poll_ms);
  }

  function stopPolling() {
    if (state.pollTimer) clearTimeout(state.pollTimer);
    state.pollTimer = null;
  }

  /* memberStatusUpdate only when the status changed, with MX's numeric connection_status. */
  function noteStatus(member) {
    state.member = member;
    if (member.connection_status !== state.lastStatus) {
      state.lastStatus = member.connection_status;
      event("memberStatusUpdate", { member_guid: member.guid, connection_status: member.connection_status_id });
    }
    var line = document.getElementById("connecting-status");
    if (line && member.connection_status_message) line.textContent = member.connection_status_message;
  }

  function poll() {
    state.pollTimer = null;
    api("GET", W.memberPath(state.member.guid)).then(function (data) {
      var member = data.member;
      noteStatus(member);
      var status = member.connection_status;
      if (status === "PENDING") return schedulePoll(); // OAuth: the bank's answer has not reached the member yet
      if (state.verifyAfterOAuth && status === "CONNECTED" && !member.is_being_aggregated) {
        state.verifyAfterOAuth = false; // OAuth in verification mode: consent given, now verify
        return startJob().then(schedulePoll);
      }
      if (status === "CHALLENGED") return openMfa();
      if (status === "CONNECTED") {
        // In verification mode the account numbers come at the end of the job: wait for it, as MX does.
        var waitForJob = config.wait_for_full_aggregation || config.verification;
        return waitForJob && member.is_being_aggregated ? schedulePoll() : connected();
      }
      return member.is_being_aggregated ? schedulePoll() : loginError();
    }).catch(function (error) {
      if (error.status === 401) return fatal(error);
      schedulePoll(); // a failed poll (an injected fault, a dropped connection) is retried, as MX does
    });
  }

  // ---- MFA --------------------------------------------------------------------------------------------

  function mfaView() {
    return api("GET", W.memberPath(state.member.guid, "/challenges")).then(function (data) {
      if (!data.challenges.length) return null;
      return V.mfa(state.member, data.challenges, function (form, error) { submitMfa(form, data.challenges, error); });
    });
  }

  function openMfa() {
    return mfaView().then(function (view) { return view ? show("mfa", view) : schedulePoll(); });
  }

  function submitMfa(form, challenges, error) {
    if (W.isBusy(form)) return;
    var answers = challenges.map(function (c) {
      var field = form.elements[c.guid];
      return { guid: c.guid, value: field ? field.value : "" };
    });
    if (answers.some(function (a) { return !a.value; })) {
      W.setAlert(error, "Answer every question to continue.");
      return;
    }
    event("submitMFA", { member_guid: state.member.guid });
    W.busy(form, true);
    var resumed = api("PUT", W.memberPath(state.member.guid, "/resume"), { member: { challenges: answers } });
    resumed.then(function (data) {
      showConnecting();
      noteStatus(data.member);
      schedulePoll();
    }, function (e) {
      // The challenge may have ended meanwhile (expired on the clock): then show where the member is now.
      api("GET", W.memberPath(state.member.guid)).then(function (data) {
        if (data.member.connection_status === "CHALLENGED") throw e;
        showConnecting();
        noteStatus(data.member);
        schedulePoll();
      }).catch(function () {
        W.busy(form, false);
        W.setAlert(error, e.message);
      });
    });
  }

  // ---- end states -------------------------------------------------------------------------------------

  function connected() {
    var member = state.member;
    var numbers = config.verification
      ? api("GET", W.memberPath(member.guid, "/account_numbers")).then(function (d) { return d.account_numbers; })
      : Promise.resolve(null);
    return numbers.then(function (accounts) {
      if (accounts && !accounts.length) {
        event("invalidData", { member_guid: member.guid, code: NO_ELIGIBLE_ACCOUNTS });
        var message = "We could not find a checking or savings account with account and routing numbers at " + member.name + ".";
        var view = errorView("No eligible accounts", message, false);
        // The institution cannot verify instantly: offer the micro-deposit path (INFERRED from MX's widget,
        // which offers it where instant verification cannot help).
        view.querySelector(".actions").prepend(microdepositsButton());
        return show("loginError", view);
      }
      event("memberConnected", { member_guid: member.guid });
      show("connected", V.connected(member, accounts, function () { event("connected/primaryAction", {}); }));
    });
  }

  function errorView(title, message, offerActions) {
    return V.error(state.member, state.institution, title, message, offerActions, {
      update: updateCredentials,
      retry: tryAgain,
      search: config.disable_institution_search ? null : backToSearch,
      remove: removeMember,
    });
  }

  function memberErrorView() {
    return errorView(V.titleFor(state.member), state.member.connection_status_message, true);
  }

  function loginError() {
    show("loginError", memberErrorView());
  }

  function tryAgain() {
    showConnecting();
    startJob().then(schedulePoll, fatal);
  }

  function updateCredentials() {
    state.mode = "update";
    loadInstitution(state.member.institution_guid)
      .then(credentialsView)
      .then(function (view) { show("enterCreds", view); }, fatal);
  }

  function removeMember() {
    var guid = state.member.guid;
    api("DELETE", W.memberPath(guid)).then(function () {
      event("memberDeleted", { member_guid: guid });
      if (!config.disable_institution_search) return goSearch();
      state.member = null;
      show("deleted", V.message("Connection removed", ""));
    }, fatal);
  }

  function loadInstitution(guid) {
    if (state.institution && state.institution.guid === guid) return Promise.resolve(state.institution);
    return api("GET", W.institutionPath(guid)).then(function (data) {
      state.institution = data.institution;
      return data.institution;
    });
  }

  // ---- the partner's page: ping keeps the session alive; back goes back where it can --------------------

  W.onHostMessage({
    ping: function () {
      api("GET", "/user").then(function () { W.send("ping", W.userMetadata()); }, function () {});
    },
    back: function () {
      var canGoBack = state.step === "enterCreds" && state.mode === "create" && !config.disable_institution_search;
      if (canGoBack) goSearch();
      W.send("navigation", W.userMetadata({ did_go_back: canGoBack }));
    },
  });

  // ---- start: which step the options open on -------------------------------------------------------------

  function findInstitution() {
    if (config.current_institution_guid) return loadInstitution(config.current_institution_guid);
    var code = config.current_institution_code;
    return W.searchInstitutions(code).then(function (data) {
      var match = data.institutions.filter(function (i) { return i.code === code; })[0];
      if (!match) throw new Error("No institution has the code " + code + ".");
      state.institution = match;
      return match;
    });
  }

  function memberStart(member) {
    state.member = member;
    state.lastStatus = member.connection_status;
    return loadInstitution(member.institution_guid).then(function () {
      if (config.update_credentials) {
        state.mode = "update";
        return credentialsView().then(function (view) { return ["enterCreds", view]; });
      }
      if (member.connection_status === "CHALLENGED") {
        return mfaView().then(function (view) { return view ? ["mfa", view] : ["search", searchView()]; });
      }
      if (!member.is_being_aggregated && member.connection_status !== "CONNECTED") return ["loginError", memberErrorView()];
      state.member = null;
      return ["search", searchView()];
    });
  }

  function microdepositStart() {
    // MX: a micro-deposit that is not PREINITIATED opens on its own view; a pre-initiated one opens search,
    // and "Connect with account numbers" then completes it.
    return W.microdeposits.load(config.current_microdeposit_guid).then(function (record) {
      if (record.status_name === "PREINITIATED") {
        state.preinitiated = record;
        return ["search", searchView()];
      }
      return ["microdeposits", W.h("section", { class: "step" }, W.h("h1", { text: "Loading" })), function () { W.microdeposits.open(record); }];
    }, function () {
      return ["search", searchView()];
    });
  }

  function initialView() {
    if (config.verification && config.current_microdeposit_guid && !config.current_member_guid) return microdepositStart();
    if (config.current_member_guid) {
      // MX: "Load to a specific member that contains an error or requires MFA from the most recent job.
      // Members with no errors will return to search. current_member_guid takes precedence."
      return api("GET", W.memberPath(config.current_member_guid)).then(function (data) {
        return memberStart(data.member);
      }, function () {
        return ["search", searchView()];
      });
    }
    if (config.current_institution_guid || config.current_institution_code) {
      return findInstitution().then(credentialsView).then(function (view) { return ["enterCreds", view]; });
    }
    return Promise.resolve(["search", searchView()]);
  }

  // What the OAuth step (oauth.js) drives of this flow.
  W.flow = {
    state: state, show: show, event: event, fatal: fatal, showConnecting: showConnecting, noteStatus: noteStatus,
    schedulePoll: schedulePoll, backToSearch: backToSearch,
  };

  W.send("load");
  initialView().then(function (initial) {
    show(initial[0], initial[1]);
    event("loaded", { initial_step: initial[0] });
    if (initial[2]) initial[2]();
  }, fatal);
})(window.mxConnect);
