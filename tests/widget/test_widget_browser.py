"""The Connect widget in a real headless browser, embedded by a partner page on another origin: one test per
path. Each asserts the exact events the partner page received (type and metadata, in order) and the member's
final state as the partner reads it through Nexus.

Jobs advance on polls alone (job_time_scale=0) and the clock is frozen, so nothing here depends on timing;
the only waits are Selenium's explicit ones.
"""

from __future__ import annotations

import pytest

from tests.widget.driver import Widget, World

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("widget_browser")]

MX_BANK = {"code": "mxbank", "guid": "INS-1572a04c-912b-59bf-5841-332c7dfafaef"}
MX_BANK_SELECTED = {**MX_BANK, "name": "MX Bank", "url": "https://www.mx.com"}
MEMBER = "<member>"  # stands for the member's guid, read back through Nexus
CHALLENGED, REJECTED, CONNECTED, DENIED, LOCKED, UPDATED, RESUMED = 3, 4, 6, 2, 5, 15, 18


def open_widget(world: World, driver, **options) -> tuple[Widget, dict]:
    user = world.new_user()
    return Widget(world, driver, world.widget_url(user["id"], **options)), user


def only_member(world: World, user: dict) -> dict:
    members = world.get("/members", world.nexus(user["id"])).json()["members"]
    assert len(members) == 1, members
    return members[0]


def step(previous: str, current: str) -> tuple:
    return ("stepChange", {"previous": previous, "current": current})


def status(code: int) -> tuple:
    return ("memberStatusUpdate", {"member_guid": MEMBER, "connection_status": code})


def expect(widget: Widget, user: dict, member_guid: str | None, events: list[tuple], initial_step: str = "search"):
    """The received messages are exactly mx/load, mx/connect/loaded, then `events` (connect events by short
    name), every connect event carrying the user's guid and one session guid. A message reaches the partner page a
    moment after the widget shows what sent it: they are waited for (as many as expected), then compared."""
    count = len(events) + 2
    widget.wait(lambda _: len(widget.messages()) >= count, f"{count} messages; got: {widget.types()}")
    received = widget.messages()
    if widget.webview:
        assert (received[0]["type"], received[0]["metadata"]) == ("mx/load", {})
    else:
        assert received[0] == {"mx": True, "type": "mx/load", "metadata": {}}
    session_guid = received[1]["metadata"].get("session_guid", "")
    assert session_guid.startswith("SES-"), received[1]
    ids = {"user_guid": user["guid"], "session_guid": session_guid}

    def full(name: str, metadata: dict) -> dict:
        metadata = {k: (member_guid if v == MEMBER else v) for k, v in metadata.items()}
        return {"type": f"mx/connect/{name}", "metadata": {**ids, **metadata}}

    wanted = [full("loaded", {"initial_step": initial_step}), *(full(name, meta) for name, meta in events)]
    got = [{"type": m["type"], "metadata": m["metadata"]} for m in received[1:]]
    assert got == wanted
    uncaught = [e["message"] for e in widget.driver.get_log("browser") if "Uncaught" in e["message"]]
    assert uncaught == []  # no script error on the way
    if not widget.webview:
        assert all(m["mx"] is True for m in received)
        assert set(widget.origins()) == {world_origin(widget)}


def world_origin(widget: Widget) -> str:
    return widget.world.url


SEARCH_AND_LOG_IN = [
    ("institutionSearch", {"query": "MX Bank"}),
    ("selectedInstitution", MX_BANK_SELECTED),
    step("search", "enterCreds"),
    ("enterCredentials", {"institution": MX_BANK}),
    step("enterCreds", "connecting"),
]
CONNECTED_END = [
    status(CONNECTED),
    ("memberConnected", {"member_guid": MEMBER}),
    step("connecting", "connected"),
]


def test_connect_without_mfa_in_verification_mode(world, driver):
    widget, user = open_widget(world, driver, mode="verification")
    widget.connect("MX Bank", "mxbank", "mxuser", "password")
    widget.step("connected")
    assert len(widget.driver.find_elements("css selector", ".accounts li")) == 2
    widget.click("#done")
    widget.until_event("mx/connect/connected/primaryAction")
    member = only_member(world, user)
    expect(widget, user, member["guid"], [*SEARCH_AND_LOG_IN, *CONNECTED_END, ("connected/primaryAction", {})])
    assert member["connection_status"] == "CONNECTED" and not member["is_being_aggregated"]
    numbers = world.get(f"/members/{member['guid']}/account_numbers", world.nexus(user["id"])).json()
    assert len(numbers["account_numbers"]) == 2
    # The journal recorded the widget's own Nexus calls: the same world as the partner's API calls.
    journal = world.admin("GET", "/requests").json()["requests"]
    calls = {(r["method"], r["path"]) for r in journal}
    assert ("POST", "/members") in calls and ("POST", f"/members/{member['guid']}/verify") in calls
    # ... and the control plane sees the member it made.
    assert world.stored_member(member["guid"])["connection_status"] == "CONNECTED"


@pytest.mark.parametrize(
    ("scenario", "challenge_type"),
    [
        ("mfa_text", "TEXT"),
        ("mfa_options", "OPTIONS"),
        ("mfa_token", "TOKEN"),
        ("mfa_image", "IMAGE_DATA"),
        ("mfa_image_options", "IMAGE_OPTIONS"),
    ],
)
def test_each_mfa_type(world, driver, scenario, challenge_type):
    widget, user = open_widget(world, driver, mode="verification")
    widget.connect("Scenario", "scenario_bank", "anyone", scenario)
    widget.step("mfa")
    shown = widget.find(f'#mfa-form [data-type="{challenge_type}"]')
    if challenge_type.startswith("IMAGE"):
        images = shown.find_elements("css selector", "img")
        assert images and all(widget.driver.execute_script("return arguments[0].naturalWidth", i) > 0 for i in images)
    widget.answer("correct")
    widget.step("connected")
    member = only_member(world, user)
    scenario_bank = {"code": "scenario_bank", "guid": member["institution_guid"]}
    selected = widget.messages()[3]["metadata"]
    assert selected["code"] == "scenario_bank"
    expect(
        widget,
        user,
        member["guid"],
        [
            ("institutionSearch", {"query": "Scenario"}),
            ("selectedInstitution", {k: selected[k] for k in ("code", "guid", "name", "url")}),
            step("search", "enterCreds"),
            ("enterCredentials", {"institution": scenario_bank}),
            step("enterCreds", "connecting"),
            status(CHALLENGED),
            step("connecting", "mfa"),
            ("submitMFA", {"member_guid": MEMBER}),
            step("mfa", "connecting"),
            status(RESUMED),
            *CONNECTED_END,
        ],
    )
    assert member["connection_status"] == "CONNECTED"


def test_a_wrong_answer_then_a_right_one(world, driver):
    widget, user = open_widget(world, driver, mode="verification")
    widget.connect("MX Bank", "mxbank", "mxuser", "challenge")
    widget.answer("wrong")
    widget.step("loginError")
    widget.shows("#error-message", "The answer or answers provided were incorrect. Please try again.", exact=True)
    widget.click("#try-again")
    widget.answer("correct")
    widget.step("connected")
    member = only_member(world, user)
    expect(
        widget,
        user,
        member["guid"],
        [
            *SEARCH_AND_LOG_IN,
            status(CHALLENGED),
            step("connecting", "mfa"),
            ("submitMFA", {"member_guid": MEMBER}),
            step("mfa", "connecting"),
            status(REJECTED),
            step("connecting", "loginError"),
            step("loginError", "connecting"),
            status(UPDATED),
            status(CHALLENGED),
            step("connecting", "mfa"),
            ("submitMFA", {"member_guid": MEMBER}),
            step("mfa", "connecting"),
            status(RESUMED),
            *CONNECTED_END,
        ],
    )
    assert member["connection_status"] == "CONNECTED"


def test_denied_then_corrected_credentials(world, driver):
    widget, user = open_widget(world, driver)
    widget.connect("MX Bank", "mxbank", "mxuser", "UNAUTHORIZED")
    widget.step("loginError")
    widget.shows("#error-message", "do not match your credentials")
    widget.click("#update-credentials")
    widget.log_in("mxuser", "password")
    widget.step("connected")
    member = only_member(world, user)
    expect(
        widget,
        user,
        member["guid"],
        [
            *SEARCH_AND_LOG_IN,
            status(DENIED),
            step("connecting", "loginError"),
            step("loginError", "enterCreds"),
            ("updateCredentials", {"member_guid": MEMBER, "institution": MX_BANK}),
            step("enterCreds", "connecting"),
            status(UPDATED),
            *CONNECTED_END,
        ],
    )
    assert member["connection_status"] == "CONNECTED"


def test_locked_shows_mx_message_and_the_member_can_be_removed(world, driver):
    widget, user = open_widget(world, driver)
    widget.connect("MX Bank", "mxbank", "mxuser", "LOCKED")
    widget.step("loginError")
    widget.shows(
        "#error-message",
        "Your account is locked. Please log in to the appropriate website for MX Bank "
        "and follow the steps to resolve the issue.",
        exact=True,
    )
    assert widget.find("a.button").get_attribute("href").startswith("https://www.mx.com")
    member = only_member(world, user)
    assert member["connection_status"] == "LOCKED"
    widget.click("#delete-member")
    widget.step("search")
    expect(
        widget,
        user,
        member["guid"],
        [
            *SEARCH_AND_LOG_IN,
            status(LOCKED),
            step("connecting", "loginError"),
            ("memberDeleted", {"member_guid": MEMBER}),
            step("loginError", "search"),
        ],
    )
    assert world.get(f"/members/{member['guid']}", world.nexus(user["id"])).status_code == 404


def test_verification_mode_lists_only_institutions_that_verify(world, driver):
    widget, _ = open_widget(world, driver, mode="verification")
    assert sorted(widget.search("MX Bank")) == ["mx_bank_oauth", "mxbank"]  # MX Bank (Oauth) verifies too
    widget, _ = open_widget(world, driver)
    assert sorted(widget.search("MX Bank")) == ["mx_bank_oauth", "mxbank", "mxbank_aggregation_only"]


def test_resuming_a_challenged_member_through_current_member_guid(world, driver):
    user = world.new_user()
    nexus = world.nexus(user["id"])
    institution = MX_BANK["guid"]
    creds = world.get(f"/institutions/{institution}/credentials", nexus).json()["credentials"]
    values = {"LOGIN": "mxuser", "PASSWORD": "challenge"}
    body = {"member": {"institution_guid": institution, "skip_aggregation": True,
                       "credentials": [{"guid": c["guid"], "value": values[c["field_name"]]} for c in creds]}}  # fmt: skip
    guid = world.api.post(f"{world.url}/members", json=body, headers=nexus).json()["member"]["guid"]
    world.api.post(f"{world.url}/members/{guid}/verify", headers=nexus)
    for _ in range(5):  # each read is a poll: with job_time_scale=0 the job advances one step per poll
        if world.get(f"/members/{guid}", nexus).json()["member"]["connection_status"] == "CHALLENGED":
            break
    widget = Widget(world, driver, world.widget_url(user["id"], mode="verification", current_member_guid=guid))
    widget.answer("correct")
    widget.step("connected")
    expect(
        widget,
        user,
        guid,
        [
            ("submitMFA", {"member_guid": MEMBER}),
            step("mfa", "connecting"),
            status(RESUMED),
            *CONNECTED_END,
        ],
        initial_step="mfa",
    )
    assert world.get(f"/members/{guid}", nexus).json()["member"]["connection_status"] == "CONNECTED"


def test_webview_mode_sends_navigations_not_messages(world, driver):
    widget, user = open_widget(world, driver, mode="verification", is_mobile_webview=True)
    widget.connect("MX Bank", "mxbank", "mxuser", "password")
    widget.step("connected")
    widget.until_event("mx/connect/stepChange", 3)
    member = only_member(world, user)
    expect(widget, user, member["guid"], [*SEARCH_AND_LOG_IN, *CONNECTED_END])
    raw = widget.raw_navigations()
    assert raw[0] == "mx://load"
    assert raw[-2].startswith("mx://connect/memberConnected?metadata=%7B%22user_guid%22%3A%22")
    with widget._top():
        assert widget.driver.execute_script("return window.__messages") == []  # no postMessage at all


def test_webview_custom_scheme(world, driver):
    widget, user = open_widget(world, driver, is_mobile_webview=True, ui_message_webview_url_scheme="appscheme")
    widget.step("search")
    widget.until_event("mx/connect/loaded")
    assert [n.split("?")[0] for n in widget.raw_navigations()] == ["appscheme://load", "appscheme://connect/loaded"]
    expect(widget, user, None, [])
