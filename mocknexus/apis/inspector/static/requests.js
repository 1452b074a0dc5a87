// The Requests panel: the journal, newest first, filtered on the server, each entry expandable.
import { call } from "./api.js";
import { $, h, httpBadge, pretty, stamp, shortTime } from "./dom.js";

const LIMIT = 200;
const nodes = new Map(); // journal id -> <li>, kept across refreshes so open entries and focus survive
let shownQuery = null;

function query() {
  const form = $("#request-filters");
  const params = new URLSearchParams({ limit: String(LIMIT) });
  for (const name of ["method", "path", "status", "client_id"]) {
    const value = form.elements[name].value.trim();
    if (value) params.set(name, value);
  }
  return params.toString();
}

function headerTable(headers) {
  const rows = Object.entries(headers || {}).map(([k, v]) =>
    h("tr", {}, h("th", { scope: "row" }, k), h("td", {}, v)),
  );
  return h("table", { class: "grid compact" }, h("caption", {}, "Headers (secrets masked)"), h("tbody", {}, rows));
}

function entryNode(e) {
  const target = e.query ? `${e.path}?${e.query}` : e.path;
  const facts = [
    ["Request id", `#${e.id}`],
    ["At (emulated clock)", stamp(e.at)],
    ["Duration", `${e.duration_ms} ms`],
    ["Fault", e.fault || "none"],
  ];
  if ("client_id" in e) facts.push(["Client id", e.client_id ?? "none"]);
  const summary = h(
    "summary",
    {},
    h("span", { class: "req-id" }, `#${e.id}`),
    h("time", { datetime: e.at, class: "muted" }, shortTime(e.at)),
    h("span", { class: `method m-${e.method.toLowerCase()}` }, e.method),
    h("span", { class: "path" }, target),
    httpBadge(e.status),
    h("span", { class: "muted duration" }, `${e.duration_ms.toFixed(1)} ms`),
    e.fault ? h("span", { class: "badge fault" }, `fault ${e.fault}`) : null,
    e.client_id ? h("span", { class: "badge" }, e.client_id) : null,
  );
  const body = h(
    "div",
    { class: "entry-body" },
    h("dl", { class: "facts" }, facts.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)])),
    headerTable(e.headers),
    h("h3", {}, "Body"),
    e.body === null ? h("p", { class: "muted" }, "No body.") : h("pre", {}, pretty(e.body)),
  );
  return h("li", { id: `req-${e.id}`, "data-id": String(e.id) }, h("details", {}, summary, body));
}

export async function refreshRequests() {
  const q = query();
  const { body } = await call("GET", `requests?${q}`);
  const list = $("#request-list");
  if (q !== shownQuery) {
    nodes.clear();
    list.replaceChildren();
    shownQuery = q;
  }
  const ids = new Set(body.requests.map((e) => e.id));
  for (const [id, node] of nodes) {
    if (!ids.has(id)) {
      node.remove();
      nodes.delete(id);
    }
  }
  // New entries are the newest: they go above what is shown, in order; existing nodes are not moved.
  const fresh = body.requests.filter((e) => !nodes.has(e.id)).map((e) => {
    const node = entryNode(e);
    nodes.set(e.id, node);
    return node;
  });
  list.prepend(...fresh);
  const count = body.requests.length;
  $("#request-count").textContent =
    count === 0 ? "No requests match." : `${count} request${count === 1 ? "" : "s"}${count === LIMIT ? " (the newest)" : ""}.`;
}

// Open one entry (from a member's timeline): clear filters that would hide it, then expand and focus it.
export async function revealRequest(id) {
  let node = nodes.get(id);
  if (!node) {
    $("#request-filters").reset();
    await refreshRequests();
    node = nodes.get(id);
  }
  if (!node) return false;
  const details = node.querySelector("details");
  details.open = true;
  details.querySelector("summary").focus();
  node.scrollIntoView({ block: "center" });
  return true;
}

export function setupRequests(refresh, problem) {
  const form = $("#request-filters");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    refresh();
  });
  form.addEventListener("reset", () => setTimeout(refresh));
  $("#clear-journal").addEventListener("click", async () => {
    try {
      await call("DELETE", "requests");
      refresh();
    } catch (error) {
      problem(error);
    }
  });
}
