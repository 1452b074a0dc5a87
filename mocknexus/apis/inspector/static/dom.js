// Small DOM and formatting helpers. Text always goes in as text (never as HTML): journal bodies are data
// from the client under test.
export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key in node && typeof value !== "string") node[key] = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export const $ = (selector) => document.querySelector(selector);

export const settings = JSON.parse(document.getElementById("settings").textContent);

// The emulator's clock as the page last read it: relative times are measured against it, not the browser's.
export const emulated = { now: null };

export function stamp(iso) {
  if (!iso) return "—";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z").replace(/Z$/, " UTC");
}

export function shortTime(iso) {
  if (!iso) return "—";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toISOString().slice(11, 19);
}

export function duration(seconds) {
  const s = Math.round(Math.abs(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86400)} d ${Math.floor((s % 86400) / 3600)} h`;
}

// "in 4 min 20 s" / "3 s ago", by the emulator's clock.
export function relative(iso) {
  if (!iso || !emulated.now) return "";
  const seconds = (new Date(iso) - new Date(emulated.now)) / 1000;
  if (Math.abs(seconds) < 0.5) return "now";
  return seconds > 0 ? `in ${duration(seconds)}` : `${duration(seconds)} ago`;
}

// A "(in 3 min)" that `updateRelatives` keeps true as the emulated clock moves, without rebuilding its card.
export function relativeSpan(iso) {
  return h("span", { class: "muted rel", "data-at": iso }, `(${relative(iso)})`);
}

export function updateRelatives() {
  for (const node of document.querySelectorAll(".rel[data-at]")) {
    node.textContent = `(${relative(node.dataset.at)})`;
  }
}

export function statusBadge(status) {
  const group = settings.statuses[status] || "other";
  return h("span", { class: `badge status ${group}` }, status);
}

export function httpBadge(code) {
  const kind = code === 0 ? "dropped" : code >= 500 ? "failure" : code >= 400 ? "action" : "success";
  return h("span", { class: `badge http ${kind}` }, code === 0 ? "dropped" : String(code));
}

export function pretty(value) {
  return typeof value === "string" ? value : JSON.stringify(value, null, 2);
}

// Show what an admin call did in an <output>: the call and its answer.
export function report(output, result) {
  output.replaceChildren();
  const ok = result.status >= 200 && result.status < 300;
  output.classList.toggle("failed", !ok);
  const summary = ok
    ? `${result.method} ${result.url} → ${result.status}`
    : `${result.method} ${result.url} → ${result.status || "no answer"}: ${result.message}`;
  output.append(h("span", { class: "result-line" }, summary));
  if (ok && result.body && Object.keys(result.body).length) {
    output.append(h("details", {}, h("summary", {}, "Answer"), h("pre", {}, pretty(result.body))));
  }
}
