"""Connect widget options and the partner page's side of the conversation, in a real browser: opening on an
institution or member, updating credentials, disabling search, waiting for the whole job, the SDK's ping and
back requests, a failing member creation (an injected fault), and a verification without account numbers.
"""

from __future__ import annotations

import pytest

from tests.widget.driver import Widget, World
from tests.widget.test_widget_browser import (
    CONNECTED,
    CONNECTED_END,
    MEMBER,
    MX_BANK,
    UPDATED,
    expect,
    only_member,
    open_widget,
    status,
    step,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("widget_options")]


def denied_member(world: World, user: dict, password: str = "UNAUTHORIZED") -> str:
    """A member made by the partner through Nexus, its verification run to the end."""
    nexus = world.nexus(user["id"])
    creds = world.get(f"/institutions/{MX_BANK['guid']}/credentials", nexus).json()["credentials"]
    values = {"LOGIN": "mxuser", "PASSWORD": password}
    body = {"member": {"institution_guid": MX_BANK["guid"], "skip_aggregation": True,
                       "credentials": [{"guid": c["guid"], "value": values[c["field_name"]]} for c in creds]}}  # fmt: skip
    guid = world.api.post(f"{world.url}/members", json=body, headers=nexus).json()["member"]["guid"]
    world.api.post(f"{world.url}/members/{guid}/verify", headers=nexus)
    for _ in range(5):
        if not world.get(f"/members/{guid}", nexus).json()["member"]["is_being_aggregated"]:
            break
    return guid


def test_current_institution_code_opens_its_credentials_and_back_goes_to_search(world, driver):
    widget, user = open_widget(world, driver, current_institution_code="mxbank")
    widget.step("enterCreds")
    widget.shows("h1", "MX Bank")
    widget.click("button.back")
    widget.step("search")
    expect(widget, user, None, [("backToSearch", {}), step("enterCreds", "search")], initial_step="enterCreds")


def test_current_institution_guid_with_search_disabled_offers_no_way_back(world, driver):
    widget, _ = open_widget(world, driver, current_institution_guid=MX_BANK["guid"], disable_institution_search=True)
    widget.step("enterCreds")
    assert widget.driver.find_elements("css selector", "button.back") == []
    widget.send({"mx": True, "type": "mx/navigation", "payload": {"action": "back"}})
    widget.until_event("mx/navigation")
    assert widget.messages()[-1]["metadata"]["did_go_back"] is False
    widget.log_in("mxuser", "LOCKED")
    widget.step("loginError")
    assert widget.driver.find_elements("css selector", "#back-to-search") == []


def test_current_member_guid_of_an_erroring_member_opens_its_error(world, driver):
    user = world.new_user()
    guid = denied_member(world, user)
    widget = Widget(world, driver, world.widget_url(user["id"], mode="verification", current_member_guid=guid))
    widget.step("loginError")
    widget.shows("#error-message", "do not match your credentials")
    expect(widget, user, guid, [], initial_step="loginError")


def test_update_credentials_with_current_member_guid(world, driver):
    user = world.new_user()
    guid = denied_member(world, user)
    url = world.widget_url(user["id"], mode="verification", current_member_guid=guid, update_credentials=True)
    widget = Widget(world, driver, url)
    widget.shows("h1", "Update your credentials")
    widget.log_in("mxuser", "password")
    widget.step("connected")
    expect(
        widget,
        user,
        guid,
        [
            ("updateCredentials", {"member_guid": MEMBER, "institution": MX_BANK}),
            step("enterCreds", "connecting"),
            status(UPDATED),
            *CONNECTED_END,
        ],
        initial_step="enterCreds",
    )
    member = only_member(world, user)
    assert member["connection_status"] == "CONNECTED" and member["guid"] == guid


def test_wait_for_full_aggregation_holds_member_connected_until_the_job_ends(world, driver):
    """MX Bank's job shows CONNECTED while it is still running (is_being_aggregated): memberConnected comes
    at that poll, or, with wait_for_full_aggregation, one poll later, once the job is over."""
    polls = {}
    for wait in (False, True):
        widget, user = open_widget(world, driver, current_institution_code="mxbank", wait_for_full_aggregation=wait)
        widget.log_in("mxuser", "password")
        widget.step("connected")
        member = only_member(world, user)
        journal = world.admin("GET", "/requests").json()["requests"]
        polls[wait] = sum(r["method"] == "GET" and r["path"] == f"/members/{member['guid']}" for r in journal)
        expect(
            widget,
            user,
            member["guid"],
            [("enterCredentials", {"institution": MX_BANK}), step("enterCreds", "connecting"), *CONNECTED_END],
            initial_step="enterCreds",
        )
    assert polls[True] == polls[False] + 1, polls


def test_ping_is_answered_and_keeps_the_session(world, driver):
    widget, user = open_widget(world, driver)
    widget.step("search")
    widget.send({"type": "ping"})
    widget.until_event("mx/ping")
    ping = widget.messages()[-1]
    assert ping == {"mx": True, "type": "mx/ping", "metadata": {"user_guid": user["guid"],
                    "session_guid": widget.messages()[1]["metadata"]["session_guid"]}}  # fmt: skip


def test_navigation_back_request_from_the_sdk(world, driver):
    widget, _ = open_widget(world, driver)
    widget.search("MX Bank")
    widget.choose("mxbank")
    widget.send({"mx": True, "type": "mx/navigation", "payload": {"action": "back"}})
    widget.step("search")
    widget.until_event("mx/navigation")
    assert widget.messages()[-1]["metadata"]["did_go_back"] is True
    assert [m["type"] for m in widget.messages()[-2:]] == ["mx/connect/stepChange", "mx/navigation"]


def test_create_member_error_from_an_injected_fault_then_success(world, driver):
    fault = world.admin("POST", "/faults", json={"method": "POST", "path": "/members", "status": 503, "count": 1})
    assert fault.status_code in (200, 201), fault.text
    widget, user = open_widget(world, driver, current_institution_code="mxbank")
    widget.log_in("mxuser", "password")
    widget.until_event("mx/connect/createMemberError")
    widget.shows("#credentials-error", "The service is temporarily unavailable.", exact=True)
    widget.log_in("mxuser", "password")
    widget.step("connected")
    member = only_member(world, user)
    expect(
        widget,
        user,
        member["guid"],
        [
            ("enterCredentials", {"institution": MX_BANK}),
            ("createMemberError", {"institution_guid": MX_BANK["guid"], "institution_code": "mxbank"}),
            ("enterCredentials", {"institution": MX_BANK}),
            step("enterCreds", "connecting"),
            *CONNECTED_END,
        ],
        initial_step="enterCreds",
    )


def test_a_verification_without_account_numbers_is_invalid_data(world, driver):
    widget, user = open_widget(world, driver, mode="verification")
    widget.connect("Scenario", "scenario_bank", "anyone", "no_account_numbers")
    widget.step("loginError")
    member = only_member(world, user)
    assert world.get(f"/members/{member['guid']}/account_numbers", world.nexus(user["id"])).json() == {
        "account_numbers": []
    }
    received = widget.until_event("mx/connect/stepChange", 3)  # to loginError: it reaches the page after the view
    assert [m["type"] for m in received[-3:]] == [
        "mx/connect/memberStatusUpdate",
        "mx/connect/invalidData",
        "mx/connect/stepChange",
    ]
    assert received[-2]["metadata"]["member_guid"] == member["guid"]
    assert received[-2]["metadata"]["code"] == 1000


def test_the_clock_expires_a_challenge_the_widget_is_showing(world, driver):
    """The admin clock drives the widget's world: an unanswered MX Bank challenge ends EXPIRED."""
    widget, user = open_widget(world, driver, current_institution_code="mxbank")
    widget.log_in("mxuser", "challenge")
    widget.step("mfa")
    assert world.admin("POST", "/clock/advance", json={"seconds": 301}).status_code == 200
    widget.answer("correct")
    widget.step("loginError")
    widget.shows("#error-message", "The answer or answers were not provided in time. Please try again.", exact=True)
    assert only_member(world, user)["connection_status"] == "EXPIRED"


def test_aggregation_mode_aggregates_without_verifying(world, driver):
    widget, user = open_widget(world, driver, current_institution_code="mxbank", mode="aggregation")
    widget.log_in("mxuser", "UNAUTHORIZED")
    widget.step("loginError")
    widget.click("#update-credentials")
    widget.log_in("mxuser", "password")
    widget.step("connected")
    received = widget.until_event("mx/connect/memberConnected")  # sent after the last status update
    statuses = [m["metadata"]["connection_status"] for m in received if m["type"].endswith("StatusUpdate")]
    assert statuses == [2, UPDATED, CONNECTED]
    member = only_member(world, user)
    journal = world.admin("GET", "/requests").json()["requests"]
    assert not any(r["path"] == f"/members/{member['guid']}/verify" for r in journal)
    numbers = world.get(f"/members/{member['guid']}/account_numbers", world.nexus(user["id"])).json()
    assert numbers == {"account_numbers": []}  # an aggregation finds accounts, not their numbers


@pytest.mark.parametrize("include", [True, False])
def test_include_transactions_is_passed_to_the_verification(world, driver, include):
    widget, user = open_widget(
        world, driver, mode="verification", current_institution_code="mxbank", include_transactions=include
    )
    widget.log_in("mxuser", "password")
    widget.step("connected")
    guid = only_member(world, user)["guid"]
    journal = world.admin("GET", "/requests").json()["requests"]
    verify = [r for r in journal if r["method"] == "POST" and r["path"] == f"/members/{guid}/verify"]
    assert [r["body"] for r in verify] == [{"include_transactions": include}]
