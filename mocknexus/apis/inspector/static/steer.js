// The Steer panel: drive a member, move the clock, inject faults, reset. Every action is one admin call,
// and its result (or its error, in MX's error shape) is shown next to the form.
import { call } from "./api.js";
import { $, h, report, settings } from "./dom.js";

let after = () => {};

async function act(output, method, path, body) {
  try {
    const result = await call(method, path, body);
    report(output, result);
    after();
    return result;
  } catch (error) {
    report(output, { status: error.status, method: error.method, url: error.path, message: error.message });
    return null;
  }
}

// A live refresh rebuilds a select only when its choices changed: replacing the options of an unchanged list
// every refresh closed a dropdown the user had open (and left a test holding options no longer on the page).
function replaceOptions(select, choices) {
  const key = JSON.stringify(choices);
  if (select.dataset.choices === key) return;
  select.dataset.choices = key;
  const current = select.value;
  select.replaceChildren(...choices.map(([value, label]) => h("option", { value }, label)));
  if (choices.some(([value]) => value === current)) select.value = current;
}

function options(select, values, labels = {}) {
  replaceOptions(select, values.map((v) => [v, labels[v] ?? v]));
}

export function chooseMember(guid) {
  $("#s-member").value = guid;
}

export function showMembers(members) {
  replaceOptions(
    $("#s-member"),
    members.length
      ? members.map((m) => [m.guid, `${m.guid} · ${m.user_id ?? "?"} · ${m.institution_name} · ${m.connection_status}`])
      : [["", "no members yet"]],
  );
}

export function showScenarios(scenarios) {
  const select = $("#s-scenario");
  const labels = Object.fromEntries(scenarios.map((s) => [s.name, `${s.name} → ${s.end}`]));
  options(select, ["", ...scenarios.map((s) => s.name)], { "": "keep its scenario", ...labels });
}

export function showFaults(faults) {
  const rows = faults.map((f) => {
    const effect = [f.status ? `status ${f.status}` : null, f.latency_ms ? `${f.latency_ms} ms late` : null, f.drop ? "dropped" : null]
      .filter(Boolean)
      .join(", ");
    const chance = f.probability < 1 ? ` (p=${f.probability})` : "";
    return h(
      "tr",
      {},
      h("td", {}, f.id),
      h("td", {}, `${f.method} ${f.path}`),
      h("td", {}, effect + chance),
      h("td", {}, String(f.hits)),
      h("td", {}, f.count === null ? "∞" : String(f.count)),
      h(
        "td",
        {},
        h(
          "button",
          { type: "button", onclick: () => act($("#result-faults"), "DELETE", `faults/${encodeURIComponent(f.id)}`) },
          "Remove",
          h("span", { class: "visually-hidden" }, ` fault ${f.id}`),
        ),
      ),
    );
  });
  $("#fault-rows").replaceChildren(...(rows.length ? rows : [h("tr", {}, h("td", { colspan: "6", class: "muted" }, "No faults."))]));
}

function member(output) {
  const guid = $("#s-member").value;
  if (!guid) report(output, { status: 0, method: "—", url: "", message: "Choose a member first." });
  return guid ? encodeURIComponent(guid) : null;
}

function submit(selector, handler) {
  $(selector).addEventListener("submit", (event) => {
    event.preventDefault();
    handler(event.target);
  });
}

export function setupSteer(refresh) {
  after = refresh;
  options($("#s-start"), ["", ...settings.job_types], { "": "no job" });
  options($("#s-status"), settings.end_states);
  options($("#s-oauth"), settings.oauth_outcomes);
  options($("#x-method"), settings.fault_methods, { "*": "any" });
  options($("#x-status"), ["", ...settings.fault_statuses.map(String)], { "": "none" });

  submit("#form-scenario", (form) => {
    const guid = member($("#result-member"));
    const body = { scenario: form.elements.scenario.value || null, start: form.elements.start.value || null };
    if (guid) act($("#result-member"), "POST", `members/${guid}/scenario`, body);
  });
  submit("#form-status", (form) => {
    const guid = member($("#result-member"));
    if (guid) act($("#result-member"), "POST", `members/${guid}/status`, { connection_status: form.elements.connection_status.value });
  });
  submit("#form-finish", () => {
    const guid = member($("#result-member"));
    if (guid) act($("#result-member"), "POST", `members/${guid}/finish`);
  });

  submit("#form-oauth", (form) => {
    const guid = member($("#result-member"));
    const body = { outcome: form.elements.outcome.value, delay_seconds: Number(form.elements.delay_seconds.value) || 0 };
    if (guid) act($("#result-member"), "POST", `members/${guid}/oauth`, body);
  });

  submit("#form-advance", (form) => act($("#result-clock"), "POST", "clock/advance", { seconds: Number(form.elements.seconds.value) }));
  for (const button of document.querySelectorAll("[data-advance]")) {
    button.addEventListener("click", () => act($("#result-clock"), "POST", "clock/advance", { seconds: Number(button.dataset.advance) }));
  }
  submit("#form-freeze", (form) => {
    const at = form.elements.at.value; // datetime-local, read as UTC
    act($("#result-clock"), "POST", "clock/freeze", at ? { at: `${at.length === 16 ? `${at}:00` : at}+00:00` } : {});
  });
  $("#unfreeze").addEventListener("click", () => act($("#result-clock"), "POST", "clock/unfreeze"));

  submit("#form-fault", (form) => {
    const e = form.elements;
    const body = { method: e.method.value, path: e.path.value, drop: e.drop.checked, probability: Number(e.probability.value) };
    if (e.status.value) body.status = Number(e.status.value);
    if (Number(e.latency_ms.value)) body.latency_ms = Number(e.latency_ms.value);
    if (e.count.value) body.count = Number(e.count.value);
    act($("#result-faults"), "POST", "faults", body);
  });
  $("#clear-faults").addEventListener("click", () => act($("#result-faults"), "DELETE", "faults"));

  submit("#form-reset-user", (form) => act($("#result-reset"), "POST", "reset", { user_id: form.elements.user_id.value }));
  $("#reset-all").addEventListener("click", () => {
    if (window.confirm("Reset the whole world: state, clock, faults and journal?")) act($("#result-reset"), "POST", "reset");
  });
}
