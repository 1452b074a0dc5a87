"""Driving the Connect widget in a real browser: the world (mocknexus on a socket, a partner page on another
origin, a headless chromium) and the steps an end user takes, with the messages the partner page receives.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qs, urlparse

import requests
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from mocknexus.app import create_app
from mocknexus.config import Config
from mocknexus.domain.core.clock import Clock
from tests.browser import new_driver
from tests.conftest import START
from tests.support import API_KEY, CLIENT, LiveServer
from tests.widget.host import HostServer

SSO_JSON = "application/vnd.moneydesktop.sso.v3+json"
NEXUS_JSON = "application/vnd.mx.nexus.v1+json"
WAIT = 15  # seconds an explicit wait may take before the test fails (never a fixed sleep)
_users = itertools.count(1)


class World:
    """mocknexus (jobs advance on polls alone, a frozen clock, a fast widget poll) and a partner page."""

    def __init__(self, **config: Any) -> None:
        settings = {"seed": 3, "job_time_scale": 0, "widget_poll_ms": 40, **config}
        self.app = create_app(Config(**settings), clock=Clock(frozen_at=START))
        self.server = LiveServer(self.app)
        self.host = HostServer()
        self.api = requests.Session()

    def __enter__(self) -> World:
        self.server.__enter__()
        self.host.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.host.__exit__(*exc)
        self.server.__exit__(*exc)

    @property
    def url(self) -> str:
        return self.server.url

    def new_user(self, user_id: str | None = None) -> dict:
        user_id = user_id or f"widget-user-{next(_users)}"
        r = self.api.post(f"{self.url}/{CLIENT}/users.json", json={"user": {"id": user_id}}, headers=API_KEY)
        assert r.status_code == 200, r.text
        return r.json()["user"]

    def widget_url(self, user_id: str, **options: Any) -> str:
        r = self.api.post(
            f"{self.url}/{CLIENT}/users/{user_id}/urls.json",
            json={"url": {"type": "connect_widget", "ui_message_version": 4, **options}},
            headers={**API_KEY, "Content-Type": SSO_JSON, "Accept": SSO_JSON},
        )
        assert r.status_code == 200, r.text
        return r.json()["url"]["url"]

    def nexus(self, user_id: str) -> dict:
        """Headers of a fresh Nexus session for the user: the partner reading what the widget made."""
        token = self.api.get(f"{self.url}/{CLIENT}/users/{user_id}/api_token.json", headers=API_KEY).json()
        r = self.api.post(
            f"{self.url}/sessions",
            json={"session": {"skip_aggregation": True}},
            headers={"MD-API-TOKEN": token["api_token"]["token"]},
        )
        return {"MD-SESSION-TOKEN": r.json()["session"]["token"], "Accept": NEXUS_JSON, "Content-Type": NEXUS_JSON}

    def get(self, path: str, headers: dict) -> requests.Response:
        return self.api.get(self.url + path, headers=headers)

    def admin(self, method: str, path: str, **kw: Any) -> requests.Response:
        return self.api.request(method, f"{self.url}/__admin{path}", **kw)

    def stored_member(self, guid: str) -> dict:
        """The member as stored (the admin state), read without counting as a client's poll."""
        members = self.admin("GET", f"/clients/{CLIENT}/state").json()["members"]
        return next(m for m in members if m["guid"] == guid)


class Widget:
    """One widget in the partner page's iframe: what the end user does, and what the partner page heard."""

    def __init__(self, world: World, driver: Any, url: str, width: int = 320, height: int = 550) -> None:
        self.world = world
        self.driver = driver
        self.webview = "/md/mobile_master/" in url
        if self.webview:
            driver.get_log("performance")  # drop the navigations of earlier tests
        driver.get(world.host.iframe_page(url, width=width, height=height, webview=self.webview))
        driver.switch_to.frame("widget")

    # ---- waiting ----------------------------------------------------------------------------------------

    def wait(self, condition: Any, message: str = "") -> Any:
        return WebDriverWait(self.driver, WAIT, poll_frequency=0.02).until(condition, message)

    def step(self, name: str) -> None:
        def on_step(d: Any) -> bool:
            return d.find_element(By.ID, "widget").get_attribute("data-step") == name

        self.wait(on_step, f"step {name}; events: {self.types()}")

    def shows(self, css: str, expected: str, exact: bool = False) -> str:
        """Wait until the element's text is `expected` (or, unless `exact`, contains it) and return the text.

        A page fills its elements after it loads (a heading says "Loading" first), so a test asserts on the
        text it waits for, never on whatever the element holds at the moment it is found."""
        seen: list[str] = []

        def showing(d: Any) -> str | bool:
            try:
                text = d.find_element(By.CSS_SELECTOR, css).text
            except StaleElementReferenceException:
                return False
            seen.append(text)
            return text if (text == expected if exact else expected in text) else False

        try:
            return self.wait(showing, css)
        except TimeoutException:
            raise AssertionError(f"{css} shows {seen[-1] if seen else None!r}, expected {expected!r}") from None

    def until_event(self, event_type: str, count: int = 1) -> list[dict]:
        self.wait(
            lambda d: sum(m["type"] == event_type for m in self.messages()) >= count, f"{event_type}: {self.types()}"
        )
        return self.messages()

    # ---- the end user's actions -----------------------------------------------------------------------------

    def find(self, css: str) -> Any:
        return self.wait(lambda d: d.find_element(By.CSS_SELECTOR, css), css)

    def type_into(self, css: str, text: str) -> None:
        """Type as the end user does, then wait until the field holds exactly the text: keys typed while the
        page was not yet taking them are typed again, and a field that never takes them fails saying what it
        held and where the focus was, instead of a later step timing out with no clue."""
        field = self.find(css)
        for _attempt in range(3):
            field.clear()
            field.send_keys(text)
            try:
                WebDriverWait(self.driver, 2, poll_frequency=0.02).until(lambda d: field.get_attribute("value") == text)
                return
            except TimeoutException:
                continue
        raise AssertionError(f"{css} holds {field.get_attribute('value')!r}, not {text!r}; {self._focus()}")

    def search(self, query: str) -> list[str]:
        self.step("search")
        self.type_into("#search-input", query)
        self.click("#search-form button[type=submit]")
        try:
            self.wait(lambda d: d.find_element(By.ID, "search-summary").text, "search results")
        except TimeoutException:
            raise AssertionError(f"no search results for {query!r}; {self._focus()}; events: {self.types()}") from None
        return [b.get_attribute("data-code") for b in self.driver.find_elements(By.CSS_SELECTOR, "button.institution")]

    def _focus(self) -> str:
        """Where the browser's focus is: what a lost key or click depends on."""
        return self.driver.execute_script(
            "var a = document.activeElement;"
            "return 'focus on ' + (a ? a.tagName + '#' + a.id : 'nothing') + ', document focused: ' + document.hasFocus()"
            " + ', form busy: ' + !!document.querySelector('#search-form[aria-busy=true]');"
        )

    def choose(self, code: str) -> None:
        self.find(f'button.institution[data-code="{code}"]').click()
        self.step("enterCreds")

    def log_in(self, username: str, password: str) -> None:
        self.step("enterCreds")
        for css, value in (("#credential-LOGIN", username), ("#credential-PASSWORD", password)):
            self.type_into(css, value)
        self.find("#credentials-form button[type=submit]").click()

    def answer(self, answer: str = "correct") -> None:
        """Answer every challenge shown: type into text fields, pick the option with this value."""
        self.step("mfa")
        for field in self.driver.find_elements(By.CSS_SELECTOR, "#mfa-form input[type=text]"):
            field.clear()
            field.send_keys(answer)
        for radio in self.driver.find_elements(By.CSS_SELECTOR, f'#mfa-form input[type=radio][value="{answer}"]'):
            radio.click()
        self.find("#mfa-form button[type=submit]").click()

    def click(self, css: str) -> None:
        self.find(css).click()

    def connect(self, query: str, code: str, username: str, password: str) -> None:
        self.search(query)
        self.choose(code)
        self.log_in(username, password)

    # ---- what the partner page heard --------------------------------------------------------------------------

    @contextmanager
    def _top(self) -> Iterator[None]:
        self.driver.switch_to.default_content()
        try:
            yield
        finally:
            self.driver.switch_to.frame("widget")

    def messages(self) -> list[dict]:
        if self.webview:
            return self._navigations()
        with self._top():
            return self.driver.execute_script("return window.__messages")

    def origins(self) -> list[str]:
        with self._top():
            return self.driver.execute_script("return window.__origins")

    def send(self, payload: dict) -> None:
        with self._top():
            self.driver.execute_script("window.sendToWidget(arguments[0])", payload)

    def types(self) -> list[str]:
        return [m["type"] for m in self.messages()]

    def _navigations(self) -> list[dict]:
        """The widget's `{scheme}://...` navigations, decoded as MX's SDKs decode them (buildPayloadFromUrl)."""
        if not hasattr(self, "_seen"):
            self._seen: list[str] = []
        for entry in self.driver.get_log("performance"):
            event = json.loads(entry["message"])["message"]
            if event["method"] == "Page.frameRequestedNavigation" and not event["params"]["url"].startswith("http"):
                self._seen.append(event["params"]["url"])
        return [decode_webview_url(url) for url in self._seen]

    def raw_navigations(self) -> list[str]:
        self._navigations()
        return list(self._seen)


def decode_webview_url(url: str) -> dict:
    parsed = urlparse(url)
    action = parsed.path[1:]
    event_type = f"mx/{parsed.netloc}/{action}" if action else f"mx/{parsed.netloc}"
    raw = parse_qs(parsed.query).get("metadata", ["{}"])[0]
    return {"scheme": parsed.scheme, "type": event_type, "metadata": json.loads(raw)}


def driver_for(width: int = 1024, height: int = 900, color_scheme: str = "light") -> Any:
    return new_driver(width, height, color_scheme)
