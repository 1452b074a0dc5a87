// MX's verification flow written with MX's own v20250224 Node SDK (mx-platform-node 3.0.0), unchanged but for
// its basePath. Run by tests/platform/test_sdk_v20250224.py: `node sdk_flow_v20250224.js URL MODE` with
// NODE_PATH at the built SDK's parent (.cache/, see .ci/build-mx-node-sdk-v3). Prints one JSON line; any
// rejected call fails the run. MODE "readme" configures the SDK as its README does (an
// `Accept: application/vnd.mx.api.v1+json` base header beside the Accept-Version every call sends), "plain"
// leaves axios's default Accept: both must be answered in v20250224, the version the SDK names on every call.
const sdk = require("mx-platform-node-v3");
const { Configuration, UsersApi, InstitutionsApi, MembersApi, AccountsApi, WidgetsApi } = sdk;
const V = "v20250224";

async function main(basePath, mode) {
  const settings = { username: `node3-${mode}`, password: "node-key", basePath };
  if (mode === "readme") settings.baseOptions = { headers: { Accept: "application/vnd.mx.api.v1+json" } };
  const config = new Configuration(settings);
  const users = new UsersApi(config), institutions = new InstitutionsApi(config);
  const members = new MembersApi(config), accounts = new AccountsApi(config), widgets = new WidgetsApi(config);
  const report = { jobGuidTypes: new Set(), statuses: {} };
  const note = (member) => report.jobGuidTypes.add(member.most_recent_job_guid === null ? "null" : typeof member.most_recent_job_guid);

  // Users by the partner's id: `{user_identifier}` is the id or the guid.
  const user = (await users.createUser(V, { user: { id: "node3-user", email: "node3@example.com" } })).data.user;
  report.userById = (await users.readUser(V, "node3-user")).data.user.guid === user.guid;
  report.userByGuid = (await users.readUser(V, user.guid)).data.user.id;

  // Institutions filtered by supported product, their credentials by code.
  const found = (await institutions.listInstitutions(V, "MX Bank", undefined, 1, 10, ["account_verification"])).data;
  report.search = found.institutions.map((i) => i.code);
  report.supportedProducts = (await institutions.readInstitution(V, "mxbank")).data.institution.supported_products;
  const credentials = (await institutions.listInstitutionCredentials(V, "mxbank")).data.credentials;
  const values = { LOGIN: "mxuser", PASSWORD: "challenge" };

  // A member with its own id, asking for verification through data_request.products (no skip_aggregation).
  const created = await members.createMember(V, "node3-user", {
    member: { id: "node3-member", institution_code: "mxbank",
              credentials: credentials.map((c) => ({ guid: c.guid, value: values[c.field_name] })) },
    data_request: { products: ["account_verification"] },
  });
  report.createStatus = created.status;
  const member = created.data.member;
  note(member);
  const poll = async () => {
    for (let i = 0; i < 30; i++) {
      const status = (await members.readMemberStatus(V, "node3-member", "node3-user")).data.member;
      if (status.connection_status === "CHALLENGED" || !status.is_being_aggregated) return status;
    }
    throw new Error("never settled");
  };
  let status = await poll();
  report.statuses.created = status.connection_status;
  const answer = async (s) => {
    const answers = s.challenges.map((c) => ({ guid: c.guid, value: "correct" }));
    note((await members.resumeAggregation(V, "node3-member", "node3-user", { member: { challenges: answers } })).data.member);
  };
  if (status.connection_status === "CHALLENGED") await answer(status);
  status = await poll();
  report.statuses.firstJob = status.connection_status;

  // Verify again, by the guids this time; this job asks its MFA question through listMemberChallenges.
  note((await members.verifyMember(V, member.guid, user.guid)).data.member);
  status = await poll();
  report.statuses.verifying = status.connection_status;
  if (status.connection_status === "CHALLENGED") {
    const challenges = (await members.listMemberChallenges(V, "node3-member", "node3-user")).data.challenges;
    await answer({ challenges });
  }
  status = await poll();
  report.statuses.verified = status.connection_status;
  const read = (await members.readMember(V, "node3-member", "node3-user")).data.member;
  note(read);
  report.memberGuid = read.guid === member.guid;
  report.mostRecentJobGuid = read.most_recent_job_guid;

  // The verified numbers and the accounts (MX's leaner v20250224 account).
  report.accountNumbers = (await accounts.listAccountNumbersByMember(V, member.guid, user.guid)).data.account_numbers.length;
  const listed = (await accounts.listUserAccounts(V, "application/json", "node3-user")).data.accounts;
  report.accounts = listed.length;
  const account = (await accounts.readAccountByMember(V, listed[0].guid, "node3-member", "node3-user")).data.account;
  report.accountKeys = Object.keys(account).length;
  report.accountByIdentifier = (await accounts.listAccountNumbersByAccount(V, account.guid, "node3-user")).data.account_numbers.length;

  // The Connect widget with v20250224's new request fields.
  report.widgetUrl = (await widgets.requestWidgetURL(V, user.guid, { widget_url: {
    widget_type: "connect_widget", color_scheme: "dark", locale: "fr-CA", style: { font_name: "Roboto" },
    data_request: { products: ["account_verification"] }, current_member_guid: member.guid,
  } })).data.widget_url.url;
  report.jobGuidTypes = [...report.jobGuidTypes];
  return report;
}

main(process.argv[2], process.argv[3] || "readme").then((r) => console.log(JSON.stringify(r)), (e) => {
  console.error(e.response ? `${e.response.status} ${e.config.method} ${e.config.url} ${JSON.stringify(e.response.data)}` : e.stack);
  process.exit(1);
});
