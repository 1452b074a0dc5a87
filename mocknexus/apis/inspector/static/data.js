// A member's data in the Members panel: its accounts, its newest transactions as the partner sees them, and
// a form that adds a transaction (it shows at the member's next aggregation, as the control plane's call does).
import { call } from "./api.js";
import { h } from "./dom.js";

const opened = new Set(); // member guids whose data section is open: kept open when their card is rebuilt

function money(value) {
  return value.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

function prefix(m) {
  return `/__admin/clients/${encodeURIComponent(m.client_id)}/members/${encodeURIComponent(m.guid)}`;
}

function table(caption, heads, rows) {
  return h(
    "table",
    { class: "grid compact" },
    h("caption", {}, caption),
    h("thead", {}, h("tr", {}, heads.map((head) => h("th", { scope: "col" }, head)))),
    h("tbody", {}, rows),
  );
}

function addForm(m, accounts, body, output) {
  const account = h("select", { name: "account", "aria-label": "Account" },
    accounts.map((a) => h("option", { value: a.guid }, `${a.name} (${a.type})`)));
  const description = h("input", { name: "description", required: true, value: "Corner Bakery", "aria-label": "Description" });
  const amount = h("input", { name: "amount", type: "number", step: "0.01", min: "0.01", required: true, value: "12.50", "aria-label": "Amount" });
  const status = h("select", { name: "status", "aria-label": "Status" }, h("option", {}, "PENDING"), h("option", {}, "POSTED"));
  const type = h("select", { name: "type", "aria-label": "Type" }, h("option", {}, "DEBIT"), h("option", {}, "CREDIT"));
  return h(
    "form",
    {
      class: "add-transaction",
      onsubmit: async (event) => {
        event.preventDefault();
        const spec = { description: description.value, amount: Number(amount.value), status: status.value, type: type.value };
        try {
          const { body: made } = await call("POST", `${prefix(m)}/transactions`, { account_guid: account.value, transactions: [spec] });
          output.textContent = `Added ${made.transactions[0]}: it shows at the member's next aggregation.`;
          output.classList.remove("failed");
        } catch (error) {
          output.textContent = error.message;
          output.classList.add("failed");
        }
      },
    },
    h("fieldset", {}, h("legend", {}, "Add a transaction"), account, description, amount, type, status,
      h("button", { type: "submit" }, "Add")),
  );
}

async function load(m, body) {
  let data;
  try {
    ({ body: data } = await call("GET", `${prefix(m)}/data`));
  } catch (error) {
    body.replaceChildren(h("p", { class: "muted" }, error.message));
    return;
  }
  const output = h("output", { class: "result", "aria-live": "polite" });
  const accounts = data.accounts.map((a) =>
    h("tr", {}, h("td", {}, a.name), h("td", {}, a.type), h("td", { class: "num" }, money(a.balance)),
      h("td", { class: "num" }, money(a.available_balance))),
  );
  const newest = data.transactions.map((t) =>
    h("tr", { "data-guid": t.guid }, h("td", {}, t.date), h("td", {}, t.description),
      h("td", { class: "num" }, `${t.type === "DEBIT" ? "−" : "+"}${money(t.amount)}`), h("td", {}, t.status),
      h("td", {}, t.category ?? "—")),
  );
  body.replaceChildren(
    table("Accounts", ["Name", "Type", "Balance", "Available"], accounts),
    newest.length
      ? table("Newest transactions", ["Date", "Description", "Amount", "Status", "Category"], newest)
      : h("p", { class: "muted" }, "No transactions aggregated yet."),
    data.accounts.length ? addForm(m, data.accounts, body, output) : null,
    output,
  );
}

export function dataSection(m) {
  if (!m.client_id || m.connection_status !== "CONNECTED") return null;
  const body = h("div", { class: "member-data" }, "Loading…");
  const details = h(
    "details",
    {
      class: "data",
      ontoggle: () => {
        if (details.open) {
          opened.add(m.guid);
          load(m, body);
        } else {
          opened.delete(m.guid);
        }
      },
    },
    h("summary", {}, "Accounts and transactions"),
    body,
  );
  if (opened.has(m.guid)) details.open = true; // its toggle event loads it
  return details;
}
