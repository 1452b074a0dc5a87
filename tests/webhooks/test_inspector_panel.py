"""The inspector's Webhooks panel in headless Chromium: deliveries appear live, expand to their payload and
attempts, and the panel's Redeliver and Fire buttons reach the real receiver. Waits, never sleeps."""

from __future__ import annotations

import pytest
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.browser import new_driver, screenshot
from tests.support import CLIENT
from tests.webhooks.support import rig

pytestmark = [pytest.mark.browser, pytest.mark.live, pytest.mark.xdist_group("webhooks_browser")]

WAIT = 20  # seconds: a busy 2-CPU machine needs slack


@pytest.fixture(scope="module")
def driver():
    browser = new_driver(width=1280, height=900)
    yield browser
    browser.quit()


def wait(driver, condition, message: str = ""):
    ignored = (NoSuchElementException, StaleElementReferenceException)
    return WebDriverWait(driver, WAIT, poll_frequency=0.05, ignored_exceptions=ignored).until(
        lambda d: condition(d), message
    )


def entry_for(driver, member_guid: str, *texts: str):
    for item in driver.find_elements(By.CSS_SELECTOR, "#webhook-list > li"):
        summary = item.find_element(By.TAG_NAME, "summary").text
        if member_guid in summary and all(text in summary for text in texts):
            return item
    return None


def test_the_webhooks_panel_shows_deliveries_live_and_redelivers_and_fires(driver):
    with rig(inspector_poll_ms=100) as t:  # the live view refreshes every 100 ms (default 1.5 s)
        t.receiver.respond_with(500, 204)
        driver.get(f"{t.server.url}/__admin/ui#webhooks")
        world = driver.find_element(By.ID, "world")
        world.clear()
        world.send_keys(CLIENT)
        driver.find_element(By.CSS_SELECTOR, "#world-form button").click()
        wait(driver, lambda d: t.receiver.url in d.find_element(By.ID, "webhook-config").text, "no configuration shown")

        guid = t.member(t.session(), password="password")
        # The first attempt fails (500): the entry shows it pending, with its next attempt. The delivery is listed
        # pending before that attempt too, and its entry is rebuilt when the attempt lands: wait for the 500.
        wait(driver, lambda d: entry_for(d, guid, "pending", "500"), "no pending delivery with its failed attempt")
        t.admin.advance_clock(20)
        done = wait(driver, lambda d: entry_for(d, guid, "delivered"), "the retry never showed")
        done.find_element(By.TAG_NAME, "summary").click()
        wait(
            driver, lambda d: entry_for(d, guid, "delivered").find_element(By.TAG_NAME, "details").get_attribute("open")
        )
        body = entry_for(driver, guid, "delivered").find_element(By.CLASS_NAME, "entry-body").text
        assert '"action": "created"' in body and "#2" in body  # the payload and both attempts

        entry_for(driver, guid, "delivered").find_element(By.CLASS_NAME, "redeliver").click()
        wait(driver, lambda d: entry_for(d, guid, "again: WHD-"), "the redelivery never showed")
        t.receiver.wait_for("MEMBER", guid, count=2)

        driver.find_element(By.ID, "fire-member").send_keys(guid)
        Select(driver.find_element(By.ID, "fire-type")).select_by_visible_text("CONNECTION_STATUS")
        driver.find_element(By.CSS_SELECTOR, "#form-fire button").click()
        assert t.receiver.wait_for("CONNECTION_STATUS", guid).json["connection_status"] == "CREATED"
        wait(driver, lambda d: entry_for(d, guid, "fired"), "the fired webhook never showed")
        screenshot(driver, "inspector-webhooks")


def test_the_whole_server_view_does_not_say_no_url_above_delivered_webhooks(driver):
    with rig(inspector_poll_ms=100) as t:  # a receiver subscribed for CLIENT alone; no server-wide URL
        guid = t.member(t.session(), password="password")
        t.receiver.wait_for("MEMBER", guid)
        # The page's own origin first: a blank browser from the pool has no sessionStorage to clear.
        driver.get(f"{t.server.url}/__admin/ui#webhooks")
        driver.execute_script("sessionStorage.clear()")  # no client picked: the whole-server view
        driver.refresh()
        wait(driver, lambda d: entry_for(d, guid, "delivered"), "the client's delivery is not listed")
        heading = driver.find_element(By.ID, "webhook-config").text
        assert heading.startswith("Every client's deliveries.") and "No webhook URL configured" not in heading
        assert "each client posts where its own configuration says" in heading
