"""The browser harness: Debian's headless chromium through Selenium, and whole-page screenshots.

`.ci/run` installs chromium and chromedriver. Where they are missing a browser test skips, saying why, except
under CI (`CI` set), where a missing browser is a failure: a green CI run must mean the pages were tested.

Screenshots go to `MOCKNEXUS_SCREENSHOTS` when it is set (docs/'s come from
`MOCKNEXUS_SCREENSHOTS=docs/screenshots pytest`), and otherwise to a scratch folder, so that a test run does
not rewrite tracked files.
"""

from __future__ import annotations

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
    """A headless Chrome whose viewport is `width` x `height` CSS pixels, with `prefers-color-scheme` set."""
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
        f"--window-size={width},{height}",
    ):
        options.add_argument(argument)
    # The performance log carries the navigations a WebView test watches for (mx://...).
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(driver_path))
    driver.mocknexus_viewport = (width, height)
    _set_viewport(driver, width, height)
    driver.execute_cdp_cmd(
        "Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": color_scheme}]}
    )
    return driver


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
