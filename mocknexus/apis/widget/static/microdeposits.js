/* mocknexus Connect widget, part 5 of 6: the micro-deposit path (verification mode), after MX's widget
 * (connect-widget src/views/microdeposits): routing number, how it works, account, account holder, confirm,
 * then "check back soon"; with current_microdeposit_guid, the view its status calls for (enter the amounts,
 * verified, or an error). Its events are MX's `connect/microdeposits/...` ones; all of it is one widget
 * step, "microdeposits". The flow (connect.js) provides W.flow.show and W.flow.backToSearch. */
(function (W) {
  "use strict";

  var h = W.h;
  var event = W.connectEvent;
  var STEP = "microdeposits";
  var TYPES = { 1: "Checking", 2: "Savings" };
  var MAX_ATTEMPTS = 3; // MX: the third wrong pair of amounts makes the micro-deposit PREVENTED
  var md = { record: {}, details: {}, attempts: 0 };

  function path(guid) {
    return "/micro_deposits/" + encodeURIComponent(guid);
  }

  /* MX's getViewByStatus. */
  function viewFor(status) {
    if (status === "PREINITIATED") return "routingNumber";
    if (status === "INITIATED" || status === "REQUESTED") return "comeBack";
    if (status === "DEPOSITED" || status === "DENIED") return "verifyDeposits";
    if (status === "VERIFIED") return "verified";
    return "errors";
  }

  function show(name, view) {
    W.flow.show(STEP, view);
    document.getElementById("widget").setAttribute("data-view", name);
  }

  function step(title, hint, body) {
    return h("section", { class: "step microdeposits" }, h("h1", { text: title }), hint ? h("p", { class: "hint", text: hint }) : null, body);
  }

  function field(id, label, attrs) {
    var input = h("input", Object.assign({ id: id, name: id, type: "text", required: true, autocomplete: "off" }, attrs || {}));
    return h("div", { class: "field" }, h("label", { for: id, text: label }), input);
  }

  function form(id, children, onSubmit, button) {
    var error = W.alertBox(id + "-error");
    var el = W.hList("form", { id: id, novalidate: true, onsubmit: function (e) { e.preventDefault(); onSubmit(el, error); } },
      children.concat([error, h("button", { type: "submit", class: "primary", text: button || "Continue" })]));
    return el;
  }

  /* The widget's own routing-number check (JSON, with the widget's session): {} or {blocked_routing_number}. */
  function checkRoutingNumber(value) {
    var init = { headers: { "MD-SESSION-TOKEN": W.config.session_token, Accept: "application/json" } };
    return fetch("/md/connect/api/routing_numbers/" + encodeURIComponent(value), init).then(function (response) {
      if (!response.ok) {
        var error = new Error("The routing number check failed (" + response.status + ").");
        error.status = response.status;
        throw error;
      }
      return response.json();
    });
  }

  // ---- entering the account ------------------------------------------------------------------------------

  function routingNumberView() {
    var f = form("routing-form", [field("routing-number", "Routing number", { inputmode: "numeric", maxlength: "9", value: md.details.routing_number || "" })], function (el, error) {
      var value = el.elements["routing-number"].value.trim();
      if (!/^[0-9]{9}$/.test(value)) return W.setAlert(error, "Enter your 9-digit routing number.");
      if (W.isBusy(el)) return;
      W.busy(el, true);
      checkRoutingNumber(value).then(function (data) {
        W.busy(el, false);
        var blocked = data && data.blocked_routing_number;
        if (!blocked) {
          md.details.routing_number = value;
          return show("howItWorks", howItWorksView());
        }
        event("microdeposits/blockedRoutingNumber", { routing_number: value, reason: blocked.reason_name });
        W.setAlert(error, blocked.reason_name === "INVALID"
          ? "That is not a valid routing number. Check it and try again."
          : "Institution is not supported for microdeposit verification.");
      }, function (e) {
        W.busy(el, false);
        W.setAlert(error, "Unable to proceed. Please try again later. Error: " + (e.status || "UNKNOWN"));
      });
    });
    return step("Enter routing number", "The 9-digit number at the bottom left of a check.", f);
  }

  function howItWorksView() {
    var list = h("ol", { class: "how" },
      h("li", { text: "Enter your account information." }),
      h("li", { text: "You'll receive two small deposits." }),
      h("li", { text: "Return to verify the deposit amounts." }));
    var go = h("button", { type: "button", class: "primary", id: "how-continue", text: "Continue", onclick: function () { show("accountInfo", accountInfoView()); } });
    return step("Connect your institution with account numbers", null, h("div", null, list, go));
  }

  function accountInfoView() {
    var types = h("fieldset", { class: "choices" }, h("legend", { text: "Account type" }),
      choice("account-type-1", "1", "Checking", md.details.account_type !== 2),
      choice("account-type-2", "2", "Savings", md.details.account_type === 2));
    var f = form("account-form", [
      types,
      field("account-number", "Account number", { inputmode: "numeric", maxlength: "17", value: md.details.account_number || "" }),
      field("account-number-confirm", "Confirm account number", { inputmode: "numeric", maxlength: "17" }),
    ], function (el, error) {
      var number = el.elements["account-number"].value.trim();
      if (!/^[0-9]{1,17}$/.test(number)) return W.setAlert(error, "Enter an account number of up to 17 digits.");
      if (number !== el.elements["account-number-confirm"].value.trim()) return W.setAlert(error, "Account numbers must match.");
      md.details.account_number = number;
      md.details.account_type = el.querySelector("input[name=account_type]:checked").value === "2" ? 2 : 1;
      var r = md.record;
      if (r.first_name && r.last_name && r.email) return show("confirmDetails", confirmView());
      show("personalInfoForm", personalInfoView());
    });
    return step("Enter account information", null, f);
  }

  function choice(id, value, label, checked) {
    return h("div", { class: "choice" }, h("input", { type: "radio", id: id, name: "account_type", value: value, checked: checked }), h("label", { for: id, text: label }));
  }

  function personalInfoView() {
    var d = md.details;
    var f = form("personal-form", [
      field("first-name", "First name", { autocomplete: "given-name", value: d.first_name || "" }),
      field("last-name", "Last name", { autocomplete: "family-name", value: d.last_name || "" }),
      field("email", "Email", { type: "email", autocomplete: "email", value: d.email || "" }),
    ], function (el, error) {
      var values = { first_name: el.elements["first-name"].value.trim(), last_name: el.elements["last-name"].value.trim(), email: el.elements.email.value.trim() };
      if (!values.first_name || !values.last_name || !values.email) return W.setAlert(error, "Enter your name and email.");
      Object.assign(md.details, values);
      show("confirmDetails", confirmView());
    });
    return step("Enter account holder information", "The name and email of the account's owner.", f);
  }

  function confirmView() {
    var d = md.details;
    var rows = [["Routing number", d.routing_number], ["Account type", TYPES[d.account_type]], ["Account number", d.account_number]];
    if (!md.record.guid) rows = [["First and last name", d.first_name + " " + d.last_name], ["Email", d.email]].concat(rows);
    var list = W.hList("dl", { class: "details" }, rows.reduce(function (all, row) {
      return all.concat([h("dt", { text: row[0] }), h("dd", { text: row[1] })]);
    }, []));
    var f = form("confirm-form", [list], submitDetails, "Confirm");
    return step("Review your information", null, f);
  }

  function submitDetails(el, error) {
    if (W.isBusy(el)) return;
    W.busy(el, true);
    var d = md.details;
    var account = { account_number: d.account_number, routing_number: d.routing_number, account_type: d.account_type, account_name: TYPES[d.account_type] + " " + d.account_number.slice(-4) };
    var request = md.record.guid
      ? W.api("PUT", path(md.record.guid), { micro_deposit: account }) // a pre-initiated one: complete it
      : W.api("POST", "/micro_deposits", { micro_deposit: Object.assign({ first_name: d.first_name, last_name: d.last_name, email: d.email }, account) });
    request.then(function (data) {
      md.record = data.micro_deposit;
      event("microdeposits/detailsSubmitted", { microdeposit_guid: md.record.guid });
      var view = viewFor(md.record.status_name) === "errors" ? "errors" : "comeBack";
      show(view, view === "errors" ? errorsView() : comeBackView());
    }, function (e) {
      W.busy(el, false);
      W.setAlert(error, e.message);
    });
  }

  // ---- after the request ---------------------------------------------------------------------------------

  function comeBackView() {
    var done = h("button", { type: "button", class: "primary", id: "come-back-done", text: "Done", onclick: function () {
      event("microdeposits/comeBack/primaryAction", { microdeposit_guid: md.record.guid });
      W.flow.backToSearch();
    } });
    var text = "Thanks for submitting your account info. Check back soon! In the next few days you should find two small deposits less than a dollar each in your " + (md.record.account_name || "") + " account. When you see them, come back here and enter the amounts.";
    return step("Check back soon", null, h("div", null, h("p", { id: "come-back-message", text: text }), done));
  }

  function verifyDepositsView(message) {
    var amount = { inputmode: "decimal", placeholder: "0.00", pattern: "[0-9]*[.]?[0-9]*" };
    var used = h("p", { id: "attempts", class: "hint", role: "status", text: md.attempts ? md.attempts + " of " + MAX_ATTEMPTS + " attempts used." : "" });
    var f = form("amounts-form", [field("amount-1", "Amount 1", amount), field("amount-2", "Amount 2", amount), used], submitAmounts);
    var hint = "Please find the two small deposits less than a dollar each in your " + (md.record.account_name || "") + " account, and enter the amounts here.";
    var section = step("Enter deposit amounts", hint, f);
    if (message) W.setAlert(f.querySelector(".alert"), message);
    return section;
  }

  function submitAmounts(el, error) {
    var values = [el.elements["amount-1"].value.trim(), el.elements["amount-2"].value.trim()];
    if (!values.every(function (v) { return /^(0?\.[0-9]{1,2}|0)$/.test(v) && Number(v) > 0; })) {
      return W.setAlert(error, "Enter each amount in cents, for example 0.09.");
    }
    if (W.isBusy(el)) return;
    W.busy(el, true);
    W.api("PUT", path(md.record.guid), { deposit_amount_1: Number(values[0]), deposit_amount_2: Number(values[1]) }).then(function (data) {
      md.record = data.micro_deposit;
      var status = md.record.status_name;
      if (status === "DENIED") {
        md.attempts += 1;
        return show("verifyDeposits", verifyDepositsView("One or more of the amounts was incorrect. Please try again."));
      }
      if (status === "PREVENTED") md.attempts = MAX_ATTEMPTS;
      openFor(md.record);
    }, function (e) {
      W.busy(el, false);
      W.setAlert(error, "We're unable to submit your deposit amounts. Please try again. (" + e.message + ")");
    });
  }

  function verifiedView() {
    var go = h("button", { type: "button", class: "primary", id: "verified-continue", text: "Continue", onclick: function () {
      event("microdeposits/verified/primaryAction", {});
      W.flow.backToSearch();
    } });
    return h("section", { class: "step microdeposits" }, h("div", { class: "check", "aria-hidden": "true", text: "✓" }),
      h("h1", { text: "Deposits verified" }), h("p", { text: "You're almost done setting things up. Continue to your institution." }), go);
  }

  function errorsView() {
    var r = md.record;
    var prevented = r.status_name === "PREVENTED";
    var errored = r.status_name === "ERRORED";
    var message = prevented ? "This account can't be connected. There were too many failed attempts."
      : errored ? "We’re unable to connect this account. Please review the account details you submitted."
        : "We’re unable to connect this account. Please try again later.";
    var go = h("button", { type: "button", class: "primary", id: "errors-continue", text: errored ? "Edit details" : "Continue", onclick: function () {
      if (prevented || r.status_name === "REJECTED") {
        event("microdeposits/error/primaryAction", { status: r.status_name, guid: r.guid });
        return W.flow.backToSearch();
      }
      if (errored) {
        md.record = {};
        return show("accountInfo", accountInfoView());
      }
      W.flow.backToSearch();
    } });
    return h("section", { class: "step error microdeposits" }, h("div", { class: "cross", "aria-hidden": "true", text: "!" }),
      h("h1", { text: prevented ? "Account not connected" : "Something went wrong" }), h("p", { id: "error-message", text: message }), go);
  }

  function openFor(record) {
    var name = viewFor(record.status_name);
    var views = { routingNumber: routingNumberView, comeBack: comeBackView, verifyDeposits: verifyDepositsView, verified: verifiedView, errors: errorsView };
    if (name === "verified") event("microdeposits/verified", { microdeposit_guid: record.guid });
    show(name, views[name]());
    return name;
  }

  // ---- entry points ----------------------------------------------------------------------------------------

  W.microdeposits = {
    /* "Connect with account numbers": the routing-number view (completing a pre-initiated one, if given). */
    start: function (preinitiated) {
      md = { record: preinitiated || {}, details: {}, attempts: 0 };
      show("routingNumber", routingNumberView());
      event("microdeposits/loaded", { initial_step: "routingNumber" });
    },
    /* A promise of the micro-deposit (current_microdeposit_guid), read fresh: a read moves its status on. */
    load: function (guid) {
      return W.api("GET", path(guid)).then(function (data) { return data.micro_deposit; });
    },
    /* Open on a loaded micro-deposit's view; MX sends microdeposits/loaded with that view's name. */
    open: function (record) {
      md = { record: record, details: {}, attempts: 0 };
      event("microdeposits/loaded", { initial_step: viewFor(record.status_name) });
      openFor(record);
    },
  };
})(window.mxConnect);
