"""The browser harness: real headless Chromium through Selenium, and screenshots under docs/screenshots/.

Needs the system's `chromium` and `chromedriver` (Debian packages chromium, chromium-driver; .ci/run installs
them). Tests that use it skip, saying why, when they are missing.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def _binary(*names: str) -> str | None:
    return next((path for name in names if (path := shutil.which(name))), None)


def new_driver(width: int = 1280, height: int = 900, color_scheme: str = "light") -> webdriver.Chrome:
    chrome, driver = _binary("chromium", "chromium-browser", "google-chrome"), _binary("chromedriver")
    if chrome is None or driver is None:
        pytest.skip("needs chromium and chromedriver (apt-get install chromium chromium-driver)")
    options = webdriver.ChromeOptions()
    options.binary_location = chrome
    for arg in (
        "--headless=new",
        "--no-sandbox",  # CI runs as root
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
        f"--window-size={width},{height}",
        f"--blink-settings=preferredColorScheme={0 if color_scheme == 'dark' else 1}",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    browser = webdriver.Chrome(service=Service(driver), options=options)
    browser.execute_cdp_cmd(
        "Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": color_scheme}]}
    )
    return browser


def screenshot(driver: webdriver.Chrome, name: str) -> Path:
    """The whole page (not just the window) as docs/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    width = driver.execute_script("return document.documentElement.scrollWidth")
    height = driver.execute_script("return document.documentElement.scrollHeight")
    size = driver.get_window_size()
    driver.set_window_size(size["width"], max(size["height"], min(height + 140, 4000)))
    try:
        driver.save_screenshot(str(path))
    finally:
        driver.set_window_size(size["width"], size["height"])
    assert width <= size["width"], f"{name}: the page scrolls sideways ({width} px wide)"
    return path
