// The Members panel: every member with its user, institution, status, job progress, challenges, and the
// timeline of statuses it went through with the request during which each change happened.
import { call } from "./api.js";
import { dataSection } from "./data.js";
import { $, h, relativeSpan, shortTime, stamp, statusBadge } from "./dom.js";

const LIMIT = 200;
const cards = new Map(); // guid -> { node, json }: a card is rebuilt only when its member changed
let latest = [];
let actions = { reveal: async () => false, steer: () => {} };

function fact(label, ...value) {
  return [h("dt", {}, label), h("dd", {}, ...value)];
}

function when(iso) {
  return iso ? [h("time", { datetime: iso }, stamp(iso)), " ", relativeSpan(iso)] : "—";
}

function jobFacts(m) {
  if (!m.job) return fact("Job", "none yet");
  const job = m.job;
  const out = [fact("Job", `${job.type.toLowerCase()} ${job.guid}`, h("span", { class: "muted" }, ` · scenario ${job.scenario}`))];
  const p = m.progress;
  if (!p) {
    out.push(fact("Job finished", ...[].concat(when(job.finished_at))));
    return out;
  }
  out.push(fact("Step", `${p.step_index + 1} of ${p.step_count}${p.step_name ? ` (${p.step_name})` : ""}`));
  if (p.waiting_for_answers) {
    out.push(fact("Waits for", "answers to its challenges"));
    out.push(fact("Expires unanswered", ...[].concat(when(p.answer_by))));
  } else {
    out.push(fact("Next step due by clock", ...[].concat(when(p.due_at))));
    out.push(
      fact(
        "Next step due by polls",
        p.polls_needed === 0 ? "no more reads needed" : `${p.polls_needed} more read${p.polls_needed === 1 ? "" : "s"}`,
        h("span", { class: "muted" }, ` (${p.polls_done} so far)`),
      ),
    );
  }
  return out;
}

// An OAuth member: since when it waits for the bank, its one-time window, and the bank's answer.
function oauthFacts(m) {
  const o = m.oauth;
  if (!o) return null;
  const out = [
    fact("OAuth", `referral ${o.referral_source}`, o.ui_message_webview_url_scheme ? ` · scheme ${o.ui_message_webview_url_scheme}` : "",
      o.client_redirect_url ? ` · back to ${o.client_redirect_url}` : "", o.skip_aggregation ? " · no aggregation" : ""),
    fact("Pending since", ...[].concat(when(o.pending_since))),
    fact("OAuth window", `${o.window}`, o.window === "unused" || o.window === "opened"
      ? h("span", { class: "muted" }, " · expires ", ...[].concat(when(o.window_expires_at))) : ""),
  ];
  if (o.outcome) out.push(fact("Bank's answer", o.outcome, h("span", { class: "muted" }, " · lands "), ...[].concat(when(o.applies_at))));
  if (o.removed_at) out.push(fact("Removed if still pending", ...[].concat(when(o.removed_at))));
  return out;
}

function shortGuid(guid) {
  return guid.length > 12 ? `${guid.slice(0, 4)}…${guid.slice(-4)}` : guid;
}

function cause(m, change) {
  if (change.request === "CLOCK") {
    return h("span", { class: "muted" }, "the clock (no request)"); // moved by background work
  }
  if (change.request_id === null) {
    return h("span", { class: "muted" }, change.request ? `control plane: ${change.request}` : "no request");
  }
  // The member's own guid is shortened on screen; the accessible name keeps the whole request.
  const label = change.request.replaceAll(m.guid, shortGuid(m.guid));
  return h(
    "button",
    {
      type: "button",
      class: "link",
      title: change.request,
      "aria-label": `Show request #${change.request_id}, ${change.request}`,
      onclick: async (event) => {
        if (!(await actions.reveal(change.request_id))) {
          event.target.after(h("span", { class: "muted" }, " (no longer in the journal)"));
        }
      },
    },
    `#${change.request_id} ${label}`,
  );
}

function timeline(m) {
  const rows = m.timeline.map((change) =>
    h(
      "tr",
      {},
      h("td", {}, h("time", { datetime: change.at, title: stamp(change.at) }, shortTime(change.at))),
      h("td", {}, statusBadge(change.status)),
      h("td", {}, change.aggregating ? "running" : "—"),
      h("td", {}, cause(m, change)),
    ),
  );
  return h(
    "div",
    { class: "timeline" },
    h(
      "table",
      { class: "grid compact" },
      h("caption", { class: "visually-hidden" }, `Status timeline of ${m.guid}, oldest first`),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", { scope: "col" }, "Clock"),
          h("th", { scope: "col" }, "Status"),
          h("th", { scope: "col" }, "Job"),
          h("th", { scope: "col" }, "During request"),
        ),
      ),
      h("tbody", {}, rows),
    ),
  );
}

function card(m) {
  const challenges = m.challenges.length
    ? h("ul", { class: "challenges" }, m.challenges.map((c) => h("li", {}, h("strong", {}, c.type), ` ${c.label}`)))
    : null;
  return h(
    "li",
    { class: "card member", id: `member-${m.guid}`, "data-guid": m.guid },
    h(
      "div",
      { class: "card-head" },
      h("h2", {}, m.institution_name, h("span", { class: "muted guid" }, ` ${m.guid}`)),
      statusBadge(m.connection_status),
      m.is_being_aggregated ? h("span", { class: "badge running" }, "job running") : null,
      h("button", { type: "button", onclick: () => actions.steer(m.guid) }, "Steer", h("span", { class: "visually-hidden" }, ` ${m.guid}`)),
    ),
    h(
      "dl",
      { class: "facts" },
      fact("User", m.user_id ?? "(deleted)", h("span", { class: "muted" }, ` ${m.user_guid}`)),
      fact("Institution", `${m.institution_code}`, h("span", { class: "muted" }, ` ${m.institution_guid}`)),
      fact("Scenario", m.scenario),
      oauthFacts(m),
      jobFacts(m),
      fact("Last connected", ...[].concat(when(m.successfully_aggregated_at))),
      m.failed_logins ? fact("Denied in a row", String(m.failed_logins)) : null,
    ),
    challenges ? [h("h3", {}, "Challenges"), challenges] : null,
    dataSection(m),
    h("h3", {}, "Timeline"),
    timeline(m),
  );
}

function applyFilter() {
  const needle = $("#member-filter").value.trim().toLowerCase();
  let shown = 0;
  for (const m of latest) {
    const text = [m.guid, m.user_id, m.user_guid, m.connection_status, m.institution_name, m.scenario].join(" ").toLowerCase();
    const visible = !needle || text.includes(needle);
    cards.get(m.guid).node.hidden = !visible;
    if (visible) shown += 1;
  }
  const total = latest.length;
  const newest = total === LIMIT ? ` (the newest ${LIMIT})` : "";
  $("#member-count").textContent =
    total === 0 ? "No members yet." : `${shown} of ${total} member${total === 1 ? "" : "s"}${newest}.`;
}

export async function refreshMembers() {
  const { body } = await call("GET", `members?limit=${LIMIT}`);
  latest = body.members;
  const list = $("#member-list");
  const seen = new Set();
  let previous = null;
  for (const m of latest) {
    seen.add(m.guid);
    const json = JSON.stringify(m);
    let entry = cards.get(m.guid);
    if (!entry || entry.json !== json) {
      const node = card(m);
      if (entry) entry.node.replaceWith(node);
      entry = { node, json };
      cards.set(m.guid, entry);
    }
    // Keep newest-first order without moving cards that are already in place.
    const expected = previous ? previous.nextSibling : list.firstChild;
    if (expected !== entry.node) list.insertBefore(entry.node, expected);
    previous = entry.node;
  }
  for (const [guid, entry] of cards) {
    if (!seen.has(guid)) {
      entry.node.remove();
      cards.delete(guid);
    }
  }
  applyFilter();
  return latest;
}

export function setupMembers(hooks) {
  actions = hooks;
  $("#member-filter").addEventListener("input", applyFilter);
}
