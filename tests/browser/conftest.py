"""A real browser: Selenium driving Debian's chromium through chromium-driver, against the app
started as the README starts it (flask run, SQLite, background threads) on a free port.

Needs `apt-get install chromium chromium-driver`; without them every test here is skipped, saying so.
axe-core (tests/browser/vendor/axe.min.js, see its VERSION) checks each page against WCAG 2.2 A/AA.
Screenshots go to build/screenshots/ (BOOKLIB_SCREENSHOTS overrides)."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from tests.support.app_process import PROJECT, AppProcess

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
SCREENSHOTS = Path(os.environ.get("BOOKLIB_SCREENSHOTS") or PROJECT / "build" / "screenshots")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def _missing() -> str | None:
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[dev]')"
    for path, package in ((CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")):
        if not os.access(path, os.X_OK):
            return f"{path} not found: apt-get install chromium chromium-driver"
    return None


def pytest_collection_modifyitems(config, items):
    reason = _missing()
    for item in items:
        if item.path.is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.slow)
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="module")
def app_url(tmp_path_factory, metadata_stub):
    folder = tmp_path_factory.mktemp("browser-app")
    env = {
        "BOOKLIB_INSTANCE_PATH": str(folder / "instance"),
        "GOOGLE_BOOKS_API_URL": metadata_stub.google_url,
        "OPEN_LIBRARY_URL": metadata_stub.open_library_url,
        "GOOGLE_BOOKS_MIN_INTERVAL": "0",
        "METADATA_TIMEOUT": "2",
    }
    app = AppProcess(env, folder / "app.log").start(timeout=60)
    yield app.url
    app.stop()


@pytest.fixture(scope="module")
def fake_camera(tmp_path_factory) -> Path:
    """A barcode photo as the browser's camera (a Y4M video file chromium plays as a webcam)."""
    from tests.browser.support import y4m_from_image

    path = tmp_path_factory.mktemp("camera") / "barcode.y4m"
    y4m_from_image(PROJECT / "tests" / "fixtures" / "barcodes" / "ean13-1_31.png", path)
    return path


@pytest.fixture(scope="module")
def downloads(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def driver(tmp_path_factory, fake_camera, downloads):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--window-size=1280,900",
                 # The camera: granted without asking, and fed from the barcode video.
                 "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                 f"--use-file-for-fake-video-capture={fake_camera}",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False})
    browser = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    browser.set_page_load_timeout(30)
    browser.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    yield browser
    browser.quit()


def wait_for(predicate, timeout: float = 20, message: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout}s waiting for {message}")
