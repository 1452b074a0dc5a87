"""The pytest plugin, used as a user would: a throwaway test file run by pytester in a fresh pytest."""

from __future__ import annotations

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
