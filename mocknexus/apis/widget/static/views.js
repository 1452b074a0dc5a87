/* mocknexus Connect widget, part 4 of 6: the views. Each builds a <section> from data and the handlers the
 * flow (connect.js) gives it; none calls the API or sends events itself. */
(function (W) {
  "use strict";

  var h = W.h;
  var V = (W.views = {});

  // connection_status groups and the action MX's widget offers for each (MX's "important member fields and
  // states" guide; the Connect widget's error views).
  V.UPDATE_CREDENTIALS = ["DENIED", "PREVENTED", "IMPAIRED", "IMPORTED"];
  V.VISIT_WEBSITE = ["LOCKED", "IMPEDED"];
  V.CHOOSE_ANOTHER = ["DISCONTINUED", "CLOSED", "DISABLED"];

  function has(list, status) {
    return list.indexOf(status) >= 0;
  }

  V.search = function (onSearch) {
    var input = h("input", { id: "search-input", type: "search", name: "query", autocomplete: "off", required: true });
    var results = h("ul", { id: "search-results", class: "results", "aria-label": "Institutions" });
    var summary = h("p", { id: "search-summary", class: "hint", role: "status" });
    var form = h(
      "form",
      {
        role: "search",
        id: "search-form",
        onsubmit: function (e) {
          e.preventDefault();
          onSearch(input.value.trim(), form, results, summary);
        },
      },
      h("label", { for: "search-input", text: "Search for your bank or credit union" }),
      h("div", { class: "row" }, input, h("button", { type: "submit", class: "primary", text: "Search" }))
    );
    var hint = W.config.verification
      ? h("p", { class: "hint", text: "Only institutions that can verify account numbers are shown." })
      : null;
    return h("section", { class: "step" }, h("h1", { text: "Select your institution" }), hint, form, summary, results);
  };

  V.results = function (results, summary, institutions, onSelect) {
    results.replaceChildren.apply(results, institutions.map(function (institution) {
      var button = h(
        "button",
        { type: "button", class: "institution", "data-code": institution.code, onclick: function () { onSelect(institution); } },
        h("span", { class: "name", text: institution.name }),
        h("span", { class: "url", text: institution.url.replace(/^https?:\/\/(www\.)?/, "") })
      );
      return h("li", null, button);
    }));
    var n = institutions.length;
    summary.textContent = n === 1 ? "1 institution found." : n + " institutions found.";
  };

  function credentialInput(credential) {
    var id = "credential-" + credential.field_name.replace(/\W+/g, "-");
    var input;
    if (credential.type === "OPTIONS" && credential.options) {
      input = W.hList("select", { id: id, name: credential.guid, required: true }, credential.options.map(function (o) {
        return h("option", { value: o.value, text: o.label });
      }));
    } else {
      var password = credential.type === "PASSWORD";
      input = h("input", {
        id: id,
        name: credential.guid,
        type: password ? "password" : "text",
        autocomplete: password ? "current-password" : credential.type === "LOGIN" ? "username" : "off",
        autocapitalize: "none",
        spellcheck: "false",
        required: true,
      });
    }
    return h("div", { class: "field" }, h("label", { for: id, text: credential.label }), input);
  }

  /* The institution's credential form; `credentials` in display order. */
  V.credentials = function (institution, credentials, updating, onSubmit, onBack) {
    var error = W.alertBox("credentials-error");
    var form = h(
      "form",
      { id: "credentials-form", novalidate: true, onsubmit: function (e) { e.preventDefault(); onSubmit(form, error); } },
      W.hList("div", null, credentials.map(credentialInput)),
      error,
      h("button", { type: "submit", class: "primary", text: "Continue" })
    );
    return h(
      "section",
      { class: "step" },
      onBack ? h("button", { type: "button", class: "link back", onclick: onBack, text: "Back to search" }) : null,
      h("h1", { text: (updating ? "Update your credentials for " : "Enter your credentials for ") + institution.name }),
      h("p", { class: "hint", text: "mocknexus test bank: the password picks the scenario (see the README)." }),
      form
    );
  };

  V.connecting = function (name) {
    return h(
      "section",
      { class: "step" },
      h("h1", { text: "Connecting to " + name }),
      h("div", { class: "spinner", "aria-hidden": "true" }),
      h("p", { id: "connecting-status", role: "status", text: "Connecting ..." })
    );
  };

  function challengeField(member, challenge, index) {
    var id = "challenge-" + index;
    if (challenge.type === "OPTIONS" || challenge.type === "IMAGE_OPTIONS") {
      var options = challenge.type === "OPTIONS" ? challenge.options : challenge.image_options;
      var choices = options.map(function (option, i) {
        var optionId = id + "-" + i;
        var image = challenge.type === "IMAGE_OPTIONS" ? h("img", { src: W.imageSource(option.data_uri), alt: "" }) : null;
        return h(
          "div",
          { class: "choice" },
          h("input", { type: "radio", id: optionId, name: challenge.guid, value: option.value, required: true }),
          h("label", { for: optionId }, image, h("span", { text: option.label }))
        );
      });
      return W.hList("fieldset", { class: "choices", "data-type": challenge.type }, [h("legend", { text: challenge.label })].concat(choices));
    }
    var picture = challenge.type === "IMAGE_DATA"
      ? h("img", { class: "challenge-image", src: W.imageSource(challenge.image_data), alt: "Security image from " + member.name })
      : null;
    return h(
      "div",
      { class: "field", "data-type": challenge.type },
      picture,
      h("label", { for: id, text: challenge.label }),
      h("input", {
        id: id,
        name: challenge.guid,
        type: "text",
        required: true,
        autocomplete: challenge.type === "TOKEN" ? "one-time-code" : "off",
        inputmode: challenge.type === "TOKEN" ? "numeric" : null,
      })
    );
  }

  /* All five challenge types: TEXT, TOKEN, IMAGE_DATA (the PNG shown), OPTIONS, IMAGE_OPTIONS. */
  V.mfa = function (member, challenges, onSubmit) {
    var error = W.alertBox("mfa-error");
    var form = h(
      "form",
      { id: "mfa-form", novalidate: true, onsubmit: function (e) { e.preventDefault(); onSubmit(form, error); } },
      W.hList("div", null, challenges.map(function (c, i) { return challengeField(member, c, i); })),
      error,
      h("button", { type: "submit", class: "primary", text: "Continue" })
    );
    return h(
      "section",
      { class: "step" },
      h("h1", { text: "Verify your identity" }),
      h("p", { class: "hint", text: member.connection_status_message }),
      form
    );
  };

  /* `accounts`: the verified account numbers (verification mode), or null. */
  V.connected = function (member, accounts, onDone) {
    var list = accounts
      ? W.hList("ul", { class: "accounts", "aria-label": "Verified accounts" }, accounts.map(function (a) {
        return h("li", { text: "Account ending " + a.account_number.slice(-4) + " · routing " + a.routing_number });
      }))
      : null;
    return h(
      "section",
      { class: "step" },
      h("div", { class: "check", "aria-hidden": "true", text: "✓" }),
      h("h1", { text: "Success" }),
      h("p", { text: "You have successfully connected " + member.name + "." }),
      list,
      h("button", { type: "button", class: "primary", id: "done", onclick: onDone, text: "Done" })
    );
  };

  V.titleFor = function (member) {
    var status = member.connection_status;
    if (has(V.UPDATE_CREDENTIALS, status)) return "Incorrect credentials";
    if (has(V.VISIT_WEBSITE, status)) return "Action needed at " + member.name;
    if (status === "REJECTED" || status === "EXPIRED") return "Verification failed";
    return "Something went wrong";
  };

  /* A member's error: MX's message, and the action MX offers for its status (`act` holds the handlers:
   * update, retry, search (null when search is disabled), remove). `offerActions` false: no retry. */
  V.error = function (member, institution, title, message, offerActions, act) {
    var status = member.connection_status;
    var actions = h("div", { class: "actions" });
    function add(el) {
      actions.appendChild(el);
    }
    if (offerActions && has(V.UPDATE_CREDENTIALS, status)) {
      add(h("button", { type: "button", class: "primary", id: "update-credentials", onclick: act.update, text: "Update credentials" }));
    } else if (offerActions && !has(V.CHOOSE_ANOTHER, status)) {
      if (has(V.VISIT_WEBSITE, status) && institution && institution.url) {
        add(h("a", { class: "button secondary", href: institution.url, target: "_blank", rel: "noopener", text: "Visit " + member.name }));
      }
      add(h("button", { type: "button", class: "primary", id: "try-again", onclick: act.retry, text: "Try again" }));
    }
    if (act.search) {
      add(h("button", { type: "button", class: "secondary", id: "back-to-search", onclick: act.search, text: "Connect a different institution" }));
    }
    add(h("button", { type: "button", class: "link", id: "delete-member", onclick: act.remove, text: "Remove this connection" }));
    return h(
      "section",
      { class: "step error" },
      h("div", { class: "cross", "aria-hidden": "true", text: "!" }),
      h("h1", { text: title }),
      h("p", { id: "error-message", text: message }),
      actions
    );
  };

  /* MX's OAuth step: the institution signs the user in on its own page, opened from this button. */
  V.oauth = function (institution, onSignIn, onBack) {
    return h(
      "section",
      { class: "step", "data-view": "oauth" },
      onBack ? h("button", { type: "button", class: "link back", onclick: onBack, text: "Back to search" }) : null,
      h("h1", { text: "Log in at " + institution.name }),
      h("p", { text: "You will be sent to " + institution.name + " to log in and choose what to share. Come back here when you are done." }),
      h("p", { class: "hint", text: "mocknexus test bank: the bank's page offers Authorize and Deny." }),
      h("button", { type: "button", class: "primary", id: "oauth-sign-in", onclick: onSignIn, text: "Go to log in" })
    );
  };

  V.oauthWaiting = function (institution, onRetry) {
    return h(
      "section",
      { class: "step", "data-view": "oauthWaiting" },
      h("h1", { text: "Waiting for permission" }),
      h("p", { text: "You should have been directed to " + institution.name + " to sign in and connect your account." }),
      h("div", { class: "spinner", "aria-hidden": "true" }),
      h("p", { id: "oauth-status", class: "hint", role: "status" }),
      h("button", { type: "button", class: "secondary", id: "oauth-retry", onclick: onRetry, text: "Try again" })
    );
  };

  // MX's connect-widget texts for each OAuth error reason (src/views/oauth/OAuthError.js).
  var OAUTH_ERRORS = {
    CANCELLED: "Looks like you declined to share your account info with this app. If this was a mistake, please try again. If you change your mind, you can connect your account later.",
    DENIED: "Looks like there was a problem logging in. Please try again.",
    PROVIDER_ERROR: "Please try again or come back later.",
    IMPEDED: "Your attention is needed at this institution's website. Please log in to the appropriate website for {name} and follow the steps to resolve the issue.",
  };

  V.oauthError = function (member, reason, onRetry, onSearch) {
    var text = (OAUTH_ERRORS[reason] || "Oops! There was an error trying to connect your account. Please try again.")
      .replace("{name}", member.name);
    return h(
      "section",
      { class: "step error", "data-reason": reason },
      h("div", { class: "cross", "aria-hidden": "true", text: "!" }),
      h("h1", { text: "Something went wrong" }),
      h("p", { id: "error-message", role: "alert", text: text }),
      h(
        "div",
        { class: "actions" },
        h("button", { type: "button", class: "primary", id: "oauth-try-again", onclick: onRetry, text: "Try again" }),
        onSearch ? h("button", { type: "button", class: "secondary", id: "back-to-search", onclick: onSearch, text: "Connect a different institution" }) : null
      )
    );
  };

  V.message = function (title, message) {
    return h(
      "section",
      { class: "step error" },
      h("div", { class: "cross", "aria-hidden": "true", text: "!" }),
      h("h1", { text: title }),
      message ? h("p", { id: "error-message", text: message }) : null
    );
  };
})((window.mxConnect = window.mxConnect || {}));
