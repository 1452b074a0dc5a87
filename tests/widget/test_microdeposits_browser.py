"""The Connect widget's micro-deposit path in a real headless browser: "Connect with account numbers" from
search, and current_microdeposit_guid opening the view its status calls for. Each test asserts the exact
events the partner page received, and the micro-deposit as the partner reads it through Nexus.

The clock is frozen (micro-deposits move only when a test advances it); the only waits are Selenium's.
"""

from __future__ import annotations

import pytest

from tests.support import CLIENT
from tests.widget.driver import Widget, World, driver_for
from tests.widget.test_widget_a11y import check_step
from tests.widget.test_widget_browser import expect, open_widget, step

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("widget_microdeposits")]

MICRO = "<micro_deposit>"  # stands for the micro-deposit's guid


def micro(name: str, metadata: dict | None = None) -> tuple:
    return (f"microdeposits/{name}", metadata or {})


def with_guid(events: list[tuple], guid: str) -> list[tuple]:
    return [(name, {k: (guid if v == MICRO else v) for k, v in meta.items()}) for name, meta in events]


def type_into(widget: Widget, css: str, value: str) -> None:
    field = widget.find(css)
    field.clear()
    field.send_keys(value)


def view(widget: Widget, name: str) -> None:
    widget.wait(
        lambda d: d.find_element("id", "widget").get_attribute("data-view") == name, f"view {name}: {widget.types()}"
    )


def text_is(widget: Widget, css: str, text: str) -> None:
    """Wait for an element's text (read in the page: the view may be rebuilt under a held element)."""
    script = "var e = document.querySelector(arguments[0]); return e ? e.textContent : null"
    widget.wait(lambda d: d.execute_script(script, css) == text, f"{css} == {text!r}: {widget.types()}")


def submit(widget: Widget, form: str) -> None:
    widget.click(f"#{form} button[type=submit]")


def enter_account(widget: Widget, routing: str = "091000019", number: str = "333312345", person: bool = True) -> None:
    view(widget, "routingNumber")
    type_into(widget, "#routing-number", routing)
    submit(widget, "routing-form")
    view(widget, "howItWorks")
    widget.click("#how-continue")
    view(widget, "accountInfo")
    type_into(widget, "#account-number", number)
    type_into(widget, "#account-number-confirm", number)
    submit(widget, "account-form")
    if person:
        view(widget, "personalInfoForm")
        type_into(widget, "#first-name", "Josh")
        type_into(widget, "#last-name", "James")
        type_into(widget, "#email", "josh@example.com")
        submit(widget, "personal-form")
    view(widget, "confirmDetails")


def micro_deposits(world: World, user: dict) -> list[dict]:
    return world.get("/micro_deposits", world.nexus(user["id"])).json()["micro_deposits"]


def create_for(world: World, user: dict, status: str | None = None, **body) -> dict:
    fields = body or {"account_number": "333312345", "routing_number": "091000019", "account_type": 1,
                      "account_name": "Checking 2345", "first_name": "Josh", "last_name": "James",
                      "email": "josh@example.com"}  # fmt: skip
    r = world.api.post(f"{world.url}/micro_deposits", json={"micro_deposit": fields}, headers=world.nexus(user["id"]))
    assert r.status_code == 200, r.text
    record = r.json()["micro_deposit"]
    if status:
        path = f"/clients/{CLIENT}/micro_deposits/{record['guid']}/status"
        assert world.admin("POST", path, json={"status": status}).status_code == 200
    return record


def test_connect_with_account_numbers_from_search(world, driver):
    widget, user = open_widget(world, driver, mode="verification")
    widget.step("search")
    widget.click("#microdeposits-start")
    view(widget, "routingNumber")
    type_into(widget, "#routing-number", "021000021")  # valid, and blocked (MX's own example)
    submit(widget, "routing-form")
    widget.until_event("mx/connect/microdeposits/blockedRoutingNumber")
    widget.shows("#routing-form-error", "Institution is not supported for microdeposit verification.", exact=True)
    enter_account(widget)
    widget.shows(".details", "333312345")
    submit(widget, "confirm-form")
    view(widget, "comeBack")
    widget.click("#come-back-done")
    widget.step("search")
    [record] = micro_deposits(world, user)
    assert (record["status_name"], record["account_number"], record["routing_number"]) == (
        "INITIATED",
        "333312345",
        "091000019",
    )
    assert (record["first_name"], record["email"], record["account_type"]) == ("Josh", "josh@example.com", 1)
    events = [
        step("search", "microdeposits"),
        micro("loaded", {"initial_step": "routingNumber"}),
        micro("blockedRoutingNumber", {"routing_number": "021000021", "reason": "BLOCKED"}),
        micro("detailsSubmitted", {"microdeposit_guid": MICRO}),
        micro("comeBack/primaryAction", {"microdeposit_guid": MICRO}),
        ("backToSearch", {}),
        step("microdeposits", "search"),
    ]
    expect(widget, user, None, with_guid(events, record["guid"]))


def test_current_microdeposit_guid_opens_amount_entry_wrong_then_right(world, driver):
    user = world.new_user()
    record = create_for(world, user, "DEPOSITED")
    guid = record["guid"]
    widget = Widget(world, driver, world.widget_url(user["id"], mode="verification", current_microdeposit_guid=guid))
    view(widget, "verifyDeposits")
    type_into(widget, "#amount-1", "0.10")
    type_into(widget, "#amount-2", "0.09")
    submit(widget, "amounts-form")
    text_is(widget, "#attempts", "1 of 3 attempts used.")
    widget.shows("#amounts-form-error", "One or more of the amounts was incorrect. Please try again.", exact=True)
    type_into(widget, "#amount-1", ".09")
    type_into(widget, "#amount-2", "0.09")
    submit(widget, "amounts-form")
    view(widget, "verified")
    widget.click("#verified-continue")
    widget.step("search")
    events = [
        micro("loaded", {"initial_step": "verifyDeposits"}),
        micro("verified", {"microdeposit_guid": MICRO}),
        micro("verified/primaryAction"),
        ("backToSearch", {}),
        step("microdeposits", "search"),
    ]
    expect(widget, user, None, with_guid(events, guid), initial_step="microdeposits")
    headers = world.nexus(user["id"])
    assert world.get(f"/micro_deposits/{guid}", headers).json()["micro_deposit"]["status_name"] == "VERIFIED"
    [account] = world.get("/accounts", headers).json()["accounts"]
    numbers = world.get(f"/accounts/{account['guid']}/account_number", headers).json()["account_numbers"]
    assert [(n["account_number"], n["routing_number"]) for n in numbers] == [("333312345", "091000019")]


def test_three_wrong_pairs_end_prevented(world, driver):
    user = world.new_user()
    guid = create_for(world, user, "DEPOSITED")["guid"]
    widget = Widget(world, driver, world.widget_url(user["id"], mode="verification", current_microdeposit_guid=guid))
    for attempt in (1, 2, 3):
        view(widget, "verifyDeposits")
        type_into(widget, "#amount-1", f"0.{attempt}1")
        type_into(widget, "#amount-2", "0.50")
        submit(widget, "amounts-form")
        if attempt < 3:
            text_is(widget, "#attempts", f"{attempt} of 3 attempts used.")
    view(widget, "errors")
    widget.shows("h1", "Account not connected", exact=True)
    widget.shows("#error-message", "This account can't be connected. There were too many failed attempts.", exact=True)
    widget.click("#errors-continue")
    widget.step("search")
    events = [
        micro("loaded", {"initial_step": "verifyDeposits"}),
        micro("error/primaryAction", {"status": "PREVENTED", "guid": MICRO}),
        ("backToSearch", {}),
        step("microdeposits", "search"),
    ]
    expect(widget, user, None, with_guid(events, guid), initial_step="microdeposits")
    reveal = world.admin("GET", f"/clients/{CLIENT}/micro_deposits/{guid}").json()["micro_deposit"]
    assert (reveal["status_name"], reveal["attempts"]) == ("PREVENTED", 3)


@pytest.mark.parametrize(
    ("status", "shown"), [("REQUESTED", "comeBack"), ("VERIFIED", "verified"), ("ERRORED", "errors")]
)
def test_current_microdeposit_guid_opens_the_view_of_its_status(world, driver, status, shown):
    user = world.new_user()
    guid = create_for(world, user, status)["guid"]
    widget = Widget(world, driver, world.widget_url(user["id"], mode="verification", current_microdeposit_guid=guid))
    view(widget, shown)
    events = [micro("loaded", {"initial_step": shown})]
    if shown == "verified":
        events.append(micro("verified", {"microdeposit_guid": MICRO}))
        widget.until_event("mx/connect/microdeposits/verified")
    expect(widget, user, None, with_guid(events, guid), initial_step="microdeposits")


def test_a_pre_initiated_micro_deposit_is_completed_from_search(world, driver):
    user = world.new_user()
    guid = create_for(world, user, first_name="Ann", last_name="Lee", email="ann@example.com")["guid"]
    widget = Widget(world, driver, world.widget_url(user["id"], mode="verification", current_microdeposit_guid=guid))
    widget.step("search")
    widget.click("#microdeposits-start")
    enter_account(widget, number="333399", person=False)  # name and email came with the pre-initiation
    submit(widget, "confirm-form")
    view(widget, "comeBack")
    [record] = micro_deposits(world, user)
    assert (record["guid"], record["status_name"], record["first_name"], record["account_number"]) == (
        guid,
        "INITIATED",
        "Ann",
        "333399",
    )
    events = [
        step("search", "microdeposits"),
        micro("loaded", {"initial_step": "routingNumber"}),
        micro("detailsSubmitted", {"microdeposit_guid": MICRO}),
    ]
    expect(widget, user, None, with_guid(events, guid))


@pytest.mark.parametrize(("width", "height"), [(320, 640), (1280, 800)])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_micro_deposit_view_at_320_and_desktop_in_light_and_dark(world, width, height, scheme):
    driver = driver_for(width, height, scheme)
    try:
        user = world.new_user(f"md-screens-{width}-{scheme}")
        widget = Widget(
            world,
            driver,
            world.widget_url(user["id"], mode="verification", color_scheme=scheme),
            width=width,
            height=height,
        )
        widget.step("search")
        widget.click("#microdeposits-start")
        view(widget, "routingNumber")
        type_into(widget, "#routing-number", "021000021")
        submit(widget, "routing-form")
        widget.find("#routing-form-error:not([hidden])")
        check_step(widget, "md-1-routing-number", width, scheme)
        enter_account(widget)
        check_step(widget, "md-2-confirm", width, scheme)
        submit(widget, "confirm-form")
        view(widget, "comeBack")
        check_step(widget, "md-3-come-back", width, scheme)
        [record] = micro_deposits(world, user)
        world.admin("POST", f"/clients/{CLIENT}/micro_deposits/{record['guid']}/status", json={"status": "DEPOSITED"})
        url = world.widget_url(
            user["id"], mode="verification", color_scheme=scheme, current_microdeposit_guid=record["guid"]
        )
        widget = Widget(world, driver, url, width=width, height=height)
        view(widget, "verifyDeposits")
        type_into(widget, "#amount-1", "0.11")
        type_into(widget, "#amount-2", "0.22")
        submit(widget, "amounts-form")
        text_is(widget, "#attempts", "1 of 3 attempts used.")
        check_step(widget, "md-4-amounts-wrong", width, scheme)
        type_into(widget, "#amount-1", "0.09")
        type_into(widget, "#amount-2", "0.09")
        submit(widget, "amounts-form")
        view(widget, "verified")
        check_step(widget, "md-5-verified", width, scheme)
    finally:
        driver.quit()


def test_no_eligible_accounts_offers_the_micro_deposit_path(world, driver):
    widget, _ = open_widget(world, driver, mode="verification")
    widget.connect("Scenario", "scenario_bank", "anyone", "no_account_numbers")
    widget.step("loginError")
    widget.click("#microdeposits-start")
    view(widget, "routingNumber")
    received = widget.until_event("mx/connect/microdeposits/loaded")  # sent once the view shows
    assert [(m["type"], m["metadata"].get("previous"), m["metadata"].get("initial_step")) for m in received[-2:]] == [
        ("mx/connect/stepChange", "loginError", None),
        ("mx/connect/microdeposits/loaded", None, "routingNumber"),
    ]
