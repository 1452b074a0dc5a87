"""The Connect widget is usable by keyboard alone, labels every control, shows where focus is, fits 320 px
(MX's default iframe width) and a desktop, and reads well in light and dark. Each step is photographed into
docs/screenshots/ for docs/widget.md.
"""

from __future__ import annotations

import re

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from tests.browser import screenshot
from tests.widget.driver import Widget, driver_for

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("widget_a11y")]


def keys(driver, *sequence: str) -> None:
    ActionChains(driver).send_keys(*sequence).perform()


def active(driver) -> dict:
    return driver.execute_script(
        """var e = document.activeElement, s = getComputedStyle(e);
        return {tag: e.tagName, id: e.id, code: e.dataset.code || null, value: e.value || null,
                checked: !!e.checked, outline: s.outlineStyle, width: parseFloat(s.outlineWidth)};"""
    )


def tab_to(driver, matches, limit: int = 12) -> dict:
    """Press Tab until the focused element matches; every element reached shows a visible focus ring."""
    for _ in range(limit):
        keys(driver, Keys.TAB)
        focused = active(driver)
        assert focused["outline"] != "none" and focused["width"] >= 2, focused
        if matches(focused):
            return focused
    raise AssertionError("never reached the element by Tab")


def test_keyboard_only_connection_with_an_options_challenge(world):
    driver = driver_for(320, 640)
    try:
        user = world.new_user()
        widget = Widget(world, driver, world.widget_url(user["id"], mode="verification"), height=640)
        widget.step("search")
        tab_to(driver, lambda f: f["id"] == "search-input")
        keys(driver, "MX Bank", Keys.ENTER)
        widget.wait(lambda d: d.find_elements("css selector", "button.institution"))
        tab_to(driver, lambda f: f["code"] == "mxbank")
        keys(driver, Keys.ENTER)
        widget.step("enterCreds")
        tab_to(driver, lambda f: f["id"] == "credential-LOGIN")
        keys(driver, "mxuser", Keys.TAB)
        screenshot(driver, "widget-keyboard-focus-320-light")  # the focus ring on the password field
        keys(driver, "options", Keys.ENTER)
        widget.step("mfa")
        radio = tab_to(driver, lambda f: f["tag"] == "INPUT")
        for _ in range(4):  # arrow keys move through the radio group, Space picks, as in any radio group
            if active(driver)["value"] == "correct":
                keys(driver, Keys.SPACE)
                break
            keys(driver, Keys.ARROW_DOWN)
        radio = active(driver)
        assert radio["value"] == "correct" and radio["checked"], radio
        keys(driver, Keys.ENTER)  # Enter in a form field submits the form
        widget.step("connected")
        tab_to(driver, lambda f: f["id"] == "done")
        keys(driver, Keys.ENTER)
        widget.until_event("mx/connect/connected/primaryAction")
        members = world.get("/members", world.nexus(user["id"])).json()["members"]
        assert [m["connection_status"] for m in members] == ["CONNECTED"]
    finally:
        driver.quit()


UNLABELLED = """
var problems = [];
document.querySelectorAll("input, select, textarea").forEach(function (e) {
  if (!e.labels || !e.labels.length || !e.labels[0].textContent.trim()) problems.push(e.outerHTML);
});
document.querySelectorAll("button, a").forEach(function (e) {
  if (!e.textContent.trim() && !e.getAttribute("aria-label")) problems.push(e.outerHTML);
});
document.querySelectorAll("img").forEach(function (e) { if (!e.hasAttribute("alt")) problems.push(e.outerHTML); });
document.querySelectorAll("fieldset").forEach(function (e) { if (!e.querySelector("legend")) problems.push(e.outerHTML); });
if (!document.querySelector("h1")) problems.push("no heading");
return problems;
"""

COLOURS = """
function pick(selector, property) {
  var e = document.querySelector(selector);
  return e ? getComputedStyle(e)[property] : null;
}
return {
  page: pick("body", "backgroundColor"), text: pick("body", "color"),
  hint: pick(".hint, .brand", "color"), link: pick("button.link, button.secondary", "color"),
  button: pick("button.primary", "backgroundColor"), buttonText: pick("button.primary", "color"),
  alert: pick(".alert:not([hidden]), #error-message", "color"),
};
"""


STILL = """
var style = document.createElement("style");
style.textContent = "* { caret-color: transparent !important; transition: none !important; }";
document.head.appendChild(style);
if (document.activeElement) document.activeElement.blur();  // the focus ring has its own screenshot
"""


def _luminance(css: str) -> float:
    r, g, b = (int(v) / 255 for v in re.findall(r"\d+", css)[:3])

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def check_step(widget: Widget, name: str, width: int, scheme: str) -> None:
    """Labels, no sideways scrolling, WCAG AA text contrast; then the screenshot."""
    driver = widget.driver
    assert driver.execute_script(UNLABELLED) == [], name
    overflow = driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {width}px"
    colours = driver.execute_script(COLOURS)
    assert (_luminance(colours["page"]) < 0.1) is (scheme == "dark"), colours
    for fg, bg in (("text", "page"), ("hint", "page"), ("link", "page"), ("buttonText", "button"), ("alert", "page")):
        if colours[fg] and colours[bg]:
            assert contrast(colours[fg], colours[bg]) >= 4.5, (name, fg, colours)
    # The same picture every run: the caret hidden, no transition half-way, the mouse out of the way.
    driver.execute_script(STILL)
    driver.execute_async_script("requestAnimationFrame(() => requestAnimationFrame(arguments[0]))")  # painted
    driver.execute_cdp_cmd("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": width - 1, "y": 0})
    screenshot(driver, f"widget-{name}-{width}-{scheme}")


@pytest.mark.parametrize(("width", "height"), [(320, 640), (1280, 800)])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_step_at_320_and_desktop_in_light_and_dark(world, width, height, scheme):
    """Slow-ish (four browsers, six steps each): it also produces docs/widget.md's screenshots."""
    driver = driver_for(width, height, scheme)
    # Reduced motion: the spinner stands still (as such users ask), so every run photographs the same page.
    features = [
        {"name": "prefers-color-scheme", "value": scheme},
        {"name": "prefers-reduced-motion", "value": "reduce"},
    ]
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": features})
    try:
        user = world.new_user(f"screenshots-{width}-{scheme}")  # a fixed id: the same accounts in every run
        url = world.widget_url(user["id"], mode="verification", color_scheme=scheme)
        widget = Widget(world, driver, url, width=width, height=height)
        widget.search("MX Bank")
        check_step(widget, "1-search", width, scheme)
        widget.choose("mxbank")
        check_step(widget, "2-credentials", width, scheme)
        # A slow first poll holds the connecting view still for its photograph (an injected latency).
        world.admin("POST", "/faults", json={"method": "GET", "path": "/members/*", "latency_ms": 1500, "count": 1})
        widget.log_in("mxuser", "image")
        widget.wait(lambda d: d.find_element("id", "connecting-status").text == "Connecting to MX Bank ...")
        check_step(widget, "3-connecting", width, scheme)
        widget.step("mfa")
        check_step(widget, "4-mfa", width, scheme)
        widget.answer("correct")
        widget.step("connected")
        check_step(widget, "5-connected", width, scheme)

        user = world.new_user(f"screenshots-error-{width}-{scheme}")
        widget = Widget(world, driver, world.widget_url(user["id"], color_scheme=scheme, current_institution_code="mxbank"),
                        width=width, height=height)  # fmt: skip
        widget.log_in("mxuser", "UNAUTHORIZED")
        widget.step("loginError")
        check_step(widget, "6-error", width, scheme)
    finally:
        driver.quit()
