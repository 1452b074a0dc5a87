// The Sessions panel: sessions and api tokens, masked, with their expiry by the emulator's clock.
import { call } from "./api.js";
import { $, h, relativeSpan, stamp } from "./dom.js";

const KIND = { session: "session", api_token: "api token" };

function at(iso, fallback = "—") {
  return iso ? [h("time", { datetime: iso }, stamp(iso)), " ", relativeSpan(iso)] : fallback;
}

export async function refreshSessions() {
  const { body } = await call("GET", "sessions");
  const rows = body.credentials.map((c) =>
    h(
      "tr",
      { class: `cred ${c.state}` },
      h("td", {}, KIND[c.kind] ?? c.kind),
      h("td", {}, h("code", {}, c.token)),
      h("td", {}, c.user_id ?? c.user_guid),
      h("td", {}, at(c.issued_at)),
      h("td", {}, at(c.last_used_at)),
      h("td", {}, at(c.expires_at, "never")),
      h("td", {}, h("span", { class: `badge cred-state ${c.state}` }, c.state)),
    ),
  );
  $("#session-rows").replaceChildren(
    ...(rows.length ? rows : [h("tr", {}, h("td", { colspan: "7", class: "muted" }, "No sessions or api tokens."))]),
  );
  const sessions = body.credentials.filter((c) => c.kind === "session");
  const active = sessions.filter((c) => c.state === "active").length;
  $("#session-count").textContent = `${sessions.length} session${sessions.length === 1 ? "" : "s"} (${active} active), ${
    body.credentials.length - sessions.length
  } api token${body.credentials.length - sessions.length === 1 ? "" : "s"}.`;
}
