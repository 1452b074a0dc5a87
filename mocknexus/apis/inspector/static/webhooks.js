// The Webhooks panel: the outbox of the chosen world (every event and every attempt), live; each delivery
// expandable, with Redeliver; a form to fire any webhook type for a member's current state.
import { call, world } from "./api.js";
import { $, h, httpBadge, pretty, relativeSpan, report, shortTime, stamp } from "./dom.js";

const nodes = new Map(); // delivery id -> { node, shown }: open entries stay open across refreshes
let onChange = () => {};

function attemptRows(attempts) {
  if (!attempts.length) return h("p", { class: "muted" }, "No attempt yet.");
  const rows = attempts.map((a) =>
    h(
      "tr",
      {},
      h("td", {}, `#${a.number}`),
      h("td", {}, h("time", { datetime: a.at }, stamp(a.at))),
      h("td", {}, a.status_code === null ? h("span", { class: "badge http failure" }, "no answer") : httpBadge(a.status_code)),
      h("td", {}, `${a.latency_ms} ms`),
      h("td", {}, a.error || "—"),
      h("td", {}, a.next_attempt_at ? stamp(a.next_attempt_at) : "—"),
    ),
  );
  return h(
    "table",
    { class: "grid compact" },
    h("caption", {}, "Attempts (emulated clock)"),
    h("thead", {}, h("tr", {}, ["#", "At", "Answer", "Latency", "Error", "Next attempt"].map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", {}, rows),
  );
}

function headerTable(attempts) {
  const last = attempts[attempts.length - 1];
  if (!last) return null;
  const rows = Object.entries(last.headers || {}).map(([k, v]) => h("tr", {}, h("th", { scope: "row" }, k), h("td", {}, v)));
  return h("table", { class: "grid compact" }, h("caption", {}, "Headers sent (secrets masked)"), h("tbody", {}, rows));
}

function deliveryNode(d) {
  const last = d.attempts[d.attempts.length - 1];
  const summary = h(
    "summary",
    {},
    h("span", { class: "req-id" }, d.id),
    h("time", { datetime: d.created_at, class: "muted" }, shortTime(d.created_at)),
    h("span", { class: "method" }, d.type),
    h("span", { class: "path" }, d.member_guid || ""),
    h("span", { class: `badge delivery ${d.status}` }, d.status),
    last && last.status_code !== null ? httpBadge(last.status_code) : null,
    h("span", { class: "muted" }, `${d.attempts.length} attempt${d.attempts.length === 1 ? "" : "s"}`),
    d.next_attempt_at ? h("span", { class: "muted" }, "next ", relativeSpan(d.next_attempt_at)) : null,
    d.fired ? h("span", { class: "badge" }, "fired") : null,
    d.redelivery_of ? h("span", { class: "badge" }, `again: ${d.redelivery_of}`) : null,
  );
  const facts = [
    ["URL", d.url],
    ["Raised at (emulated clock)", stamp(d.created_at)],
    ["Client id", d.client_id ?? "none"],
    ["X-CALLBACK-PAYLOAD", d.callback_payload || "none"],
  ];
  const output = h("output", { class: "result", "aria-live": "polite" });
  const again = h("button", { type: "button", class: "redeliver" }, "Redeliver");
  again.addEventListener("click", async () => {
    try {
      report(output, await call("POST", `webhooks/deliveries/${encodeURIComponent(d.id)}/redeliver`));
      onChange();
    } catch (error) {
      report(output, error);
    }
  });
  const body = h(
    "div",
    { class: "entry-body" },
    h("dl", { class: "facts" }, facts.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)])),
    h("h3", {}, "Payload"),
    h("pre", {}, pretty(d.payload)),
    attemptRows(d.attempts),
    headerTable(d.attempts),
    h("div", { class: "row" }, again),
    output,
  );
  return h("li", { id: `hook-${d.id}`, "data-id": d.id }, h("details", {}, summary, body));
}

function query() {
  const params = new URLSearchParams();
  const type = $("#w-type").value;
  const member = $("#w-member").value.trim();
  if (type) params.set("type", type);
  if (member) params.set("member_guid", member);
  return params.toString();
}

export async function refreshWebhooks() {
  const [config, listed] = await Promise.all([call("GET", "webhooks"), call("GET", `webhooks/deliveries?${query()}`)]);
  const c = config.body.config;
  const posting = c
    ? `${c.url || Object.values(c.urls || {}).join(", ")} (${config.body.source} configuration${
        c.basic_auth ? ", HTTP Basic" : c.oauth2 ? ", OAuth 2 bearer" : ""
      })`
    : "";
  // The whole server's view lists every client's deliveries, each sent where its own client's configuration
  // said: the server's default (or its absence) is not what they were sent by.
  $("#webhook-config").textContent = world.clientId()
    ? c
      ? `Posting to ${posting}.`
      : "No webhook URL configured for this world: PUT …/webhooks, --webhook-url, or a fixture file."
    : `Every client's deliveries. ${
        c ? `Server default, for clients without their own: ${posting}.` : "No server-wide default URL (--webhook-url)"
      }${c ? "" : "; each client posts where its own configuration says (pick a client to see it)."}`;
  const deliveries = [...listed.body.deliveries].reverse(); // newest first
  const list = $("#webhook-list");
  const keep = new Set();
  const ordered = deliveries.map((d) => {
    keep.add(d.id);
    const text = JSON.stringify(d);
    const known = nodes.get(d.id);
    if (known && known.shown === text) return known.node;
    const node = deliveryNode(d);
    if (known && known.node.querySelector("details").open) node.querySelector("details").open = true;
    nodes.set(d.id, { node, shown: text });
    return node;
  });
  for (const id of [...nodes.keys()]) if (!keep.has(id)) nodes.delete(id);
  list.replaceChildren(...ordered);
  const pending = deliveries.filter((d) => d.status === "pending").length;
  $("#webhook-count").textContent = `${deliveries.length} deliver${deliveries.length === 1 ? "y" : "ies"}, ${pending} pending.`;
}

export function setupWebhooks(refresh) {
  onChange = refresh;
  $("#webhook-filters").addEventListener("submit", (event) => {
    event.preventDefault();
    refresh();
  });
  $("#webhook-filters").addEventListener("reset", () => setTimeout(refresh));
  $("#form-fire").addEventListener("submit", async (event) => {
    event.preventDefault();
    const guid = $("#fire-member").value.trim();
    const output = $("#result-fire");
    try {
      report(output, await call("POST", `members/${encodeURIComponent(guid)}/webhooks`, { type: $("#fire-type").value }));
      refresh();
    } catch (error) {
      report(output, error);
    }
  });
}
