"""The pytest plugin, used as a user would: a throwaway test file run by pytester in a fresh pytest."""

from __future__ import annotations

import pytest

from mocknexus.app import create_app
from mocknexus.client import AdminClient
from mocknexus.config import Config
from tests.support import LiveServer

pytestmark = pytest.mark.live

USER_TESTS = """
import json
import urllib.request


def get(url, token):
    request = urllib.request.Request(url, headers={"MD-SESSION-TOKEN": token})
    with urllib.request.urlopen(request) as response:
        return json.load(response)


def test_client_code_needs_only_the_base_url(mocknexus_url, mocknexus_session_token):
    members = get(mocknexus_url + "/members", mocknexus_session_token)
    assert members["members"] == []


def test_static_fixtures_are_there(mocknexus):
    numbers = get(mocknexus.url + "/members/test_nexus_member/account_numbers", "test_session")
    assert numbers["account_numbers"]


def test_state_is_reset_between_tests_part_1(mocknexus, mocknexus_admin):
    mocknexus.open_session(user_id="only-once")
    mocknexus_admin.add_fault("/user", status=503)
    mocknexus_admin.advance_clock(3600)


def test_state_is_reset_between_tests_part_2(mocknexus, mocknexus_admin):
    mocknexus.open_session(user_id="only-once")  # a 409 if the user from part 1 survived
    assert mocknexus_admin.faults() == []


def test_session_helper(mocknexus_session, mocknexus_admin):
    assert mocknexus_session.headers["MD-SESSION-TOKEN"] == mocknexus_session.token
    assert mocknexus_session.user_guid.startswith("USR-")
    users = [u["id"] for u in mocknexus_admin.state()["users"]]
    assert mocknexus_session.user_id in users
"""


WEBHOOK_TESTS = """
import json
import urllib.request


def call(url, token, method="GET", body=None):
    data = None if body is None else json.dumps(body).encode()
    headers = {"MD-SESSION-TOKEN": token, "Content-Type": "application/vnd.mx.nexus.v1+json"}
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    with urllib.request.urlopen(request) as response:
        return json.load(response)


def test_a_member_created_reaches_the_tests_receiver(mocknexus, mocknexus_session, mocknexus_webhooks):
    base, token = mocknexus.url, mocknexus_session.token
    guid = "INS-1572a04c-912b-59bf-5841-332c7dfafaef"
    fields = call(f"{base}/institutions/{guid}/credentials", token)["credentials"]
    values = {"LOGIN": "mxuser", "PASSWORD": "password"}
    credentials = [{"guid": f["guid"], "value": values[f["field_name"]]} for f in fields]
    body = {"member": {"institution_guid": guid, "credentials": credentials, "skip_aggregation": True}}
    member = call(f"{base}/members", token, "POST", body)["member"]
    hook = mocknexus_webhooks.wait_for("MEMBER", member["guid"], timeout=10)
    assert hook.json["action"] == "created"
    assert mocknexus.admin.wait_for_deliveries(type="MEMBER", status="delivered")[0]["member_guid"] == member["guid"]
"""


def test_the_receiver_fixture_gets_the_tests_webhooks(pytester):
    pytester.makepyfile(test_webhook_code=WEBHOOK_TESTS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_the_plugins_fixtures_work_in_a_users_test_suite(pytester):
    pytester.makepyfile(test_user_code=USER_TESTS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=5)


def test_the_plugin_reads_its_ini_options(pytester, tmp_path):
    (tmp_path / "extra.json").write_text('{"version": 1, "scenarios": {"mine": {"steps": [], "end": "CLOSED"}}}')
    pytester.makeini(f"[pytest]\nmocknexus_fixtures = {tmp_path}\nmocknexus_seed = 5\n")
    pytester.makepyfile(
        test_ini="""
def test_my_scenario_is_loaded(mocknexus_admin):
    assert "mine" in {s["name"] for s in mocknexus_admin.scenarios()}
"""
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


PARALLEL_TESTS = """
import json
import os
import urllib.error
import urllib.request

import pytest


def call(url, token):
    request = urllib.request.Request(url, headers={"MD-SESSION-TOKEN": token})
    try:
        with urllib.request.urlopen(request) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.mark.parametrize("n", range(12))
def test_every_test_is_its_own_world(mocknexus, mocknexus_client_id, mocknexus_admin, n):
    with open(os.path.join(os.environ["IDS_DIR"], mocknexus_client_id), "w") as out:
        out.write(os.environ.get("PYTEST_XDIST_WORKER", "main"))
    session = mocknexus.open_session(user_id="user-1")  # the same id in every test: a 409 if shared
    assert mocknexus_admin.state()["client_id"] == mocknexus_client_id
    mocknexus_admin.add_fault("/user", status=503, count=1)  # this test's calls only
    assert call(mocknexus.url + "/user", session.token) == 503
    assert call(mocknexus.url + "/user", session.token) == 200
    assert [e["path"] for e in mocknexus_admin.wait_for_requests("GET", "/user", count=2)] == ["/user"] * 2
    mocknexus_admin.advance_clock(1801)  # this test's sessions expire, no other test's
    assert call(mocknexus.url + "/user", session.token) == 401
    assert call(mocknexus.url + "/members/test_nexus_member", "test_session") == 200
    assert len(mocknexus_admin.requests()) == 6  # 3 calls to open the session, 3 to /user
"""


def test_pytest_n_4_against_one_server_isolates_every_test(pytester, monkeypatch, tmp_path):
    """pytest-xdist with 4 workers, every test creating the same user, faulting its own calls and moving its
    own clock, all against one server (MOCKNEXUS_URL, as a CI service container is used)."""
    with LiveServer(create_app(Config())) as server:
        monkeypatch.setenv("MOCKNEXUS_URL", server.url)
        monkeypatch.setenv("IDS_DIR", str(tmp_path))
        pytester.makepyfile(test_parallel=PARALLEL_TESTS)
        # (schemathesis's and hypothesis's plugins are not needed in the workers, and double their start-up)
        no_extras = ("-p", "no:cacheprovider", "-p", "no:schemathesis", "-p", "no:hypothesispytest")
        result = pytester.runpytest_subprocess("-n", "4", *no_extras)
        result.assert_outcomes(passed=12)
        ids = {path.name: path.read_text() for path in tmp_path.iterdir()}
        assert len(ids) == 12  # a client id per test
        assert all(f"-{worker}-" in client_id for client_id, worker in ids.items())
        assert set(ids.values()) <= {"gw0", "gw1", "gw2", "gw3"} and len(set(ids.values())) > 1
        assert AdminClient(server.url).clients() == []  # each test's world is forgotten after it
