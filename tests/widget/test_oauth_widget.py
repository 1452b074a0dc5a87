"""The Connect widget's OAuth step in headless chromium: picking MX Bank (Oauth) shows MX's OAuth step; its
button sends connect/oauthRequested and opens the bank's window (in a WebView: a navigation, and the app opens
it); the bank's end brings the widget to connected, or to its OAuth error view with connect/oauthError. Each
test asserts the exact events; MX's web SDK fires onOAuthRequested; and the step's screenshots.
"""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.api.oauth_support import MX_BANK_OAUTH
from tests.support import CLIENT
from tests.widget.driver import WAIT, Widget, driver_for
from tests.widget.host import SDK_BUNDLE
from tests.widget.test_widget_a11y import check_step
from tests.widget.test_widget_browser import MEMBER, expect, only_member, open_widget, status, step

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("oauth_widget")]

OAUTH_BANK = {"code": "mx_bank_oauth", "guid": MX_BANK_OAUTH}
SELECTED = {**OAUTH_BANK, "name": "MX Bank (Oauth)", "url": "https://mxbank.mx.com"}
CREATED, CONNECTED = 0, 6
PICK = [
    ("institutionSearch", {"query": "Oauth"}),
    ("selectedInstitution", SELECTED),
    step("search", "enterCreds"),
]
CONNECTS = [
    step("enterCreds", "connecting"),
    status(CREATED),
    status(CONNECTED),
    ("memberConnected", {"member_guid": MEMBER}),
    step("connecting", "connected"),
]


@pytest.fixture(autouse=True)
def one_window(driver):
    yield
    for handle in driver.window_handles[1:]:
        driver.switch_to.window(handle)
        driver.close()
    driver.switch_to.window(driver.window_handles[0])


def pick_oauth_bank(widget: Widget) -> None:
    assert "mx_bank_oauth" in widget.search("Oauth")
    widget.choose("mx_bank_oauth")
    widget.wait(lambda d: d.find_element(By.CSS_SELECTOR, "[data-view=oauth]"), "MX's OAuth step")


def sign_in_in_popup(widget: Widget, action: str) -> str:
    """Press the OAuth step's button; in the bank's window press `action`; back in the widget's frame."""
    driver = widget.driver
    main = driver.current_window_handle
    widget.click("#oauth-sign-in")
    widget.wait(lambda d: len(d.window_handles) == 2, "the bank's window opens")
    driver.switch_to.window(next(h for h in driver.window_handles if h != main))
    url = driver.current_url
    WebDriverWait(driver, WAIT, poll_frequency=0.05).until(lambda d: d.find_element(By.ID, action)).click()
    # The widget closes the bank's window once MX's complete page has told it the end.
    WebDriverWait(driver, WAIT, poll_frequency=0.05).until(
        lambda d: len(d.window_handles) == 1, "the widget closes the bank's window"
    )
    driver.switch_to.window(main)
    driver.switch_to.frame("widget")
    return url


def requested(url: str) -> tuple:
    return ("oauthRequested", {"url": url, "member_guid": MEMBER})


def test_the_popup_flow_connects(world, driver):
    widget, user = open_widget(world, driver)
    pick_oauth_bank(widget)
    url = sign_in_in_popup(widget, "authorize")
    widget.step("connected")
    member = only_member(world, user)
    assert member["is_oauth"] is True and member["connection_status"] == "CONNECTED"
    assert url.startswith(f"{world.url}/oauth/predirect_to/{member['guid']}/")
    expect(widget, user, member["guid"], [*PICK, requested(url), *CONNECTS])


def test_deny_shows_the_oauth_error_view_then_try_again_connects(world, driver):
    widget, user = open_widget(world, driver, mode="verification")
    pick_oauth_bank(widget)
    first = sign_in_in_popup(widget, "deny")
    widget.step("oauthError")
    assert "declined to share" in widget.find("#error-message").text
    widget.click("#oauth-try-again")
    widget.wait(lambda d: d.find_element(By.CSS_SELECTOR, "[data-view=oauth]"), "the OAuth step again")
    second = sign_in_in_popup(widget, "authorize")
    assert second != first  # a fresh one-time URI for the same PENDING member
    widget.step("connected")
    member = only_member(world, user)
    numbers = world.get(f"/members/{member['guid']}/account_numbers", world.nexus(user["id"])).json()
    assert len(numbers["account_numbers"]) == 2
    expect(
        widget,
        user,
        member["guid"],
        [
            *PICK,
            requested(first),
            step("enterCreds", "oauthError"),
            ("oauthError", {"member_guid": MEMBER, "error_reason": "CANCELLED"}),
            step("oauthError", "enterCreds"),
            requested(second),
            step("enterCreds", "connecting"),
            status(CONNECTED),  # verification: consent (no aggregation), then the widget verifies
            ("memberConnected", {"member_guid": MEMBER}),
            step("connecting", "connected"),
        ],
    )


def test_a_provider_error_reaches_the_oauth_error_view(world, driver):
    widget, user = open_widget(world, driver)
    pick_oauth_bank(widget)
    guid = only_member(world, user)["guid"]
    world.admin("POST", f"/clients/{CLIENT}/members/{guid}/scenario", json={"scenario": "oauth_provider_error"})
    url = sign_in_in_popup(widget, "authorize")
    widget.step("oauthError")
    assert widget.find("#error-message").text == "Please try again or come back later."
    expect(
        widget,
        user,
        guid,
        [
            *PICK,
            requested(url),
            step("enterCreds", "oauthError"),
            ("oauthError", {"member_guid": MEMBER, "error_reason": "PROVIDER_ERROR"}),
        ],
    )


def test_webview_mode_navigates_to_the_apps_scheme_and_opens_no_window(world, driver):
    widget, user = open_widget(world, driver, is_mobile_webview=True, ui_message_webview_url_scheme="appscheme")
    pick_oauth_bank(widget)
    widget.click("#oauth-sign-in")
    widget.until_event("mx/connect/oauthRequested")
    assert len(driver.window_handles) == 1  # the app opens the URI, not the widget
    member = only_member(world, user)
    url = next(m for m in widget.messages() if m["type"] == "mx/connect/oauthRequested")["metadata"]["url"]
    # The app's browser completes OAuth (here: the control plane), then MX's SDK posts the end into the WebView.
    done = world.admin("POST", f"/clients/{CLIENT}/members/{member['guid']}/oauth", json={"outcome": "SUCCESS"})
    assert done.json()["oauth"]["redirect_url"] == (
        f"appscheme://oauth_complete?status=success&member_guid={member['guid']}"
    )
    widget.send({"mx": True, "type": "oauthComplete/success", "metadata": {"member_guid": member["guid"]}})
    widget.step("connected")
    widget.until_event("mx/connect/stepChange", 3)  # navigations leave one per task: wait for the last
    assert all(m["scheme"] == "appscheme" for m in widget.messages())
    expect(widget, user, member["guid"], [*PICK, requested(url), *CONNECTS])


def test_mx_web_sdk_fires_on_oauth_requested():
    if not SDK_BUNDLE.exists():
        pytest.skip(f"MX's web SDK is not at {SDK_BUNDLE}: run .ci/run (npm pack @mxenabled/web-widget-sdk)")
    from tests.widget.driver import World

    driver = driver_for()
    try:
        with World() as world:
            user = world.new_user()
            driver.get(world.host.sdk_page(world.url, user["guid"], CLIENT))
            frame = WebDriverWait(driver, WAIT, poll_frequency=0.05).until(
                lambda d: d.find_element(By.CSS_SELECTOR, 'iframe[data-test-id="mx-widget-iframe"]')
            )
            driver.switch_to.frame(frame)
            driver.find_element(By.ID, "search-input").send_keys("Oauth\n")
            WebDriverWait(driver, WAIT, poll_frequency=0.05).until(
                lambda d: d.find_elements(By.CSS_SELECTOR, "button.institution")
            )
            driver.find_element(By.CSS_SELECTOR, 'button.institution[data-code="mx_bank_oauth"]').click()
            WebDriverWait(driver, WAIT, poll_frequency=0.05).until(
                lambda d: d.find_element(By.ID, "oauth-sign-in")
            ).click()
            driver.switch_to.default_content()

            def fired() -> list:
                calls = driver.execute_script("return window.__callbacks")
                return [payload for name, payload in calls if name == "onOAuthRequested"]

            WebDriverWait(driver, WAIT, poll_frequency=0.05).until(lambda d: fired(), "onOAuthRequested")
            (payload,) = fired()
            assert payload["user_guid"] == user["guid"] and payload["member_guid"].startswith("MBR-")
            assert payload["url"].startswith(f"{world.url}/oauth/predirect_to/{payload['member_guid']}/")
            assert driver.execute_script("return window.__errors") == []
    finally:
        driver.quit()


@pytest.mark.parametrize(("width", "height"), [(320, 640), (1280, 800)])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_oauth_step_screenshots(world, width, height, scheme):
    driver = driver_for(width, height, scheme)
    features = [
        {"name": "prefers-color-scheme", "value": scheme},
        {"name": "prefers-reduced-motion", "value": "reduce"},
    ]
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": features})
    try:
        user = world.new_user(f"oauth-screenshots-{width}-{scheme}")
        widget = Widget(world, driver, world.widget_url(user["id"], color_scheme=scheme), width=width, height=height)
        pick_oauth_bank(widget)
        check_step(widget, "7-oauth", width, scheme)
        widget.click("#oauth-sign-in")
        widget.wait(lambda d: d.find_element(By.CSS_SELECTOR, "[data-view=oauthWaiting]"), "waiting for the bank")
        main = driver.window_handles[0]
        driver.switch_to.window(driver.window_handles[-1])
        WebDriverWait(driver, WAIT, poll_frequency=0.05).until(lambda d: d.find_element(By.ID, "deny"))
        driver.switch_to.window(main)
        driver.switch_to.frame("widget")
        check_step(widget, "8-oauth-waiting", width, scheme)
        driver.switch_to.window(driver.window_handles[-1])
        driver.find_element(By.ID, "deny").click()
        WebDriverWait(driver, WAIT, poll_frequency=0.05).until(lambda d: len(d.window_handles) == 1)
        driver.switch_to.window(main)
        driver.switch_to.frame("widget")
        widget.step("oauthError")
        check_step(widget, "9-oauth-error", width, scheme)
    finally:
        driver.quit()
