"""The inspector and OAuth members: the control plane's member view carries the consent's state (pending
since, the window used or not, the bank's answer), and the page shows it and completes OAuth with any outcome."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from mocknexus.app import create_app
from mocknexus.config import Config
from mocknexus.domain.core.clock import Clock
from tests.api.oauth_support import MX_BANK_OAUTH, OAuthWorld
from tests.conftest import START
from tests.inspector.test_inspector_browser import open_panel, wait
from tests.support import CLIENT, LiveHttp, LiveServer, new_user, open_session


def inspected(world: OAuthWorld, guid: str) -> dict:
    members = world.http.get(f"/__admin/clients/{CLIENT}/members").json["members"]
    return next(m for m in members if m["guid"] == guid)


def test_the_member_view_shows_the_consent_as_it_goes():
    world = OAuthWorld.build(Clock(frozen_at=START))
    member = world.create(referral_source="APP", ui_message_webview_url_scheme="appscheme")
    view = inspected(world, member["guid"])
    assert view["is_oauth"] is True and view["connection_status"] == "PENDING"
    oauth = view["oauth"]
    assert oauth["window"] == "unused" and oauth["referral_source"] == "APP"
    assert oauth["ui_message_webview_url_scheme"] == "appscheme"
    assert oauth["pending_since"] == "2026-01-01T12:00:00+00:00"
    assert oauth["removed_at"] == "2026-01-01T13:00:00+00:00"  # MX's hour
    assert oauth["window_expires_at"] == "2026-01-01T12:10:00+00:00"
    world.page(member["oauth_window_uri"])
    assert inspected(world, member["guid"])["oauth"]["window"] == "opened"
    world.clock.advance(5)
    world.outcome(member["guid"], "SUCCESS", delay_seconds=30)
    oauth = inspected(world, member["guid"])["oauth"]
    assert oauth["window"] == "used" and oauth["outcome"] == "SUCCESS"
    assert oauth["applies_at"] == "2026-01-01T12:00:35+00:00" and oauth["removed_at"] is not None
    world.clock.advance(30)
    view = inspected(world, member["guid"])
    assert view["connection_status"] != "PENDING" and view["oauth"]["removed_at"] is None
    other = world.create()
    world.clock.advance(601)
    assert inspected(world, other["guid"])["oauth"]["window"] == "expired"


@pytest.fixture(scope="module")
def driver():
    from tests.browser import new_driver

    browser = new_driver(width=1280, height=900)
    yield browser
    browser.quit()


@pytest.mark.browser
@pytest.mark.live
@pytest.mark.xdist_group("oauth_inspector")
def test_the_inspector_shows_oauth_state_and_completes_it_with_an_outcome(driver):
    with LiveServer(create_app(Config(seed=7, inspector_poll_ms=100), clock=Clock(frozen_at=START))) as server:
        client = LiveHttp(server.url)
        headers = open_session(client, new_user(client))
        body = {"member": {"institution_guid": MX_BANK_OAUTH, "is_oauth": True}}
        guid = client.post("/members", json=body, headers=headers).json["member"]["guid"]

        open_panel(driver, server.url, "members")
        card = wait(driver, lambda d: d.find_element(By.ID, f"member-{guid}"))
        wait(driver, lambda d: "Pending since" in d.find_element(By.ID, f"member-{guid}").text)
        text = card.text
        assert "referral BROWSER" in text and "OAuth window" in text and "unused" in text
        assert "Removed if still pending" in text

        open_panel(driver, server.url, "steer")
        wait(
            driver,
            lambda d: guid in [o.get_attribute("value") for o in d.find_elements(By.CSS_SELECTOR, "#s-member option")],
        )
        Select(driver.find_element(By.ID, "s-member")).select_by_value(guid)
        Select(driver.find_element(By.ID, "s-oauth")).select_by_value("IMPEDED")
        driver.find_element(By.CSS_SELECTOR, "#form-oauth button").click()
        result = wait(driver, lambda d: d.find_element(By.ID, "result-member").text)
        assert f"POST /__admin/members/{guid}/oauth → 200" in result
        assert client.get(f"/members/{guid}", headers=headers).json["member"]["connection_status"] == "IMPEDED"

        open_panel(driver, server.url, "members")
        wait(driver, lambda d: "Bank's answer" in d.find_element(By.ID, f"member-{guid}").text)
        assert "IMPEDED" in driver.find_element(By.ID, f"member-{guid}").text
