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


def section_snapshot(driver, guid: str) -> tuple[set[str], list[str], set[str]] | None:
    """The data section read at one moment: its accounts' types, its transactions' rows, and its words."""
    section = data_of(driver, guid)
    accounts = [row.text for row in section.find_elements(By.CSS_SELECTOR, "table:first-of-type tbody tr")]
    rows = [row.text for row in section.find_elements(By.CSS_SELECTOR, "table:nth-of-type(2) tbody tr")]
    if not accounts or not rows:
        return None
    return {text.split()[-3] for text in accounts}, rows, set(section.text.split())


def fill_and_submit(driver, guid: str, description: str) -> bool:
    form = data_of(driver, guid).find_element(By.CSS_SELECTOR, "form.add-transaction")
    field = form.find_element(By.NAME, "description")
    field.clear()
    field.send_keys(description)
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    return True


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
        # The inspector polls and may rebuild the card between two reads, so each read is one snapshot taken
        # inside a wait (which retries a read of an element the rebuild replaced).
        account_types, rows, words = wait(driver, lambda d: section_snapshot(d, member), "no tables")
        assert {"CHECKING", "CREDIT_CARD", "INVESTMENT"} <= account_types
        assert len(rows) == 10 and {"PENDING", "POSTED"} & words

        wait(driver, lambda d: fill_and_submit(d, member, "Inspector Bakery"), "no form")
        wait(driver, lambda d: "shows at the member's next aggregation" in data_of(d, member).text, "not added")
        _, rows, _ = wait(driver, lambda d: section_snapshot(d, member), "no tables")
        assert not any("Inspector Bakery" in row for row in rows)

        mx.post(f"/users/{user}/members/{member}/aggregate", expect=202)
        mx.finish(user, member)
        # The card is rebuilt for the new aggregation; its data section stays open and shows the new one.
        wait(driver, lambda d: "Inspector Bakery" in data_of(d, member).text, "the added transaction never showed")
        _, rows, _ = wait(driver, lambda d: section_snapshot(d, member), "no tables")
        row = next(row for row in rows if "Inspector Bakery" in row)
        assert "PENDING" in row and "12.50" in row
        screenshot(driver, "inspector-member-data")
