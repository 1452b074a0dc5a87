/* mocknexus Connect widget, part 3 of 6: building the page from plain DOM calls (no framework). */
(function (W) {
  "use strict";

  /* h("button", {type: "button", onclick: f, text: "Go"}, child, ...): an element; null children skipped. */
  W.h = function (tag, attrs) {
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
  };

  /* h with an array of children. */
  W.hList = function (tag, attrs, children) {
    return W.h.apply(null, [tag, attrs].concat(children));
  };

  // A form waiting for the API takes no second submission. Its controls stay enabled: disabling the one
  // that has focus would drop a keyboard user's focus to the page.
  W.busy = function (form, on) {
    form.setAttribute("aria-busy", on ? "true" : "false");
  };

  W.isBusy = function (form) {
    return form.getAttribute("aria-busy") === "true";
  };

  W.alertBox = function (id) {
    return W.h("p", { id: id, class: "alert", role: "alert", hidden: true });
  };

  W.setAlert = function (el, message) {
    el.textContent = message;
    el.hidden = !message;
  };

  W.imageSource = function (data) {
    return /^data:/.test(data) ? data : "data:image/png;base64," + data;
  };
})((window.mxConnect = window.mxConnect || {}));
