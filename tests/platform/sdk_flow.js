// MX's verification flow written with MX's own Node SDK (mx-platform-node 2.1.0), unchanged but for its basePath.
// Run by tests/platform/test_sdk.py: `node sdk_flow.js http://127.0.0.1:PORT` with NODE_PATH at the SDK's
// node_modules (.cache/mx-platform-node). Prints one JSON line; any rejected call fails the run.
// The Node SDK types `most_recent_job_guid` `string | null` where the Python SDK says `boolean`: both parse null.
const { Configuration, UsersApi, InstitutionsApi, MembersApi, AccountsApi, WidgetsApi } = require("mx-platform-node");

async function main(basePath) {
  const config = new Configuration({
    username: "node-client", password: "node-key", basePath,
    baseOptions: { headers: { Accept: "application/vnd.mx.api.v1+json" } },  // as MX's README sets it
  });
  const users = new UsersApi(config), institutions = new InstitutionsApi(config);
  const members = new MembersApi(config), accounts = new AccountsApi(config), widgets = new WidgetsApi(config);
  const report = { jobGuidTypes: new Set() };
  const note = (member) => report.jobGuidTypes.add(member.most_recent_job_guid === null ? "null" : typeof member.most_recent_job_guid);

  const user = (await users.createUser({ user: { id: "node-user-1" } })).data.user;
  const credentials = (await institutions.listInstitutionCredentials("mxbank")).data.credentials;
  const values = { LOGIN: "mxuser", PASSWORD: "challenge" };
  const created = await members.createMember(user.guid, { member: {
    institution_code: "mxbank", skip_aggregation: true,
    credentials: credentials.map((c) => ({ guid: c.guid, value: values[c.field_name] })),
  } });
  const member = created.data.member;
  note(member);
  note((await members.verifyMember(member.guid, user.guid)).data.member);
  const poll = async () => {
    for (let i = 0; i < 30; i++) {
      const status = (await members.readMemberStatus(member.guid, user.guid)).data.member;
      if (status.connection_status === "CHALLENGED" || !status.is_being_aggregated) return status;
    }
    throw new Error("never settled");
  };
  let status = await poll();
  report.challenged = status.connection_status;
  const answers = status.challenges.map((c) => ({ guid: c.guid, value: "correct" }));
  note((await members.resumeAggregation(member.guid, user.guid, { member: { challenges: answers } })).data.member);
  status = await poll();
  report.verified = status.connection_status;
  note((await members.readMember(member.guid, user.guid)).data.member);
  report.accountNumbers = (await accounts.listAccountNumbersByMember(member.guid, user.guid)).data.account_numbers.length;
  report.widgetUrl = (await widgets.requestWidgetURL(user.guid, { widget_url: { widget_type: "connect_widget" } })).data.widget_url.url;
  report.jobGuidTypes = [...report.jobGuidTypes];
  return report;
}

main(process.argv[2]).then((r) => console.log(JSON.stringify(r)), (e) => {
  console.error(e.response ? `${e.response.status} ${JSON.stringify(e.response.data)}` : e.stack);
  process.exit(1);
});
