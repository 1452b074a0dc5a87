"""The browser harness: Debian's headless chromium through Selenium, and whole-page screenshots.

`.ci/run` installs chromium and chromedriver. Where they are missing a browser test skips, saying why, except
under CI (`CI` set), where a missing browser is a failure: a green CI run must mean the pages were tested.

Screenshots go to `MOCKNEXUS_SCREENSHOTS` when it is set (docs/'s come from
`MOCKNEXUS_SCREENSHOTS=docs/screenshots pytest`), and otherwise to a scratch folder, so that a test run does
not rewrite tracked files.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest

SCREENSHOTS = Path(os.environ.get("MOCKNEXUS_SCREENSHOTS") or Path(tempfile.gettempdir()) / "mocknexus-screenshots")


def _binary(*names: str) -> str | None:
    return next((path for name in names if (path := shutil.which(name))), None)


def _missing(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason}: CI must run the browser tests")
    pytest.skip(reason)


def new_driver(width: int = 1280, height: int = 900, color_scheme: str = "light") -> Any:
    """A headless Chrome whose viewport is `width` x `height` CSS pixels, with `prefers-color-scheme` set.

    Its `quit()` hands it back to this test process's pool, blank, for the next test to reconfigure: starting
    a browser costs about a second, and the browser tests start dozens (one per screenshot variant)."""
    driver = _IDLE.pop() if _IDLE else _launch()
    driver.mocknexus_viewport = (width, height)
    driver.set_window_size(width, height)
    _set_viewport(driver, width, height)
    driver.execute_cdp_cmd(
        "Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": color_scheme}]}
    )
    return driver


_IDLE: list[Any] = []


def _launch() -> Any:
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        _missing("selenium is needed for browser tests (pip install -e '.[test]')")
    browser = _binary("chromium", "chromium-browser", "google-chrome")
    driver_path = _binary("chromedriver")
    if browser is None or driver_path is None:
        _missing("chromium and chromedriver are needed for browser tests (apt-get install chromium chromium-driver)")
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for argument in (
        "--headless=new",
        "--no-sandbox",  # CI runs as root
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
    ):
        options.add_argument(argument)
    # The performance log carries the navigations a WebView test watches for (mx://...).
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(driver_path))
    really_quit = driver.quit
    atexit.register(really_quit)
    driver.quit = lambda: _release(driver, really_quit)
    return driver


def _release(driver: Any, really_quit: Any) -> None:
    """Back to the pool with one blank window, no cookies and no unread log; a browser that cannot be
    brought back to that is quit instead."""
    try:
        first, *others = driver.window_handles
        for handle in others:  # OAuth popups and the like
            driver.switch_to.window(handle)
            driver.close()
        driver.switch_to.window(first)
        driver.get("about:blank")
        driver.delete_all_cookies()
        for log in ("browser", "performance"):
            driver.get_log(log)
    except Exception:
        really_quit()
        return
    if len(_IDLE) < 2:
        _IDLE.append(driver)
    else:
        really_quit()


def _set_viewport(driver: Any, width: int, height: int) -> None:
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
    )


def screenshot(driver: Any, name: str) -> Path:
    """The whole page (not just the viewport) as <name>.png; fails if the page scrolls sideways."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    width, height = driver.mocknexus_viewport
    page_width = driver.execute_script("return document.documentElement.scrollWidth")
    page_height = driver.execute_script("return document.documentElement.scrollHeight")
    _set_viewport(driver, width, max(height, min(page_height, 4000)))
    try:
        driver.save_screenshot(str(path))
    finally:
        _set_viewport(driver, width, height)
    assert page_width <= width, f"{name}: the page scrolls sideways ({page_width} px wide at {width} px)"
    return path
