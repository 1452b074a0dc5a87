"""The inspector's view of a member's data, in headless Chromium: a connected member's accounts and newest
transactions, and the form that adds a transaction, which shows once the member aggregates again."""

from __future__ import annotations

import pytest
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from mocknexus.app import create_app
from mocknexus.config import Config
from tests.browser import new_driver, screenshot
from tests.platform.support import Platform
from tests.support import CLIENT, LiveHttp, LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.live, pytest.mark.xdist_group("inspector_data_browser")]
WAIT = 15


@pytest.fixture(scope="module")
def driver():
    browser = new_driver(width=1280, height=900)
    yield browser
    browser.quit()


def wait(driver, condition, message: str = ""):
    ignored = (NoSuchElementException, StaleElementReferenceException)
    return WebDriverWait(driver, WAIT, poll_frequency=0.05, ignored_exceptions=ignored).until(condition, message)


def data_of(driver, guid: str):
    return driver.find_element(By.CSS_SELECTOR, f"#member-{guid} details.data")


def test_the_members_panel_shows_accounts_and_newest_transactions_and_adds_one(driver, clock):
    app = create_app(Config(seed=7, inspector_poll_ms=100, job_time_scale=0), clock=clock)
    with LiveServer(app) as live:
        mx = Platform(LiveHttp(live.url), client_id=CLIENT)
        user = mx.user()["guid"]
        member = mx.member(user, "all_accounts", background_aggregation_is_disabled=True)["guid"]
        mx.finish(user, member)

        driver.get("about:blank")
        driver.get(f"{live.url}/__admin/ui#members")
        wait(driver, lambda d: data_of(d, member).is_displayed(), "no data section")
        data_of(driver, member).find_element(By.TAG_NAME, "summary").click()
        wait(driver, lambda d: "Newest transactions" in data_of(d, member).text, "no transactions")
        section = data_of(driver, member)
        accounts = section.find_elements(By.CSS_SELECTOR, "table:first-of-type tbody tr")
        assert {row.text.split()[-3] for row in accounts} >= {"CHECKING", "CREDIT_CARD", "INVESTMENT"}
        rows = section.find_elements(By.CSS_SELECTOR, "table:nth-of-type(2) tbody tr")
        assert len(rows) == 10 and {"PENDING", "POSTED"} & set(section.text.split())

        form = section.find_element(By.CSS_SELECTOR, "form.add-transaction")
        description = form.find_element(By.NAME, "description")
        description.clear()
        description.send_keys("Inspector Bakery")
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        wait(driver, lambda d: "shows at the member's next aggregation" in data_of(d, member).text, "not added")
        assert (
            "Inspector Bakery" not in data_of(driver, member).find_element(By.CSS_SELECTOR, "table:nth-of-type(2)").text
        )

        mx.post(f"/users/{user}/members/{member}/aggregate", expect=202)
        mx.finish(user, member)
        # The card is rebuilt for the new aggregation; its data section stays open and shows the new one.
        wait(driver, lambda d: "Inspector Bakery" in data_of(d, member).text, "the added transaction never showed")
        row = next(
            r for r in data_of(driver, member).find_elements(By.CSS_SELECTOR, "tbody tr") if "Inspector" in r.text
        )
        assert "PENDING" in row.text and "12.50" in row.text
        screenshot(driver, "inspector-member-data")
