// The inspector's entry point: tabs, sign-in, the world (client id) selector, and the live refresh loop.
import { auth, call, whenUnauthorized, world } from "./api.js";
import { $, emulated, h, settings, stamp, updateRelatives } from "./dom.js";
import { refreshMembers, setupMembers } from "./members.js";
import { refreshRequests, revealRequest, setupRequests } from "./requests.js";
import { refreshSessions } from "./sessions.js";
import { chooseMember, setupSteer, showFaults, showMembers, showScenarios } from "./steer.js";
import { refreshWebhooks, setupWebhooks } from "./webhooks.js";

const POLL_MS = settings.poll_ms; // --inspector-poll-ms
const tabs = [...document.querySelectorAll('[role="tab"]')];
let active = "requests";
let busy = false;
let signedOut = false;

function problem(error) {
  const node = $("#problem");
  if (!error) {
    node.hidden = true;
    node.textContent = "";
    return;
  }
  const text = `${error.method || ""} ${error.path || ""} → ${error.status || "no answer"}: ${error.message}`;
  node.hidden = false;
  if (node.textContent !== text) node.textContent = text; // an alert: announced once, not on every refresh
}

async function refreshClock() {
  const { body } = await call("GET", "clock");
  emulated.now = body.now;
  const node = $("#clock-now");
  node.dateTime = body.now;
  node.textContent = stamp(body.now);
  $("#clock-frozen").hidden = !body.frozen;
}

function showWorld() {
  const id = world.clientId();
  for (const node of document.querySelectorAll(".world-name")) node.textContent = id ? `client ${id}` : "the whole server";
}

async function refreshSteer() {
  showWorld();
  const [members, scenarios, faults] = await Promise.all([refreshMembers(), call("GET", "scenarios"), call("GET", "faults")]);
  showMembers(members);
  showScenarios(scenarios.body.scenarios);
  showFaults(faults.body.faults);
}

const panels = {
  requests: refreshRequests,
  members: refreshMembers,
  steer: refreshSteer,
  sessions: refreshSessions,
  webhooks: refreshWebhooks,
};

async function refresh() {
  if (busy || signedOut) return;
  busy = true;
  // The clock and the panel independently: one failing call must not hide what the other shows.
  const results = await Promise.allSettled([refreshClock(), panels[active]()]);
  busy = false;
  updateRelatives();
  const failed = results.find((r) => r.status === "rejected");
  problem(failed && failed.reason.status !== 401 ? failed.reason : null);
}

function select(name, focus = false) {
  active = name;
  for (const tab of tabs) {
    const on = tab.id === `tab-${name}`;
    tab.setAttribute("aria-selected", String(on));
    tab.tabIndex = on ? 0 : -1;
    $(`#${tab.getAttribute("aria-controls")}`).hidden = !on;
    if (on && focus) tab.focus();
  }
  history.replaceState(null, "", `#${name}`);
  refresh();
}

function setupTabs() {
  const names = tabs.map((t) => t.id.replace("tab-", ""));
  tabs.forEach((tab, i) => {
    tab.addEventListener("click", () => select(names[i]));
    tab.addEventListener("keydown", (event) => {
      const moves = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: names.length - 1 };
      if (!(event.key in moves)) return;
      event.preventDefault();
      select(names[(moves[event.key] + names.length) % names.length], true);
    });
  });
  const wanted = location.hash.slice(1);
  if (names.includes(wanted)) active = wanted;
}

function showLogin(message = "") {
  signedOut = true;
  $("#login").hidden = false;
  $("#panels").hidden = true;
  $(".top-controls").hidden = true; // nothing to show or steer until signed in
  $("#login-error").textContent = message;
  $("#token").focus();
}

function setupLogin() {
  whenUnauthorized(() => showLogin(auth.token() ? "That token was refused." : ""));
  $("#login-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    auth.save($("#token").value);
    try {
      await call("GET", "clock");
    } catch {
      return; // a 401 shows the form again, with its message
    }
    $("#token").value = "";
    signedOut = false;
    $("#login").hidden = true;
    $("#panels").hidden = false;
    $(".top-controls").hidden = false;
    $("#sign-out").hidden = false;
    select(active, true);
  });
  $("#sign-out").addEventListener("click", () => {
    auth.forget();
    $("#sign-out").hidden = true;
    showLogin();
  });
  $("#sign-out").hidden = !auth.token();
}

async function setupWorlds() {
  const input = $("#world");
  input.value = world.clientId();
  $("#world-form").addEventListener("submit", (event) => {
    event.preventDefault();
    world.choose(input.value.trim());
    refresh();
  });
  try {
    // Isolated client worlds, where the server has them (GET /__admin/clients, its first 1000); otherwise type an id.
    const { body } = await call("GET", "/__admin/clients?records_per_page=1000");
    const ids = (body.clients || []).map((c) => (typeof c === "string" ? c : c.client_id)).filter(Boolean);
    $("#world-list").replaceChildren(...ids.map((id) => h("option", { value: id })));
  } catch {
    // no client worlds on this server
  }
}

setupTabs();
setupLogin();
setupRequests(refresh, problem);
setupMembers({
  reveal: async (id) => {
    select("requests", false);
    return revealRequest(id);
  },
  steer: (guid) => {
    select("steer", true);
    refreshSteer().then(() => {
      chooseMember(guid);
      $("#s-member").focus();
    });
  },
});
setupSteer(refresh);
setupWebhooks(refresh);
select(active);
setupWorlds();
setInterval(() => {
  if ($("#live").checked) refresh();
}, POLL_MS);
