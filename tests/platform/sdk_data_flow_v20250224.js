// The data plane read with MX's own v20250224 Node SDK (mx-platform-node 3.0.0), unchanged but for its
// basePath. Run by tests/platform/test_sdk_v20250224.py: `node sdk_data_flow_v20250224.js URL` with NODE_PATH
// at the built SDK's parent (.cache/, see .ci/build-mx-node-sdk-v3). It connects MX Bank's all-account-types
// login by the partner's ids, lists the member's accounts, pages its transactions by member and by account
// (and by account per member), reads one (and by account), lists holdings, extends the history, fetches
// statements, lists them, downloads one's PDF and merges two accounts. Prints one JSON line; any rejected call fails the run.
const sdk = require("mx-platform-node-v3");
const { Configuration, UsersApi, InstitutionsApi, MembersApi, AccountsApi } = sdk;
const { TransactionsApi, InvestmentHoldingsApi, StatementsApi } = sdk;
const V = "v20250224";
const U = "node3-data-user", M = "node3-data-member";

async function main(basePath) {
  const config = new Configuration({ username: "node3-data", password: "node-key", basePath });
  const users = new UsersApi(config), institutions = new InstitutionsApi(config), members = new MembersApi(config);
  const accounts = new AccountsApi(config), transactions = new TransactionsApi(config);
  const holdings = new InvestmentHoldingsApi(config), statements = new StatementsApi(config);
  const report = {};

  const user = (await users.createUser(V, { user: { id: U } })).data.user.guid;
  const credentials = (await institutions.listInstitutionCredentials(V, "mxbank")).data.credentials;
  const values = { LOGIN: "mxuser", PASSWORD: "all_accounts" };
  const member = (await members.createMember(V, U, {
    member: { id: M, institution_code: "mxbank",
              credentials: credentials.map((c) => ({ guid: c.guid, value: values[c.field_name] })) },
  })).data.member.guid;
  const settle = async () => {
    for (let i = 0; i < 30; i++) {
      const status = (await members.readMemberStatus(V, M, U)).data.member;
      if (!status.is_being_aggregated) return status.connection_status;
    }
    throw new Error("never settled");
  };
  report.connected = await settle();
  const found = (await accounts.listMemberAccounts(V, U, M)).data.accounts;
  report.accountTypes = found.map((a) => a.type).sort();

  // Every page of the member's transactions, 100 at a time.
  const paged = [];
  let page = 1, pages = 1, answer;
  while (page <= pages) {
    answer = (await transactions.listTransactionsByMember(V, U, M, page, 100)).data;
    paged.push(...answer.transactions);
    pages = answer.pagination.total_pages;
    page += 1;
  }
  report.byMember = [paged.length, answer.pagination.total_entries];
  report.statuses = [...new Set(paged.map((t) => t.status))].sort();
  const checking = found.find((a) => a.type === "CHECKING").guid;
  const byAccount = (await transactions.listTransactionsByAccount(V, user, checking, 2, 10, undefined, undefined,
    undefined, undefined, undefined, undefined, "merchants,classifications")).data;
  report.byAccount = [byAccount.transactions.length, byAccount.pagination.current_page];
  report.allOfTheAccount = byAccount.transactions.every((t) => t.account_guid === checking);
  const perMember = (await transactions.listTransactionsByAccountPerMember(V, user, checking, member, 1, 10)).data;
  report.perMember = perMember.transactions.every((t) => t.account_guid === checking && t.member_guid === member);
  const first = paged[0];
  const one = (await transactions.readTransaction(V, user, first.guid)).data.transactions[0];
  report.read = [one.guid === first.guid, one.amount === first.amount, one.category];
  const mine = byAccount.transactions[0];
  const byItsAccount = (await transactions.readTransactionByAccount(V, U, M, checking, mine.guid, "merchants")).data;
  report.readByAccount = byItsAccount.transactions[0].guid === mine.guid;

  const held = (await holdings.listHoldingsByMember(V, member, user)).data.investment_holdings;
  report.holdings = [held.length, held.every((h) => h.market_value > 0)];
  report.holding = (await holdings.readHolding(V, held[0].guid, user)).data.investment_holding.symbol === held[0].symbol;

  // Two years more history; `from_date` as MX's v20250224 document has it, a unix timestamp.
  await transactions.extendHistory(V, M, U);
  report.extended = await settle();
  const since2000 = String(Date.UTC(2000, 0, 1) / 1000);
  const older = (await transactions.listTransactionsByMember(V, U, M, 1, 10, since2000)).data;
  report.historyEntries = older.pagination.total_entries;

  await statements.fetchStatements(V, M, U);
  report.fetched = await settle();
  const listed = (await statements.listStatementsByMember(V, member, user, 1, 10)).data;
  report.statements = [listed.pagination.total_entries, listed.statements[0].guid.startsWith("STA-")];
  const pdf = await statements.downloadStatementPDF(V, member, listed.statements[0].guid, user,
    { responseType: "arraybuffer" });
  report.pdf = Buffer.from(pdf.data).subarray(0, 5).toString();

  // The savings account is the checking account's duplicate: merged, the checking account is what is left.
  const savings = found.find((a) => a.type === "SAVINGS").guid;
  const merged = (await accounts.mergeAccounts(V, user, { account: { account_guids: [checking, savings] } })).data;
  const left = (await accounts.listMemberAccounts(V, U, M)).data.accounts.map((a) => a.guid);
  report.merged = [merged.account.guid === checking, left.includes(savings), left.length];
  report.mergedEntries = (await transactions.listTransactionsByMember(V, U, M, 1, 10, since2000)).data.pagination.total_entries;
  return report;
}

main(process.argv[2]).then((r) => console.log(JSON.stringify(r)), (e) => {
  console.error(e.response ? `${e.response.status} ${e.config.method} ${e.config.url} ${JSON.stringify(e.response.data)}` : e.stack);
  process.exit(1);
});
