"""The hot-path dumper gives exactly what marshmallow's dump gives, for every response schema in use."""

from __future__ import annotations

from marshmallow import Schema

from mocknexus.schemas.fastdump import dumper
from mocknexus.web import admin, mdx, nexus, sso
from tests.support import CLIENT, create_member, open_session, poll_until_settled


def response_schemas() -> list[Schema]:
    found = []
    for module in (nexus, mdx, sso, admin):
        found += [
            v
            for v in vars(module).values()
            if isinstance(v, Schema) and type(v).__name__.endswith(("Response", "Schema"))
        ]
    return found


def test_every_response_schema_dumps_identically(app, http, clock):
    headers = open_session(http)
    member = create_member(http, headers, password="challenge")
    http.post(f"/members/{member['guid']}/verify", headers=headers)
    poll_until_settled(http, headers, member["guid"], clock)
    emulator = app.extensions["mocknexus.worlds"].get(CLIENT).emulator
    session = emulator.authenticate(headers["MD-SESSION-TOKEN"])
    m = emulator.read_member(session, member["guid"], poll=False)
    user = emulator.session_user(session)
    institution = emulator.read_institution(m.institution_guid)
    shared = app.extensions["mocknexus"]  # MX's static fixtures
    accounts = shared.list_accounts(shared.authenticate("test_session"))
    samples = {
        "member": m, "members": [m], "user": user, "users": [user], "institution": institution,
        "institutions": [institution], "credentials": institution.credentials, "challenges": m.challenges,
        "accounts": accounts, "account": accounts[0], "account_numbers": accounts, "session": session,
        "api_token": emulator.issue_api_token(user.id), "status": "ok", "version": "1",
        "pagination": {"current_page": 1, "per_page": 25, "total_entries": 1, "total_pages": 1},
    }  # fmt: skip
    checked = 0
    for schema in response_schemas():
        obj = {k: samples[k] for k in schema.fields if k in samples}
        if obj:
            assert dumper(schema)(obj) == schema.dump(obj), type(schema).__name__
            checked += 1
    assert checked >= 12
    assert m.challenges  # the sample really had challenges to dump
