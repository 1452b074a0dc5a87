// MX's "OAuth complete" page: deliver the ending to the window that opened this one, as MX's page does.
(function () {
  "use strict";
  var message = JSON.parse(document.getElementById("oauth-message").textContent);
  var delivery = document.getElementById("delivery");
  var opener = window.opener;
  if (opener && !opener.closed) {
    // "*": the opener may be any app's page; the message carries only the member guid and a reason.
    opener.postMessage(message, "*");
    delivery.textContent = "The app has been told (" + message.type + ").";
    document.documentElement.setAttribute("data-posted", message.type);
  } else {
    delivery.textContent = "No app window opened this page; nothing to tell (" + message.type + ").";
    document.documentElement.setAttribute("data-posted", "none");
  }
  var close = document.getElementById("close");
  if (close) close.addEventListener("click", function () { window.close(); });
})();
