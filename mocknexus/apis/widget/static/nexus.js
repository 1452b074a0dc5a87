/* mocknexus Connect widget, part 2 of 6: the Nexus API of this same server, with the widget's session.
 * Every action of the widget goes through it, so it lives in the same world as the partner's API calls. */
(function (W) {
  "use strict";

  var NEXUS = "application/vnd.mx.nexus.v1+json";

  /* A promise of the JSON body; a non-2xx answer rejects with MX's error message and the status. */
  W.api = function (method, path, body) {
    var init = { method: method, headers: { "MD-SESSION-TOKEN": W.config.session_token, Accept: NEXUS } };
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
  };

  W.memberPath = function (guid, rest) {
    return "/members/" + encodeURIComponent(guid) + (rest || "");
  };

  W.institutionPath = function (guid, rest) {
    return "/institutions/" + encodeURIComponent(guid) + (rest || "");
  };

  W.searchInstitutions = function (name) {
    return W.api("POST", "/institutions/search?page=1&records_per_page=25", { institution: { name: name } });
  };
})((window.mxConnect = window.mxConnect || {}));
