"""The inspector in a real headless Chromium: what a developer sees and does, against a live server.

Each test drives the emulated APIs over HTTP as a client would, and the page only through its own controls;
the live refresh (1.5 s polling) is awaited with explicit waits, never sleeps. Screenshots of each panel
land in docs/screenshots/ (docs/inspector.md shows them).
"""

from __future__ import annotations

import re

import pytest
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

from mocknexus.app import create_app
from mocknexus.config import Config
from tests.browser import new_driver, screenshot
from tests.support import CLIENT, LiveHttp, LiveServer, create_member, new_user, open_session, poll_until_settled

pytestmark = [pytest.mark.browser, pytest.mark.live, pytest.mark.xdist_group("inspector_browser")]

WAIT = 15  # seconds: generous for a loaded 2-CPU CI machine; the page refreshes every 1.5 s


@pytest.fixture(scope="module")
def driver():
    browser = new_driver(width=1280, height=900)
    yield browser
    browser.quit()


@pytest.fixture
def config() -> Config:
    """The live view refreshes every 100 ms here, so a wait for what it shows is short (the default is 1.5 s)."""
    return Config(seed=7, inspector_poll_ms=100)


@pytest.fixture
def live(app):
    with LiveServer(app) as server:
        yield server


@pytest.fixture
def memory_live(clock):
    with LiveServer(create_app(Config(seed=7, inspector_poll_ms=100), clock=clock)) as server:
        yield server


def wait(driver, condition, message: str = ""):
    # The page rebuilds rows as it refreshes: an element that went stale is simply looked up again.
    ignored = (NoSuchElementException, StaleElementReferenceException)
    return WebDriverWait(driver, WAIT, poll_frequency=0.05, ignored_exceptions=ignored).until(
        lambda d: condition(d), message
    )


def open_panel(driver, url: str, panel: str) -> None:
    driver.get("about:blank")  # a fresh load, whatever the previous test left
    driver.get(f"{url}/__admin/ui#{panel}")
    wait(driver, lambda d: d.find_element(By.ID, f"tab-{panel}").get_attribute("aria-selected") == "true")


def click_tab(driver, panel: str) -> None:
    driver.find_element(By.ID, f"tab-{panel}").click()
    wait(driver, lambda d: d.find_element(By.ID, f"panel-{panel}").is_displayed())


def member_card(driver, guid: str):
    return driver.find_element(By.ID, f"member-{guid}")


def test_a_flow_through_the_api_shows_its_requests_and_the_members_timeline(driver, live, clock):
    open_panel(driver, live.url, "requests")
    client = LiveHttp(live.url)
    clock.advance(1)  # after MX's static members, so that this one is listed first
    headers = open_session(client)
    guid = create_member(client, headers, password="challenge")["guid"]
    client.post(f"/members/{guid}/verify", headers=headers)
    assert poll_until_settled(client, headers, guid, clock)["connection_status"] == "CHALLENGED"
    challenge = client.get(f"/members/{guid}/challenges", headers=headers).json["challenges"][0]["guid"]
    resume = {"member": {"challenges": [{"guid": challenge, "value": "correct"}]}}
    assert client.put(f"/members/{guid}/resume", json=resume, headers=headers).status == 200
    assert poll_until_settled(client, headers, guid, clock)["connection_status"] == "CONNECTED"

    # The requests appear by themselves, newest first: all of them, since a refresh may have shown the journal
    # while the flow's last requests were still landing (with the resume as the newest).
    journal = client.get("/__admin/requests").json["requests"]
    wait(driver, lambda d: d.find_element(By.ID, "request-count").text == f"{len(journal)} requests.", "not all shown")
    rows = driver.find_elements(By.CSS_SELECTOR, "#request-list > li")
    assert f"/members/{guid}/resume" in driver.find_element(By.ID, "request-list").text
    assert f"GET /members/{guid}" in rows[0].text.replace("\n", " ")
    oldest = rows[-1].text.split("\n")
    assert "POST" in oldest and any(cell.endswith(" ms") for cell in oldest) and oldest[-1] == CLIENT  # its world

    # An entry expands to its masked headers and body, its duration and its fault.
    create = next(r for r in rows if "POST\n/members\n" in r.text + "\n")
    create.find_element(By.TAG_NAME, "summary").click()
    details = create.text
    assert re.search(r"md-session-token\s+\*\*\*\*\n", details.lower()), details
    assert '"value": "****"' in details and "challenge" not in details.split("Body", 1)[1]
    assert "Duration" in details and "Fault\nnone" in details
    screenshot(driver, "inspector-requests")

    # The member's timeline, with the request that caused each change.
    click_tab(driver, "members")
    wait(driver, lambda d: "CONNECTED" in member_card(d, guid).find_element(By.CLASS_NAME, "card-head").text)
    timeline = member_card(driver, guid).find_elements(By.CSS_SELECTOR, ".timeline tbody tr")
    steps = [row.text.split()[1:3] for row in timeline]
    assert steps[0] == ["CREATED", "—"] and steps[-1] == ["CONNECTED", "—"]
    assert ["CHALLENGED", "running"] in steps and ["RESUMED", "running"] in steps
    cells = [row.find_element(By.CSS_SELECTOR, "td:last-child") for row in timeline]
    causes = [
        cell.find_element(By.TAG_NAME, "button").get_attribute("title")
        if cell.find_elements(By.TAG_NAME, "button")
        else cell.text
        for cell in cells
    ]
    assert causes[0] == "POST /members" and f"PUT /members/{guid}/resume" in causes
    assert causes[-1] == "the clock (no request)"  # its last step ends by time alone (control/background)
    screenshot(driver, "inspector-members")

    # Following a timeline link opens that request in the Requests panel.
    link = next(
        b
        for b in member_card(driver, guid).find_elements(By.CSS_SELECTOR, ".timeline button")
        if b.get_attribute("title") == f"PUT /members/{guid}/resume"
    )
    request_id = link.text.split()[0][1:]
    link.click()
    wait(driver, lambda d: d.find_element(By.ID, "panel-requests").is_displayed())
    entry = wait(driver, lambda d: d.find_element(By.ID, f"req-{request_id}"))
    wait(driver, lambda d: entry.find_element(By.TAG_NAME, "details").get_attribute("open") is not None)
    assert driver.switch_to.active_element.tag_name == "summary"
    assert f"/members/{guid}/resume" in entry.text


def test_forcing_a_state_from_the_page_is_seen_through_nexus(driver, memory_live):
    client = LiveHttp(memory_live.url)
    user = new_user(client)
    headers = open_session(client, user)
    guid = create_member(client, headers, password="password")["guid"]
    open_panel(driver, memory_live.url, "steer")
    wait(
        driver,
        lambda d: guid in [o.get_attribute("value") for o in d.find_elements(By.CSS_SELECTOR, "#s-member option")],
    )
    Select(driver.find_element(By.ID, "s-member")).select_by_value(guid)
    Select(driver.find_element(By.ID, "s-status")).select_by_value("LOCKED")
    driver.find_element(By.CSS_SELECTOR, "#form-status button").click()
    result = wait(driver, lambda d: d.find_element(By.ID, "result-member").text)
    assert f"POST /__admin/members/{guid}/status → 200" in result

    member = client.get(f"/members/{guid}", headers=headers).json["member"]
    assert member["connection_status"] == "LOCKED"

    # Errors come back in MX's shape and are shown as such: finishing a job that does not run is a 409.
    driver.find_element(By.CSS_SELECTOR, "#form-finish button").click()
    wait(driver, lambda d: "409" in d.find_element(By.ID, "result-member").text)
    assert "The member has no running job." in driver.find_element(By.ID, "result-member").text

    # A fault added from the page fires on the next matching call, and the journal names it.
    driver.find_element(By.ID, "x-path").send_keys("/members/*")
    Select(driver.find_element(By.ID, "x-status")).select_by_value("503")
    driver.find_element(By.ID, "x-count").send_keys("1")
    driver.find_element(By.CSS_SELECTOR, "#form-fault button[type=submit]").click()
    wait(driver, lambda d: "* /members/*" in d.find_element(By.ID, "fault-rows").text)
    # A live refresh may list the fault before the page has shown the answer to its own call.
    wait(driver, lambda d: "POST /__admin/faults → 201" in d.find_element(By.ID, "result-faults").text)
    screenshot(driver, "inspector-steer")
    assert client.get(f"/members/{guid}", headers=headers).status == 503
    # One hit, none left (the page polls, so it sees the count move).
    wait(driver, lambda d: "status 503 1 0" in d.find_element(By.ID, "fault-rows").text)
    click_tab(driver, "requests")
    wait(driver, lambda d: "fault FLT-" in d.find_element(By.ID, "request-list").text)

    # Resetting one user from the page forgets its members and sessions.
    click_tab(driver, "steer")
    driver.find_element(By.ID, "r-user").send_keys(user, Keys.ENTER)
    wait(driver, lambda d: "POST /__admin/reset → 200" in d.find_element(By.ID, "result-reset").text)
    assert client.get(f"/members/{guid}", headers=headers).status == 401


def test_advancing_the_clock_from_the_page_expires_a_session(driver, memory_live):
    client = LiveHttp(memory_live.url)
    headers = open_session(client)
    token = headers["MD-SESSION-TOKEN"]
    open_panel(driver, memory_live.url, "sessions")
    masked = "****" + token[-4:]
    row = wait(
        driver,
        lambda d: next(
            (r.text for r in d.find_elements(By.CSS_SELECTOR, "#session-rows tr") if masked in r.text), None
        ),
    )
    assert "active" in row and token not in driver.page_source

    click_tab(driver, "steer")
    driver.find_element(By.CSS_SELECTOR, '[data-advance="1801"]').click()
    wait(driver, lambda d: "clock/advance → 200" in d.find_element(By.ID, "result-clock").text)
    click_tab(driver, "sessions")
    wait(
        driver,
        lambda d: any(
            masked in r.text and "expired" in r.text for r in d.find_elements(By.CSS_SELECTOR, "#session-rows tr")
        ),
    )
    assert client.get("/members", headers=headers).json["error"]["code"] == 4011
    screenshot(driver, "inspector-sessions")

    # Freeze at an instant, then let the clock run again.
    click_tab(driver, "steer")
    driver.execute_script("document.getElementById('s-at').value = '2030-01-01T00:00:00'")
    driver.find_element(By.CSS_SELECTOR, "#form-freeze button[type=submit]").click()
    wait(driver, lambda d: d.find_element(By.ID, "clock-now").text == "2030-01-01 00:00:00 UTC")
    assert driver.find_element(By.ID, "clock-frozen").is_displayed()
    driver.find_element(By.ID, "unfreeze").click()
    wait(driver, lambda d: not d.find_element(By.ID, "clock-frozen").is_displayed())
    assert client.get("/__admin/clock").json["frozen"] is False


def test_the_page_works_by_keyboard_alone_with_an_admin_token(driver, clock):
    app = create_app(Config(seed=7, admin_token="s3cret-admin", inspector_poll_ms=100), clock=clock)
    with LiveServer(app) as server:
        driver.get("about:blank")
        driver.get(f"{server.url}/__admin/ui")
        wait(driver, lambda d: d.find_element(By.ID, "login").is_displayed())
        assert driver.switch_to.active_element.get_attribute("id") == "token"
        screenshot(driver, "inspector-login")
        driver.switch_to.active_element.send_keys("wrong", Keys.ENTER)
        wait(driver, lambda d: "refused" in d.find_element(By.ID, "login-error").text)
        token = driver.find_element(By.ID, "token")
        token.clear()
        token.send_keys("s3cret-admin", Keys.ENTER)
        wait(driver, lambda d: d.find_element(By.ID, "panels").is_displayed())
        assert "s3cret" not in driver.current_url
        assert driver.execute_script("return sessionStorage.getItem('mocknexus.adminToken')") == "s3cret-admin"

        # Tabs: arrow keys, Home and End move between panels.
        assert driver.switch_to.active_element.get_attribute("id") == "tab-requests"
        driver.switch_to.active_element.send_keys(Keys.ARROW_RIGHT)
        wait(driver, lambda d: d.find_element(By.ID, "panel-members").is_displayed())
        driver.switch_to.active_element.send_keys(Keys.END)
        wait(driver, lambda d: d.find_element(By.ID, "panel-sessions").is_displayed())
        driver.switch_to.active_element.send_keys(Keys.HOME, Keys.ARROW_RIGHT, Keys.ARROW_RIGHT)
        wait(driver, lambda d: d.find_element(By.ID, "panel-steer").is_displayed())
        assert driver.switch_to.active_element.get_attribute("id") == "tab-steer"

        # Tab to the clock's field, type, Enter: the form submits, the clock moves.
        for _ in range(40):
            if driver.switch_to.active_element.get_attribute("id") == "s-seconds":
                break
            driver.switch_to.active_element.send_keys(Keys.TAB)
        else:
            raise AssertionError("the clock field is not reachable by Tab")
        field = driver.switch_to.active_element
        field.send_keys(Keys.CONTROL, "a")
        field.send_keys("90", Keys.ENTER)
        wait(driver, lambda d: "clock/advance → 200" in d.find_element(By.ID, "result-clock").text)
        now = LiveHttp(server.url).get("/__admin/clock", headers={"Authorization": "Bearer s3cret-admin"}).json["now"]
        assert now.startswith("2026-01-01T12:01:30")


def record_calls(driver) -> None:
    """Note every URL the page fetches from now on (in window.calls)."""
    driver.execute_script(
        "window.calls = []; const real = window.fetch;"
        "window.fetch = (url, init) => { window.calls.push(String(url)); return real(url, init); };"
    )


def test_choosing_a_client_world_sends_every_call_to_its_scoped_admin_api(driver, memory_live):
    """Issue 11's contract: /__admin/clients/{client_id}/... mirrors /__admin/...; the page switches prefix."""
    open_panel(driver, memory_live.url, "requests")
    record_calls(driver)
    world = driver.find_element(By.ID, "world")
    world.send_keys("client a/1", Keys.ENTER)
    scoped = "/__admin/clients/client%20a%2F1/"
    wait(driver, lambda d: any(c.startswith(scoped + "requests?") for c in d.execute_script("return window.calls")))
    click_tab(driver, "members")
    wait(driver, lambda d: any(c.startswith(scoped + "members?") for c in d.execute_script("return window.calls")))
    # The choice lasts for the tab; emptying it goes back to the whole server.
    driver.refresh()
    wait(driver, lambda d: d.find_element(By.ID, "world").get_attribute("value") == "client a/1")
    world = driver.find_element(By.ID, "world")
    world.clear()
    record_calls(driver)
    world.send_keys(Keys.ENTER)
    wait(driver, lambda d: "/__admin/clock" in d.execute_script("return window.calls"))
    # From the first whole-server call on (a live refresh begun before may still have asked the client's):
    calls = driver.execute_script("return window.calls")
    assert not any("/clients/" in c for c in calls[calls.index("/__admin/clock") :])


def test_the_journal_filters_reach_the_server(driver, memory_live):
    client = LiveHttp(memory_live.url)
    headers = open_session(client)
    client.get("/members/nope", headers=headers)
    open_panel(driver, memory_live.url, "requests")
    wait(driver, lambda d: "/members/nope" in d.find_element(By.ID, "request-list").text)
    driver.find_element(By.ID, "f-status").send_keys("404", Keys.ENTER)
    wait(driver, lambda d: d.find_element(By.ID, "request-count").text == "1 request.")
    assert "/members/nope" in driver.find_element(By.ID, "request-list").text
    Select(driver.find_element(By.ID, "f-method")).select_by_visible_text("POST")
    driver.find_element(By.CSS_SELECTOR, "#request-filters button[type=submit]").click()
    wait(driver, lambda d: d.find_element(By.ID, "request-count").text == "No requests match.")


# Contrast of every visible text against its effective background (WCAG AA: 4.5:1, 3:1 for large text),
# and a label for every form control.
AUDIT = """
const lum = (c) => { const [r, g, b] = c.match(/[\\d.]+/g).slice(0, 3).map(Number).map((v) => {
  v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; }); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
const bg = (el) => { for (; el; el = el.parentElement) { const c = getComputedStyle(el).backgroundColor;
  const a = c.match(/[\\d.]+/g); if (a && (a.length < 4 || Number(a[3]) > 0.5)) return c; } return "rgb(255,255,255)"; };
const low = [];
for (const el of document.querySelectorAll("body *")) {
  if (!el.offsetParent && el.tagName !== "BODY") continue;
  if (![...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim())) continue;
  if (el.closest(".visually-hidden")) continue;
  const s = getComputedStyle(el); const [l1, l2] = [lum(s.color), lum(bg(el))];
  const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
  const large = parseFloat(s.fontSize) >= 24 || (parseFloat(s.fontSize) >= 18.66 && Number(s.fontWeight) >= 700);
  if (ratio < (large ? 3 : 4.5)) low.push(`${el.tagName}.${el.className} "${el.textContent.trim().slice(0, 30)}" ${ratio.toFixed(2)}`);
}
const unlabeled = [...document.querySelectorAll("input:not([type=hidden]):not([hidden]), select")]
  .filter((el) => !el.labels.length && !el.getAttribute("aria-label")).map((el) => el.id || el.name);
return { low, unlabeled };
"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_panel_has_readable_contrast_and_labels_at_laptop_width(memory_live, clock, scheme):
    client = LiveHttp(memory_live.url)
    clock.advance(1)  # after MX's static members, so that this one is listed first
    headers = open_session(client)
    guid = create_member(client, headers, password="challenge")["guid"]
    client.post(f"/members/{guid}/verify", headers=headers)
    poll_until_settled(client, headers, guid, clock)
    client.post("/__admin/faults", json={"path": "/nowhere", "status": 500})
    client.get("/nowhere", headers=headers)
    browser = new_driver(width=1024, height=768, color_scheme=scheme)
    try:
        for panel in ("requests", "members", "steer", "sessions"):
            open_panel(browser, memory_live.url, panel)
            wait(browser, lambda d, p=panel: d.find_element(By.ID, f"panel-{p}").text.strip())
            if panel == "requests":
                wait(browser, lambda d: "fault FLT-" in d.find_element(By.ID, "request-list").text)
                browser.find_element(By.CSS_SELECTOR, "#request-list summary").click()
            if panel == "members":
                wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, f'[data-guid="{guid}"] .timeline tbody tr'))
            audit = browser.execute_script(AUDIT)
            assert audit == {"low": [], "unlabeled": []}, (panel, audit)
            screenshot(browser, f"inspector-{panel}-1024-{scheme}")  # also checks nothing scrolls sideways
    finally:
        browser.quit()
