"""OAuth in headless chromium: the API-only flow (a partner page opens the bank's window and hears MX's complete
page), Deny, the APP redirect to a local client_redirect_url, and the WebView scheme, each with its exact
messages; and screenshots of the consent page. (The widget's OAuth step: test_oauth_widget_browser.py.)"""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, urlsplit

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.api.oauth_support import MX_BANK_OAUTH
from tests.browser import screenshot
from tests.support import CLIENT
from tests.widget.driver import WAIT

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("oauth_pages")]


def wait(driver, condition, message=""):
    return WebDriverWait(driver, WAIT, poll_frequency=0.02).until(condition, message)


@pytest.fixture
def user(world):
    user = world.new_user()
    return user["id"], world.nexus(user["id"])


@pytest.fixture(autouse=True)
def one_window(driver):
    yield
    for handle in driver.window_handles[1:]:
        driver.switch_to.window(handle)
        driver.close()
    driver.switch_to.window(driver.window_handles[0])


def create(world, headers, **options):
    body = {"member": {"institution_guid": MX_BANK_OAUTH, "is_oauth": True}, **options}
    r = world.api.post(f"{world.url}/members", json=body, headers=headers)
    assert r.status_code == 200, r.text
    return r.json()["member"]


def open_from_partner_page(world, driver, uri):
    """The partner's page opens the bank's window, as MX's browser guide says; returns the opener's handle."""
    driver.get(world.host.opener_page(uri))
    opener = driver.current_window_handle
    driver.find_element(By.ID, "open").click()
    wait(driver, lambda d: len(d.window_handles) == 2, "the bank's window opens")
    driver.switch_to.window(next(h for h in driver.window_handles if h != opener))
    wait(driver, lambda d: d.find_element(By.ID, "oauth").get_attribute("data-page") == "consent", "consent page")
    return opener


def opener_messages(driver, opener, count):
    driver.switch_to.window(opener)
    wait(driver, lambda d: len(d.execute_script("return window.__messages")) >= count, "the opener's messages")
    return driver.execute_script("return window.__messages")


def settle(world, headers, guid):
    for _ in range(40):
        member = world.get(f"/members/{guid}", headers).json()["member"]
        if member["connection_status"] != "PENDING" and not member["is_being_aggregated"]:
            return member
    raise AssertionError(member)


def test_api_only_flow_authorize_complete_page_message_connected_numbers(world, driver, user):
    _, headers = user
    member = create(world, headers)
    opener = open_from_partner_page(world, driver, member["oauth_window_uri"])
    # Keyboard operable: Tab reaches Authorize, Enter presses it.
    authorize = driver.find_element(By.ID, "authorize")
    assert authorize.text == "Authorize" and driver.find_element(By.ID, "deny").text == "Deny"
    driver.switch_to.active_element.send_keys("\t")
    wait(driver, lambda d: d.switch_to.active_element == authorize, "Tab reaches Authorize")
    driver.switch_to.active_element.send_keys("\n")
    wait(driver, lambda d: d.execute_script("return document.documentElement.dataset.posted"), "complete page")
    assert driver.find_element(By.TAG_NAME, "h1").text == "Thank you for completing OAuth."
    assert opener_messages(driver, opener, 1) == [
        {"mx": True, "type": "oauthComplete/success", "metadata": {"member_guid": member["guid"]}}
    ]
    assert driver.execute_script("return window.__origins") == [world.url]
    assert settle(world, headers, member["guid"])["connection_status"] == "CONNECTED"
    assert world.api.post(f"{world.url}/members/{member['guid']}/verify", headers=headers).status_code == 200
    settle(world, headers, member["guid"])
    numbers = world.get(f"/members/{member['guid']}/account_numbers", headers).json()["account_numbers"]
    assert len(numbers) == 2 and all(n["account_number"] and n["routing_number"] for n in numbers)


def test_deny_tells_the_opener_cancelled(world, driver, user):
    _, headers = user
    member = create(world, headers)
    opener = open_from_partner_page(world, driver, member["oauth_window_uri"])
    driver.find_element(By.ID, "deny").click()
    wait(driver, lambda d: d.execute_script("return document.documentElement.dataset.posted"), "complete page")
    assert "CANCELLED" in driver.find_element(By.ID, "reason").text
    assert opener_messages(driver, opener, 1) == [
        {
            "mx": True,
            "type": "oauthComplete/error",
            "metadata": {"member_guid": member["guid"], "error_reason": "CANCELLED"},
        }
    ]
    assert world.get(f"/members/{member['guid']}", headers).json()["member"]["connection_status"] == "PENDING"


def test_app_referral_redirects_to_the_apps_client_redirect_url(world, driver, user):
    _, headers = user
    back = f"{world.host.url}/back"
    member = create(world, headers, referral_source="APP", client_redirect_url=back)
    driver.get(member["oauth_window_uri"])
    driver.find_element(By.ID, "authorize").click()
    wait(driver, lambda d: d.current_url.startswith(back), "back in the app")
    assert parse_qsl(urlsplit(driver.current_url).query) == [("status", "success"), ("member_guid", member["guid"])]
    shown = json.loads(driver.find_element(By.ID, "query").text)
    assert shown == {"status": "success", "member_guid": member["guid"]}
    world.get(f"/members/{member['guid']}", headers)
    driver.back()  # the used window is spent
    driver.get(member["oauth_window_uri"])
    assert driver.find_element(By.TAG_NAME, "h1").text == "This link has already been used"


def test_webview_scheme_navigates_to_oauth_complete(world, driver, user):
    _, headers = user
    member = create(world, headers, referral_source="APP", ui_message_webview_url_scheme="appscheme")
    driver.get_log("performance")  # drop earlier navigations
    driver.get(member["oauth_window_uri"])
    driver.find_element(By.ID, "deny").click()
    expected = f"appscheme://oauth_complete?status=error&member_guid={member['guid']}&error_reason=CANCELLED"

    def redirected(d):
        for entry in d.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            params = message.get("params", {})
            urls = [params.get("url"), params.get("request", {}).get("url")]
            if expected in urls:
                return True
        return False

    wait(driver, redirected, "the redirect to the app's scheme")


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [320, 1280])
def test_consent_page_screenshots(world, user, width, scheme):
    from tests.widget.driver import driver_for

    _, headers = user
    member = create(world, headers)
    driver = driver_for(width, 800, scheme)
    try:
        driver.get(member["oauth_window_uri"])
        wait(driver, lambda d: d.find_element(By.ID, "authorize"), "consent page")
        screenshot(driver, f"oauth-1-consent-{width}-{scheme}")
        driver.find_element(By.ID, "authorize").click()
        wait(driver, lambda d: d.execute_script("return document.documentElement.dataset.posted"), "complete page")
        screenshot(driver, f"oauth-2-complete-{width}-{scheme}")
    finally:
        driver.quit()
    assert world.admin("GET", f"/clients/{CLIENT}/state").status_code == 200
