"""The hot-path dumper gives exactly what marshmallow's dump gives, for every response schema in use."""

from __future__ import annotations

import pytest
from marshmallow import Schema

from mocknexus.apis import admin
from mocknexus.apis.admin import clients, clock, faults, journal, members, scenarios, server, state
from mocknexus.apis.mdx import views as mdx
from mocknexus.apis.nexus import views as nexus
from mocknexus.apis.sso import views as sso
from mocknexus.domain.core.pagination import Page
from mocknexus.domain.static_members.static_members import StaticMembers
from mocknexus.schemas.dialects import DIALECTS, view
from mocknexus.schemas.fastdump import dumper
from tests.support import CLIENT, create_member, open_session, poll_until_settled


def response_schemas() -> list[Schema]:
    found = []
    for module in (nexus, mdx, sso, admin, clients, clock, faults, journal, members, scenarios, server, state):
        found += [
            v
            for v in vars(module).values()
            if isinstance(v, Schema) and type(v).__name__.endswith(("Response", "Schema"))
        ]
    return found


@pytest.mark.parametrize("dialect", DIALECTS)
def test_every_response_schema_dumps_identically(app, http, clock, dialect):
    """In every dialect: the fast plan of each dialect's view gives what marshmallow gives for that view."""
    headers = open_session(http)
    member = create_member(http, headers, password="challenge")
    http.post(f"/members/{member['guid']}/verify", headers=headers)
    poll_until_settled(http, headers, member["guid"], clock)
    emulator = app.extensions["mocknexus.worlds"].get(CLIENT).emulator
    session = emulator.authenticate(headers["MD-SESSION-TOKEN"])
    m = emulator.read_member(session.user_guid, member["guid"], poll=False)
    user = emulator.get_user(session.user_guid)
    institution = emulator.read_institution(m.institution_guid)
    static = StaticMembers(emulator, seed=7)
    accounts = static.list_accounts(static.user.guid)
    page = Page(1, 25, 1, 1)
    samples = {
        "member": m, "members": [m], "user": user, "users": [user], "institution": institution,
        "institutions": [institution], "credentials": institution.credentials, "challenges": m.challenges,
        "accounts": accounts, "account": accounts[0], "account_numbers": accounts, "session": session,
        "account_owners": static.account_owners(static.user.guid, "test_nexus_member"),
        "api_token": emulator.issue_api_token(user.id), "status": "ok", "version": "1",
        "pagination": page, "pagination_data": page,
    }  # fmt: skip
    checked = 0
    for base in response_schemas():
        schema = view(base, dialect)
        obj = {k: samples[k] for k in schema.fields if k in samples}
        if obj:
            assert dumper(schema)(obj) == schema.dump(obj), type(schema).__name__
            checked += 1
    assert checked >= 13
    assert m.challenges and samples["account_owners"]  # the samples really had challenges and owners to dump
