"""MX's own published web SDK (@mxenabled/web-widget-sdk, from npm) in the partner page, unchanged: it asks
mocknexus's Platform API endpoint for the widget URL (Basic client_id:api_key, cross-origin), embeds the
widget, and its callbacks fire for a real flow.

The SDK is fetched by .ci/run (`npm pack` into .cache/, never shipped in the package). Without it the test
skips, unless MOCKNEXUS_REQUIRE_SDK=1 (CI sets it), when a missing SDK is a failure.
"""

from __future__ import annotations

import os

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.support import CLIENT
from tests.widget.driver import WAIT, World, driver_for
from tests.widget.host import SDK_BUNDLE

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("widget_sdk")]


@pytest.fixture(scope="module")
def sdk_bundle():
    if not SDK_BUNDLE.exists():
        if os.environ.get("MOCKNEXUS_REQUIRE_SDK") == "1":
            pytest.fail(f"MX's web SDK is missing at {SDK_BUNDLE} (.ci/run fetches it with npm pack)")
        pytest.skip(f"MX's web SDK is not at {SDK_BUNDLE}: run .ci/run (npm pack @mxenabled/web-widget-sdk)")
    return SDK_BUNDLE


def test_mx_web_sdk_callbacks_fire_for_a_real_connection(sdk_bundle):
    driver = driver_for()
    try:
        with World() as world:
            user = world.new_user()
            driver.get(world.host.sdk_page(world.url, user["guid"], CLIENT))

            def callbacks() -> list:
                return driver.execute_script("return window.__callbacks")

            def names() -> list[str]:
                return [name for name, _ in callbacks()]

            def until(name: str, count: int = 1) -> None:
                WebDriverWait(driver, WAIT, poll_frequency=0.05).until(
                    lambda d: names().count(name) >= count, f"{name}: {names()}"
                )

            until("onLoaded")
            frame = driver.find_element(By.CSS_SELECTOR, 'iframe[data-test-id="mx-widget-iframe"]')
            assert frame.get_attribute("src").startswith(world.url + "/md/connect/")
            assert frame.size["width"] == 320  # the SDK's default iframe style

            driver.execute_script("window.widget.ping()")
            until("onPing")
            driver.switch_to.frame(frame)
            driver.find_element(By.ID, "search-input").send_keys("MX Bank\n")
            WebDriverWait(driver, WAIT, poll_frequency=0.05).until(
                lambda d: d.find_elements(By.CSS_SELECTOR, "button.institution")
            )
            driver.find_element(By.CSS_SELECTOR, 'button.institution[data-code="mxbank"]').click()
            driver.switch_to.default_content()
            until("onStepChange")  # on the credentials step: there is somewhere to go back from
            driver.execute_script("window.goBack()")  # the SDK's navigateBack(): the widget goes back to search
            WebDriverWait(driver, WAIT, poll_frequency=0.05).until(
                lambda d: d.execute_script("return window.__wentBack") is True
            )
            driver.switch_to.frame(frame)
            driver.find_element(By.ID, "search-input").send_keys("MX Bank\n")
            WebDriverWait(driver, WAIT, poll_frequency=0.05).until(
                lambda d: d.find_elements(By.CSS_SELECTOR, "button.institution")
            )
            driver.find_element(By.CSS_SELECTOR, 'button.institution[data-code="mxbank"]').click()
            WebDriverWait(driver, WAIT, poll_frequency=0.05).until(lambda d: d.find_elements(By.ID, "credential-LOGIN"))
            driver.find_element(By.ID, "credential-LOGIN").send_keys("mxuser")
            driver.find_element(By.ID, "credential-PASSWORD").send_keys("challenge\n")
            WebDriverWait(driver, WAIT, poll_frequency=0.05).until(lambda d: d.find_elements(By.ID, "challenge-0"))
            driver.find_element(By.ID, "challenge-0").send_keys("correct\n")
            WebDriverWait(driver, WAIT, poll_frequency=0.05).until(lambda d: d.find_elements(By.ID, "done"))
            driver.find_element(By.ID, "done").click()
            driver.switch_to.default_content()
            until("onConnectedPrimaryAction")

            assert driver.execute_script("return window.__errors") == []  # every message decoded by the SDK
            members = world.get("/members", world.nexus(user["id"])).json()["members"]
            assert [m["connection_status"] for m in members] == ["CONNECTED"]
            guid = members[0]["guid"]
            got = callbacks()
            ids = {"user_guid": user["guid"], "session_guid": got[1][1]["session_guid"]}

            def payload(event_type: str, **extra: object) -> dict:
                return {"type": event_type, **ids, **extra}

            assert got[0] == ["onLoad", {"type": "mx/load"}]
            assert got[1] == ["onLoaded", payload("mx/connect/loaded", initial_step="search")]
            assert ["onPing", payload("mx/ping")] in got
            assert ["onNavigation", payload("mx/navigation", did_go_back=True)] in got
            assert [
                "onMemberStatusUpdate",
                payload("mx/connect/memberStatusUpdate", member_guid=guid, connection_status=3),
            ] in got
            assert ["onSubmitMFA", payload("mx/connect/submitMFA", member_guid=guid)] in got
            assert ["onMemberConnected", payload("mx/connect/memberConnected", member_guid=guid)] in got
            assert got[-1] == ["onConnectedPrimaryAction", payload("mx/connect/connected/primaryAction")]
            assert names().count("onEnterCredentials") == 1 and names().count("onSelectedInstitution") == 2
            # The SDK asked for the URL the documented way: one Platform API call, Basic auth.
            journal = world.admin("GET", "/requests").json()["requests"]
            asked = [r for r in journal if r["path"] == f"/users/{user['guid']}/widget_urls" and r["method"] == "POST"]
            assert len(asked) == 1 and asked[0]["status"] == 200
    finally:
        driver.quit()
