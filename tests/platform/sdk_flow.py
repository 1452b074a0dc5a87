"""MX's verification flow written with MX's own Python SDK (mx-platform-python), unchanged but for its host.

Run by tests/platform/test_sdk.py with the SDK's own interpreter (its pins, pydantic 1 and an older urllib3,
stay out of the project's environment): `python sdk_flow.py http://127.0.0.1:PORT`. Prints one JSON line of
what each step answered; any exception from the SDK (a response it cannot parse, an unexpected status)
fails the run.
"""

from __future__ import annotations

import json
import sys
import urllib.request

import mx_platform_python as mx
from mx_platform_python.exceptions import BadRequestException
from mx_platform_python.models import (
    CredentialRequest,
    MemberCreateRequest,
    MemberCreateRequestBody,
    MemberResumeRequest,
    MemberResumeRequestBody,
    MicrodepositElements,
    MicrodepositRequestBody,
    MicrodepositVerifyRequest,
    MicrodepositVerifyRequestBody,
    UserCreateRequest,
    UserCreateRequestBody,
    WidgetRequest,
    WidgetRequestBody,
)

MFA = {"mfa_text": "TEXT", "mfa_options": "OPTIONS", "mfa_token": "TOKEN", "mfa_image": "IMAGE_DATA",
       "mfa_image_options": "IMAGE_OPTIONS"}  # fmt: skip


def main(host: str) -> dict:
    report: dict = {"mfa": {}}
    config = mx.Configuration(host=host, username="sdk-client", password="sdk-key")
    with mx.ApiClient(config) as client:
        users, institutions = mx.UsersApi(client), mx.InstitutionsApi(client)
        members, accounts, widgets = mx.MembersApi(client), mx.AccountsApi(client), mx.WidgetsApi(client)

        user = users.create_user(UserCreateRequestBody(user=UserCreateRequest(id="sdk-user-1", email="a@b.co"))).user
        found = institutions.list_institutions(name="MX Bank", supports_account_verification=True).institutions
        report["search"] = [i.code for i in found]
        credentials = institutions.list_institution_credentials("mxbank").credentials

        def create(code: str, password: str, skip: bool = False) -> str:
            creds = institutions.list_institution_credentials(code).credentials
            # MX Bank's test user; the scenario bank's members each their own login (MX: one member per login).
            values = {"LOGIN": "mxuser" if code == "mxbank" else f"user-{password}", "PASSWORD": password}
            body = MemberCreateRequestBody(member=MemberCreateRequest(
                institution_code=code, skip_aggregation=skip,
                credentials=[CredentialRequest(guid=c.guid, value=values[c.field_name]) for c in creds],
            ))  # fmt: skip
            return members.create_member(user.guid, body).member.guid

        def poll(member_guid: str):
            for _ in range(30):
                status = members.read_member_status(member_guid, user.guid).member
                if status.connection_status == "CHALLENGED" or not status.is_being_aggregated:
                    return status
            raise AssertionError(f"{member_guid} never settled")

        def answer(member_guid: str, status) -> None:
            answers = []
            for challenge in status.challenges:
                options = challenge.options or challenge.image_options or []
                value = next((o.value for o in options if o.value == "correct"), "correct")
                answers.append(CredentialRequest(guid=challenge.guid, value=value))
            body = MemberResumeRequestBody(member=MemberResumeRequest(challenges=answers))
            members.resume_aggregation(member_guid, user.guid, body)

        # MX Bank: create, verify, poll, answer MX Bank's text challenge, read the numbers and the owners.
        member = create("mxbank", "challenge", skip=True)
        report["verify"] = members.verify_member(member, user.guid).member.connection_status
        status = poll(member)
        report["challenged"] = status.connection_status
        answer(member, status)
        status = poll(member)
        report["verified"] = status.connection_status
        numbers = accounts.list_account_numbers_by_member(member, user.guid).account_numbers
        report["account_numbers"] = len(numbers)
        members.identify_member(member, user.guid)
        status = poll(member)
        while status.connection_status == "CHALLENGED":
            answer(member, status)
            status = poll(member)
        report["owners"] = len(accounts.list_account_owners_by_member(member, user.guid).account_owners)
        report["read_member"] = members.read_member(member, user.guid).member.connection_status
        listed = accounts.list_member_accounts(user.guid, member).accounts  # sic: this one takes the user first
        report["member_accounts"] = len(listed)
        report["account"] = accounts.read_account(listed[0].guid, user.guid).account.account_number
        by_account = accounts.list_account_numbers_by_account(listed[0].guid, user.guid).account_numbers
        report["account_numbers_by_account"] = len(by_account)
        report["user_accounts"] = len(accounts.list_user_accounts(user.guid).accounts)
        report["credentials"] = len(members.list_member_credentials(member, user.guid).credentials)
        report["credential_fields"] = [c.field_name for c in credentials]

        # Every MFA type through resume (mocknexus's scenario bank: the password names the scenario).
        for password, kind in MFA.items():
            guid = create("scenario_bank", password)
            status = poll(guid)
            assert [c.type for c in status.challenges] == [kind], status
            listed = members.list_member_challenges(guid, user.guid).challenges
            answer(guid, status)
            report["mfa"][kind] = (len(listed), poll(guid).connection_status)

        body = WidgetRequestBody(widget_url=WidgetRequest(widget_type="connect_widget", mode="verification"))
        report["widget_url"] = widgets.request_widget_url(user.guid, body).widget_url.url
        try:
            uri = widgets.request_o_auth_window_uri(member, user.guid, referral_source="BROWSER").member
            report["oauth_window_uri"] = uri.oauth_window_uri
        except BadRequestException as refused:  # MX's answer for a member that does not use OAuth
            report["oauth_window_uri"] = ("400", json.loads(refused.body)["error"]["message"])
        report["micro_deposit"] = micro_deposit(mx.MicrodepositsApi(client), host, user.guid)
        users.delete_user("application/vnd.mx.api.v1+json", user.guid)
        report["deleted"] = True
    return report


def micro_deposit(api, host: str, user_guid: str) -> list[str]:
    """Create a micro-deposit, have the control plane deposit it now (MX takes two minutes), verify it."""
    account = MicrodepositElements(account_number="333312345", account_type="CHECKING", routing_number="091000019")
    created = api.create_microdeposit(user_guid, MicrodepositRequestBody(micro_deposit=account)).micro_deposit[0]
    steer = urllib.request.Request(
        f"{host}/__admin/clients/sdk-client/micro_deposits/{created.guid}/status",
        data=json.dumps({"status": "DEPOSITED"}).encode(),
        headers={"Content-Type": "application/json"},
    )
    urllib.request.urlopen(steer).close()
    amounts = MicrodepositVerifyRequest(deposit_amount_1=0.09, deposit_amount_2=0.09)
    api.verify_microdeposit(created.guid, MicrodepositVerifyRequestBody(micro_deposit=amounts))
    read = api.read_user_microdeposit(created.guid, user_guid).micro_deposit[0]
    listed = api.list_user_microdeposits(user_guid).micro_deposits
    verifications = api.list_user_verifications(user_guid).micro_deposit
    api.delete_microdeposit(created.guid, user_guid)
    return [created.status, read.status, str(len(listed)), str(len(verifications))]


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1])))
