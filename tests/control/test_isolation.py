"""Every MX client id is its own world: nothing one client does is visible to, or changes, another.

Runs on both stores (marked `both_stores`). Each test works with two clients, `ca` and `cb`, doing the same things.
"""

from __future__ import annotations

import pytest

from mocknexus.app import create_app
from tests.support import API_KEY, FlaskHttp, create_member, session_headers

pytestmark = pytest.mark.both_stores

CA, CB = "ca", "cb"
TEST = session_headers("test_session")


def user(http, client: str, user_id: str = "user-1") -> dict:
    r = http.post(f"/{client}/users.json", json={"user": {"id": user_id}}, headers=API_KEY)
    assert r.status == 200, r.json
    return r.json["user"]


def session(http, client: str, user_id: str = "user-1") -> dict:
    token = http.get(f"/{client}/users/{user_id}/api_token.json", headers=API_KEY).json["api_token"]["token"]
    r = http.post("/sessions", json={"session": {"skip_aggregation": True}}, headers={"MD-API-TOKEN": token})
    assert r.status == 200, r.json
    return session_headers(r.json["session"]["token"])


def two_clients(http) -> tuple[dict, dict]:
    """The same user id under both clients, each with a session."""
    user(http, CA), user(http, CB)
    return session(http, CA), session(http, CB)


def admin(client: str | None, path: str) -> str:
    return f"/__admin/clients/{client}{path}" if client else f"/__admin{path}"


def test_the_same_user_id_under_two_client_ids_is_two_users(http):
    a, b = user(http, CA), user(http, CB)
    assert a["guid"] != b["guid"]
    assert http.post(f"/{CA}/users.json", json={"user": {"id": "user-1"}}, headers=API_KEY).status == 409
    assert [u["guid"] for u in http.get(f"/{CB}/users.json", headers=API_KEY).json["users"]] == [b["guid"]]
    assert http.delete(f"/{CA}/users/user-1.json", headers=API_KEY).status == 204
    assert http.get(f"/{CB}/users/user-1.json", headers=API_KEY).status == 200


def test_a_nexus_call_reaches_its_sessions_client_only(http):
    ha, hb = two_clients(http)
    member = create_member(http, ha, password="password")
    assert http.get(f"/members/{member['guid']}", headers=ha).status == 200
    assert http.get(f"/members/{member['guid']}", headers=hb).status == 404
    assert http.get("/members", headers=hb).json["members"] == []
    # An api_token opens a session in its own client, whether sent in the header or the body.
    user(http, CB, "user-2")
    token = http.get(f"/{CB}/users/user-2/api_token.json", headers=API_KEY).json["api_token"]["token"]
    r = http.post("/sessions", json={"session": {"api_token": token, "skip_aggregation": True}})
    assert r.status == 200
    assert (
        http.get("/user", headers=session_headers(r.json["session"]["token"])).json["user"]["external_guid"] == "user-2"
    )
    assert [m["guid"] for m in http.get(admin(CA, "/state")).json["members"]] == [member["guid"]]
    assert http.get(admin(CB, "/state")).json["members"] == []


def test_a_clients_clock_moves_that_client_only(http):
    ha, hb = two_clients(http)
    assert http.post(admin(CA, "/clock/advance"), json={"seconds": 1801}).json["now"] == "2026-01-01T12:30:01+00:00"
    r = http.get("/members", headers=ha)
    assert r.status == 401 and r.json["error"]["code"] == 4011
    assert http.get("/members", headers=hb).status == 200
    assert http.get(admin(CB, "/clock")).json == {"now": "2026-01-01T12:00:00+00:00", "frozen": True}
    # A client can freeze its own clock; the server's clock moves every client that has not.
    http.post(admin(CB, "/clock/freeze"), json={"at": "2026-01-01T12:00:00+00:00"})
    user(http, CA, "user-2")
    hc = session(http, CA, "user-2")
    http.post(admin(None, "/clock/advance"), json={"seconds": 1801})
    assert http.get("/members", headers=hc).status == 401
    assert http.get("/members", headers=hb).status == 200
    assert http.get(admin(CA, "/clock")).json["now"] == "2026-01-01T13:00:02+00:00"


def test_a_clients_faults_hit_that_clients_calls_only(http):
    ha, hb = two_clients(http)
    fault = http.post(admin(CA, "/faults"), json={"path": "/members", "status": 503}).json["fault"]
    assert fault["client_id"] == CA
    assert http.get("/members", headers=ha).status == 503
    assert http.get("/members", headers=hb).status == 200
    assert http.get(f"/{CA}/users.json", headers=API_KEY).status == 200  # only the faulted path
    assert http.get(admin(CB, "/faults")).json == {"faults": []}
    # A server-wide fault hits every client; the server-wide list shows every client's faults.
    http.post(admin(None, "/faults"), json={"path": "/user", "status": 500, "count": 2})
    assert http.get("/user", headers=ha).status == 500 and http.get("/user", headers=hb).status == 500
    listed = http.get(admin(None, "/faults")).json["faults"]
    assert {(f["path"], f["client_id"]) for f in listed} == {("/members", CA), ("/user", None)}
    assert http.delete(admin(CB, f"/faults/{fault['id']}")).status == 404  # not cb's to remove
    assert http.delete(admin(None, f"/faults/{fault['id']}")).status == 200
    assert http.get("/members", headers=ha).status == 200


def test_a_clients_reset_leaves_the_others(http):
    ha, hb = two_clients(http)
    create_member(http, hb, password="password")
    http.post(admin(CA, "/faults"), json={"path": "/user", "status": 503})
    http.post(admin(CB, "/clock/advance"), json={"seconds": 60})
    http.post(admin(CA, "/clock/advance"), json={"seconds": 60})
    assert http.post(admin(CA, "/reset")).status == 200
    assert http.get("/user", headers=ha).status == 401  # its users and sessions are gone
    assert http.post(f"/{CA}/users.json", json={"user": {"id": "user-1"}}, headers=API_KEY).status == 200
    assert http.get(admin(CA, "/faults")).json == {"faults": []}
    assert http.get(admin(CA, "/requests")).json["requests"][0]["path"] == f"/{CA}/users.json"
    assert http.get(admin(CA, "/clock")).json["now"] == "2026-01-01T12:00:00+00:00"
    assert len(http.get("/members", headers=hb).json["members"]) == 1
    assert http.get(admin(CB, "/clock")).json["now"] == "2026-01-01T12:01:00+00:00"
    # One user's reset, per client.
    assert http.post(admin(CB, "/reset"), json={"user_id": "user-1"}).status == 200
    assert http.get("/members", headers=hb).status == 401
    assert http.post(admin(CB, "/reset"), json={"user_id": "nobody"}).status == 404


def test_a_clients_journal_holds_its_calls_only(http):
    ha, _ = two_clients(http)
    http.get("/members", headers=ha)
    http.get("/nowhere")
    paths = {c: [(e["method"], e["path"]) for e in http.get(admin(c, "/requests")).json["requests"]] for c in (CA, CB)}
    assert paths[CA] == [("GET", "/members"), ("POST", "/sessions"), ("GET", f"/{CA}/users/user-1/api_token.json"),
                         ("POST", f"/{CA}/users.json")]  # fmt: skip
    assert ("GET", "/members") not in paths[CB] and len(paths[CB]) == 3
    everything = http.get(admin(None, "/requests")).json["requests"]
    assert [e["client_id"] for e in everything[:2]] == [None, CA]  # newest first, across clients
    assert len(everything) == 8
    only_cb = http.get(admin(None, f"/requests?client_id={CB}")).json["requests"]
    assert [e["id"] for e in only_cb] == [e["id"] for e in everything if e["client_id"] == CB]
    assert http.delete(admin(CA, "/requests")).status == 200
    assert http.get(admin(CA, "/requests")).json["requests"] == []
    assert len(http.get(admin(CB, "/requests")).json["requests"]) == 3


def test_mx_static_fixtures_are_shared_and_read_only(http):
    ha, _ = two_clients(http)
    r = http.post("/members/test_nexus_member/verify", headers=TEST)
    assert r.status == 200  # answers as MX does...
    member = http.get("/members/test_nexus_member", headers=TEST).json["member"]
    assert member["is_being_aggregated"] is False and member["connection_status"] == "CONNECTED"  # ...changes nothing
    assert http.get("/members/test_nexus_member", headers=ha).status == 404
    r = http.post(admin(None, "/members/test_nexus_member/status"), json={"connection_status": "LOCKED"})
    assert r.status == 403
    assert http.post(admin(CA, "/members/test_nexus_member/finish")).status == 404  # not a client's
    http.post(admin(CA, "/clock/advance"), json={"seconds": 86400})
    http.post(admin(CA, "/reset"))
    assert http.get("/members/test_nexus_member/account_numbers", headers=TEST).json["account_numbers"]
    assert all(c["client_id"] != "test_session" for c in http.get("/__admin/clients").json["clients"])


def test_snapshots_carry_the_client_id_and_load_into_that_client_only(http):
    ha, hb = two_clients(http)
    ma = create_member(http, ha, password="password")
    mb = create_member(http, hb, password="password")
    dump = http.get(admin(CA, "/state?reveal=true")).json
    assert dump["client_id"] == CA and dump["version"] == 2
    http.post(admin(CA, "/reset"))
    assert http.get(f"/members/{ma['guid']}", headers=ha).status == 401
    assert http.put(admin(CA, "/state"), json=dump).status == 200
    assert http.get(f"/members/{ma['guid']}", headers=ha).status == 200  # sessions route to ca again
    assert http.get(f"/members/{mb['guid']}", headers=hb).status == 200
    # Loading ca's snapshot at the server-wide endpoint loads ca alone; at cb's it is refused.
    http.post(admin(CA, "/reset"))
    assert http.put(admin(None, "/state"), json=dump).status == 200
    assert http.get(f"/members/{ma['guid']}", headers=ha).status == 200
    r = http.put(admin(CB, "/state"), json=dump)
    assert r.status == 400 and "client id 'ca'" in r.json["error"]["message"]
    # A token another client holds cannot be loaded into a second one.
    copied = {**dump, "client_id": None}
    assert http.put(admin(CB, "/state"), json=copied).status == 409
    assert http.get(f"/members/{mb['guid']}", headers=hb).status == 200  # cb unchanged by the refusals


def test_a_whole_server_snapshot_round_trips(http):
    ha, hb = two_clients(http)
    ma = create_member(http, ha, password="password")
    whole = http.get("/__admin/state?reveal=true").json
    assert {c["client_id"] for c in whole["clients"]} == {CA, CB}
    http.post("/__admin/reset")
    assert http.get("/__admin/clients").json["clients"] == []
    assert http.put("/__admin/state", json=whole).status == 200
    assert http.get(f"/members/{ma['guid']}", headers=ha).status == 200
    assert http.get("/members", headers=hb).json["members"] == []
    assert http.get("/__admin/state?reveal=true").json["clients"] == whole["clients"]


def test_clients_are_listed_and_forgotten(http):
    ha, _ = two_clients(http)
    create_member(http, ha, password="password")
    http.post(admin(CA, "/faults"), json={"path": "/x", "status": 500})
    listed = {c["client_id"]: c for c in http.get("/__admin/clients").json["clients"]}
    assert set(listed) == {CA, CB}
    assert (listed[CA]["users"], listed[CA]["members"], listed[CA]["faults"], listed[CA]["requests"]) == (1, 1, 1, 6)
    assert http.delete(f"/__admin/clients/{CA}").status == 200
    assert http.get("/user", headers=ha).status == 401
    assert [c["client_id"] for c in http.get("/__admin/clients").json["clients"]] == [CB]
    assert http.delete(f"/__admin/clients/{CA}").status == 404


def test_worker_processes_share_each_clients_state_and_clock(tmp_path, clock):
    """Two apps over one state file, as two gunicorn workers are: a client's records, token routing and
    clock are the same in both."""
    from mocknexus.config import Config

    config = Config(seed=7, state_file=str(tmp_path / "shared.db"))
    one, two = FlaskHttp(create_app(config, clock=clock)), FlaskHttp(create_app(config, clock=clock))
    user(one, CA)
    ha = session(one, CA)
    assert two.get("/user", headers=ha).json["user"]["external_guid"] == "user-1"
    assert two.post(f"/{CA}/users.json", json={"user": {"id": "user-1"}}, headers=API_KEY).status == 409
    one.post(admin(CA, "/clock/advance"), json={"seconds": 1801})
    assert two.get("/user", headers=ha).status == 401
    assert two.get(admin(CA, "/clock")).json["now"] == "2026-01-01T12:30:01+00:00"
    assert {c["client_id"] for c in two.get("/__admin/clients").json["clients"]} == {CA}
    user(two, CB)
    assert one.get(f"/{CB}/users/user-1.json", headers=API_KEY).status == 200


MINE = {"scenarios": {"my_locked": {"description": "Locked at once.", "steps": [], "end": "LOCKED"}}}


def test_uploaded_scenarios_belong_to_their_client(http, clock):
    ha, hb = two_clients(http)
    r = http.post(admin(CA, "/scenarios"), json=MINE)
    assert r.status == 201 and [s["name"] for s in r.json["scenarios"]] == ["my_locked"]
    names = {c: {s["name"] for s in http.get(admin(c, "/scenarios")).json["scenarios"]} for c in (CA, CB, None)}
    assert "my_locked" in names[CA] and "my_locked" not in names[CB] | names[None]
    assert names[CA] - {"my_locked"} == names[CB] == names[None]
    # At the Scenario Bank a password naming a scenario runs it: in ca only; in cb it is just a password.
    for headers, client, ends in ((ha, CA, "LOCKED"), (hb, CB, "CONNECTED")):
        member = create_member(http, headers, password="my_locked", name="MockNexus Scenario Bank")
        http.post(f"/members/{member['guid']}/verify", headers=headers)
        http.post(admin(client, f"/members/{member['guid']}/finish"))  # to the scenario's end (409: already there)
        r = http.get(f"/members/{member['guid']}", headers=headers)
        assert r.json["member"]["connection_status"] == ends and not r.json["member"]["is_being_aggregated"]
    assert http.post(admin(CB, f"/members/{member['guid']}/scenario"), json={"scenario": "my_locked"}).status == 400
    # A snapshot carries them; a reset forgets them; they can be removed one by one.
    dump = http.get(admin(CA, "/state?reveal=true")).json
    assert dump["scenarios"] == MINE["scenarios"]
    http.post(admin(CA, "/reset"))
    assert "my_locked" not in {s["name"] for s in http.get(admin(CA, "/scenarios")).json["scenarios"]}
    assert http.put(admin(CA, "/state"), json=dump).status == 200
    assert "my_locked" in {s["name"] for s in http.get(admin(CA, "/scenarios")).json["scenarios"]}
    assert http.delete(admin(CA, "/scenarios/my_locked")).status == 200
    assert http.delete(admin(CA, "/scenarios/my_locked")).status == 404


def test_an_uploaded_scenario_can_replace_a_server_one_in_its_client_only(http):
    ha, hb = two_clients(http)
    replaced = {"scenarios": {"connected": {"steps": [{"polls": 1}], "end": "CLOSED"}}}
    assert http.post(admin(CA, "/scenarios"), json=replaced).status == 201
    for headers, client, ends in ((ha, CA, "CLOSED"), (hb, CB, "CONNECTED")):
        member = create_member(http, headers, password="anything", name="MockNexus Scenario Bank")
        http.post(f"/members/{member['guid']}/verify", headers=headers)
        r = http.post(admin(client, f"/members/{member['guid']}/finish"))
        assert r.status == 200 and r.json["member"]["connection_status"] == ends


def test_a_bad_upload_is_refused_naming_the_fault(http):
    bad = {"scenarios": {"oops": {"steps": [{"status": "SLEEPING"}], "end": "CONNECTED"}}}
    r = http.post(admin(CA, "/scenarios"), json=bad)
    assert r.status == 400 and r.json["error"]["message"].startswith("scenarios.oops: scenarios.oops.steps.0.status")
    assert http.post(admin(CA, "/scenarios"), json={"scenarios": {}}).status == 400
    assert "oops" not in {s["name"] for s in http.get(admin(CA, "/scenarios")).json["scenarios"]}
    dump = {"version": 2, "client_id": CA, "scenarios": bad["scenarios"]}
    assert http.put(admin(CA, "/state"), json=dump).status == 400


def test_an_uploaded_scenario_in_use_by_a_running_job_cannot_be_removed(http):
    """Its steps are read at every step of the job: removing them under it would leave the member unreadable."""
    ha, _ = two_clients(http)
    slow = {"scenarios": {"my_slow": {"description": "Slow.", "steps": [{"seconds": 60}], "end": "CONNECTED"}}}
    assert http.post(admin(CA, "/scenarios"), json=slow).status == 201
    member = create_member(http, ha, password="my_slow", name="MockNexus Scenario Bank")
    http.post(f"/members/{member['guid']}/verify", headers=ha)
    r = http.delete(admin(CA, "/scenarios/my_slow"))
    assert r.status == 409 and r.json["error"]["code"] == 4090
    assert http.get(f"/members/{member['guid']}", headers=ha).status == 200
    http.post(admin(CA, f"/members/{member['guid']}/finish"))
    assert http.delete(admin(CA, "/scenarios/my_slow")).status == 200
    assert http.get(f"/members/{member['guid']}", headers=ha).status == 200  # a finished job needs it no more
