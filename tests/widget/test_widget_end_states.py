"""Every end state a job can finish in gets the widget's error view: MX's end-user message for that status
and the action MX offers for it. Plus the MFA variants beyond one question, and the widget on SQLite.
"""

from __future__ import annotations

import pytest

from mocknexus.domain.core.statuses import ConnectionStatus
from tests.widget.driver import World
from tests.widget.test_widget_browser import CONNECTED_END, expect, only_member, open_widget, step

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("widget_end_states")]

# status -> the actions offered (element ids / the institution link), as MX's widget groups them
UPDATE = ["update-credentials", "back-to-search", "delete-member"]
RETRY = ["try-again", "back-to-search", "delete-member"]
VISIT = ["visit", "try-again", "back-to-search", "delete-member"]
ANOTHER = ["back-to-search", "delete-member"]
ACTIONS = {
    "DENIED": UPDATE, "PREVENTED": UPDATE, "IMPAIRED": UPDATE, "IMPORTED": UPDATE,
    "LOCKED": VISIT, "IMPEDED": VISIT,
    "DEGRADED": RETRY, "DISCONNECTED": RETRY, "FAILED": RETRY,
    "DISCONTINUED": ANOTHER, "CLOSED": ANOTHER, "DISABLED": ANOTHER,
}  # fmt: skip


def test_every_failure_status_is_covered():
    failures = {s.name for s in ConnectionStatus if s.is_end_state and s is not ConnectionStatus.CONNECTED}
    assert failures - {"REJECTED", "EXPIRED"} == set(ACTIONS)  # those two: test_widget_browser, test_widget_options


@pytest.mark.parametrize("end", sorted(ACTIONS))
def test_end_state_shows_mx_message_and_action(world, driver, end):
    widget, user = open_widget(world, driver, current_institution_code="scenario_bank")
    widget.log_in("anyone", end.lower())
    widget.step("loginError")
    member = only_member(world, user)
    assert member["connection_status"] == end
    widget.shows("#error-message", ConnectionStatus[end].message_for(member["name"]), exact=True)
    buttons = widget.driver.find_elements("css selector", ".actions > *")
    assert [b.get_attribute("id") or "visit" for b in buttons] == ACTIONS[end]
    received = widget.until_event("mx/connect/stepChange", 2)  # to loginError: it reaches the page after the view
    assert received[-2]["metadata"]["connection_status"] == ConnectionStatus[end].id
    assert [m["type"] for m in received[-2:]] == ["mx/connect/memberStatusUpdate", "mx/connect/stepChange"]


def test_two_challenges_at_once(world, driver):
    widget, user = open_widget(world, driver, current_institution_code="scenario_bank")
    widget.log_in("anyone", "mfa_multiple")
    widget.step("mfa")
    kinds = [e.get_attribute("data-type") for e in widget.driver.find_elements("css selector", "#mfa-form [data-type]")]
    assert kinds == ["TEXT", "OPTIONS"]
    widget.answer("correct")
    widget.step("connected")
    assert only_member(world, user)["connection_status"] == "CONNECTED"


def test_two_rounds_of_mfa(world, driver):
    widget, user = open_widget(world, driver, current_institution_code="scenario_bank")
    widget.log_in("anyone", "mfa_multi_round")
    widget.step("mfa")
    widget.find('#mfa-form [data-type="TEXT"]')
    widget.answer("correct")
    widget.until_event("mx/connect/submitMFA")
    widget.find('#mfa-form [data-type="TOKEN"]')
    widget.answer("correct")
    widget.step("connected")
    assert [m["type"] for m in widget.messages()].count("mx/connect/submitMFA") == 2
    assert only_member(world, user)["connection_status"] == "CONNECTED"


def test_the_widget_on_the_sqlite_store(tmp_path, driver):
    with World(state_file=str(tmp_path / "state.db")) as world:
        widget, user = open_widget(world, driver, mode="verification", current_institution_code="mxbank")
        widget.log_in("mxuser", "password")
        widget.step("connected")
        member = only_member(world, user)
        expect(
            widget,
            user,
            member["guid"],
            [
                ("enterCredentials", {"institution": {"code": "mxbank", "guid": member["institution_guid"]}}),
                step("enterCreds", "connecting"),
                *CONNECTED_END,
            ],
            initial_step="enterCreds",
        )
        assert member["connection_status"] == "CONNECTED"
