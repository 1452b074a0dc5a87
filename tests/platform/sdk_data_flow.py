"""The data plane read with MX's own Python SDK (mx-platform-python 1.12.0), unchanged but for its host.

Run by tests/platform/test_sdk_data.py with the SDK's own interpreter: `python sdk_data_flow.py URL`. It
connects MX Bank's all-account-types login, lists the member's accounts, pages its transactions by member
and by account, reads one, lists holdings, extends the history, fetches statements, lists them and downloads
one's PDF. Prints one JSON line of what each step answered; any exception from the SDK fails the run.
"""

from __future__ import annotations

import json
import sys

import mx_platform_python as mx
from mx_platform_python.models import (
    CredentialRequest,
    MemberCreateRequest,
    MemberCreateRequestBody,
    UserCreateRequest,
    UserCreateRequestBody,
)


def main(host: str) -> dict:
    report: dict = {}
    config = mx.Configuration(host=host, username="sdk-data-client", password="sdk-key")
    with mx.ApiClient(config) as client:
        users, institutions, members = mx.UsersApi(client), mx.InstitutionsApi(client), mx.MembersApi(client)
        accounts, transactions = mx.AccountsApi(client), mx.TransactionsApi(client)
        holdings, statements = mx.InvestmentHoldingsApi(client), mx.StatementsApi(client)

        user = users.create_user(UserCreateRequestBody(user=UserCreateRequest(id="sdk-data-user"))).user.guid
        creds = institutions.list_institution_credentials("mxbank").credentials
        values = {"LOGIN": "mxuser", "PASSWORD": "all_accounts"}
        body = MemberCreateRequestBody(member=MemberCreateRequest(
            institution_code="mxbank",
            credentials=[CredentialRequest(guid=c.guid, value=values[c.field_name]) for c in creds],
        ))  # fmt: skip
        member = members.create_member(user, body).member.guid

        def settle() -> str:
            for _ in range(30):
                status = members.read_member_status(member, user).member
                if not status.is_being_aggregated:
                    return status.connection_status
            raise AssertionError("never settled")

        report["connected"] = settle()
        found = accounts.list_member_accounts(user, member).accounts
        report["account_types"] = sorted(a.type for a in found)

        paged, page, pages = [], 1, 1
        while page <= pages:
            answer = transactions.list_transactions_by_member(member, user, page=page, records_per_page=100)
            paged.extend(answer.transactions)
            pages = answer.pagination.total_pages
            page += 1
        report["by_member"] = [len(paged), answer.pagination.total_entries]
        report["statuses"] = sorted({t.status for t in paged})
        checking = next(a for a in found if a.type == "CHECKING")
        by_account = transactions.list_transactions_by_account(
            checking.guid, user, records_per_page=10, page=2, includes="merchants,classifications"
        )
        report["by_account"] = [len(by_account.transactions), by_account.pagination.current_page]
        report["all_of_the_account"] = all(t.account_guid == checking.guid for t in by_account.transactions)
        one = transactions.read_transaction(user, paged[0].guid).transactions[0]
        report["read"] = [one.guid == paged[0].guid, one.amount == paged[0].amount, one.category]

        held = holdings.list_holdings_by_member(member, user).investment_holdings
        report["holdings"] = [len(held), all(h.market_value > 0 for h in held)]
        report["holding"] = holdings.read_holding(held[0].guid, user).investment_holding.symbol == held[0].symbol

        transactions.extend_history(member, user)
        report["extended"] = settle()
        older = transactions.list_transactions_by_member(member, user, from_date="2000-01-01", records_per_page=10)
        report["history_entries"] = older.pagination.total_entries

        statements.fetch_statements(member, user)
        report["fetched"] = settle()
        listed = statements.list_statements_by_member(member, user, records_per_page=10)
        report["statements"] = [listed.pagination.total_entries, listed.statements[0].guid.startswith("STA-")]
        pdf = statements.download_statement_pdf(member, listed.statements[0].guid, user)
        report["pdf"] = bytes(pdf[:5]).decode()
    return report


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1])))
