"""A new reader in a real browser, in order: register, add by ISBN, scan a barcode photo and the live
camera, edit dates, tags and rating, import a file, stats, export, dark mode, phone widths. axe-core
checks every page against WCAG 2.2 A/AA (no violation allowed); screenshots go to build/screenshots/."""

from __future__ import annotations

import json

import pytest

from tests.browser.conftest import PROJECT, wait_for
from tests.browser.support import (
    axe_violations,
    overflow,
    screenshot,
    set_size,
    set_theme,
)
from tests.conftest import KNOWN_ISBN

pytestmark = [pytest.mark.browser, pytest.mark.slow]

KNOWN_TITLE = "Everything is Beautiful and Everything Hurts"
PHOTO, PHOTO_ISBN = PROJECT / "tests" / "fixtures" / "barcodes" / "ean13-1_25.png", "9780140013993"
CAMERA_ISBN = "9780393058673"  # tests/fixtures/barcodes/ean13-1_31.png, played as the camera
LONG_WORD = "Pneumonoultramicroscopicsilicovolcanoconiosis" * 3
IMPORT_CSV = "title,author,status,rating,tags\nThe Dispossessed,Ursula K. Le Guin,read,5,sf\nKindred,Octavia E. Butler,to-read,,\n"

# Pages met on the way, checked again at the end at every size and theme.
visited: dict[str, str] = {}


def by_id(driver, element_id):
    from selenium.webdriver.common.by import By

    return driver.find_element(By.ID, element_id)


def css(driver, selector):
    from selenium.webdriver.common.by import By

    return driver.find_elements(By.CSS_SELECTOR, selector)


def check_page(driver, name: str) -> None:
    """No accessibility violation and no sideways scrolling on the page shown."""
    visited.setdefault(name, driver.current_url)
    violations = axe_violations(driver)
    assert not violations, f"{name}: " + "\n".join(violations)
    assert overflow(driver) is None, f"{name}: {overflow(driver)}"


def submit(driver, form_selector="main form"):
    css(driver, form_selector + " button[type=submit]")[0].click()


@pytest.fixture(scope="module", autouse=True)
def desktop_light(driver):
    set_size(driver, 1280)
    set_theme(driver, "light")


def test_the_pages_before_logging_in(driver, app_url):
    for width in (1280, 390, 360):
        set_size(driver, width)
        for name, path in (("home", "/"), ("login", "/login"), ("register", "/register")):
            driver.get(app_url + path)
            check_page(driver, name)
    set_size(driver, 1280)
    driver.get(app_url + "/login")
    assert by_id(driver, "remember").is_displayed()  # "Remember me on this device"


def test_register(driver, app_url):
    driver.get(app_url + "/register")
    for name, value in {"username": "reader", "email": "reader@example.org", "password": "correct horse",
                        "confirm_password": "correct horse"}.items():
        by_id(driver, name).send_keys(value)
    submit(driver)
    wait_for(lambda: driver.current_url.endswith("/books/add"), message="the add page after registering")
    assert "Welcome, reader!" in driver.page_source
    check_page(driver, "add")


def test_add_by_isbn_and_its_details_arrive(driver, app_url):
    driver.get(app_url + "/books/add")
    by_id(driver, "isbn").send_keys(KNOWN_ISBN)
    by_id(driver, "add-submit").click()
    wait_for(lambda: "/books/add" not in driver.current_url, message="the book's page")
    wait_for(lambda: KNOWN_TITLE in driver.title, timeout=30, message="the details (the page reloads itself)")
    visited["detail"] = driver.current_url
    check_page(driver, "detail")


def test_scan_a_barcode_photo_through_the_page(driver, app_url):
    driver.get(app_url + "/books/add")
    button = by_id(driver, "scan-photo-button")
    assert button.is_displayed()
    # Tab never lands on the hidden file input: the button is the one control.
    assert by_id(driver, "scan-photo").get_attribute("hidden") is not None
    by_id(driver, "scan-photo").send_keys(str(PHOTO))  # what choosing the photo does
    wait_for(lambda: by_id(driver, "isbn").get_attribute("value") == PHOTO_ISBN, message="the ISBN read from the photo")
    assert f"Found ISBN {PHOTO_ISBN}" in by_id(driver, "scan-status").text
    by_id(driver, "add-submit").click()
    wait_for(lambda: "/books/add" not in driver.current_url, message="the scanned book's page")


def test_scan_with_the_live_camera_where_there_is_no_barcode_detector(driver, app_url):
    driver.get(app_url + "/books/add")
    # Linux chromium has no BarcodeDetector: the vendored zxing-wasm reads the camera.
    assert driver.execute_script("return 'BarcodeDetector' in window") is False
    live = wait_for(lambda: by_id(driver, "scan-live").is_displayed() and by_id(driver, "scan-live"),
                    message="the camera button")
    live.click()
    wait_for(lambda: by_id(driver, "isbn").get_attribute("value") == CAMERA_ISBN, timeout=30,
             message="the ISBN read from the camera: " + by_id(driver, "scan-status").text)
    assert not by_id(driver, "scan-video").is_displayed()  # the camera stops once it has read one
    logs = [entry for entry in driver.get_log("browser") if "Content Security Policy" in entry["message"]]
    assert not logs, logs


def test_the_camera_button_stays_hidden_where_scanning_cannot_work(driver, app_url):
    # A browser with neither BarcodeDetector nor WebAssembly (as an old phone browser would be).
    script = driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument",
                                    {"source": "delete window.WebAssembly; delete window.BarcodeDetector;"})
    try:
        driver.get(app_url + "/books/add")
        assert by_id(driver, "scan-photo-button").is_displayed()  # the photo is read by the server
        live = by_id(driver, "scan-live")
        assert live.get_attribute("hidden") is not None
        assert not live.is_displayed()  # [hidden] wins over `button { display: inline-flex }`
    finally:
        driver.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": script["identifier"]})


def test_edit_dates_tags_and_rating(driver, app_url):
    from selenium.webdriver.support.ui import Select

    driver.get(visited["detail"])
    css(driver, "a.button[href$='/edit']")[0].click()
    check_page(driver, "edit")
    Select(by_id(driver, "status")).select_by_value("read")
    Select(by_id(driver, "rating")).select_by_value("4.5")
    driver.execute_script("document.getElementById('reads-0-started_on').value = '2024-01-05';"
                          "document.getElementById('reads-0-finished_on').value = '2024-02-11';")
    tags = by_id(driver, "tags")
    tags.clear()
    tags.send_keys("book club, favourites")
    submit(driver)
    wait_for(lambda: "/edit" not in driver.current_url, message="the book's page after saving")
    page = driver.page_source
    assert "Saved." in page and "4.5 of 5" in page and "book club" in page and "favourites" in page
    assert "5 Jan 2024" in page and "11 Feb 2024" in page


def test_a_book_with_a_very_long_title(driver, app_url):
    driver.get(app_url + "/books/add")
    driver.find_element("css selector", "details summary").click()
    by_id(driver, "title").send_keys(LONG_WORD)
    by_id(driver, "author").send_keys("Anonymous " + LONG_WORD)
    by_id(driver, "add-submit").click()
    wait_for(lambda: "/books/add" not in driver.current_url, message="the long book's page")
    visited["long-detail"] = driver.current_url


def test_import_a_file(driver, app_url, tmp_path):
    export = tmp_path / "my-books.csv"
    export.write_text(IMPORT_CSV, encoding="utf-8")
    driver.get(app_url + "/import")
    check_page(driver, "import")
    by_id(driver, "file").send_keys(str(export))
    submit(driver)
    wait_for(lambda: "Done:" in driver.page_source, timeout=30, message="the import report")
    assert "The Dispossessed" in driver.page_source and "Kindred" in driver.page_source
    check_page(driver, "import-report")


def test_library_as_list_and_covers(driver, app_url):
    driver.get(app_url + "/books")
    assert "Kindred" in driver.page_source and KNOWN_TITLE in driver.page_source
    visited["library"] = app_url + "/books?view=list"
    check_page(driver, "library")
    css(driver, "nav.views a[href*='view=grid']")[0].click()
    wait_for(lambda: css(driver, "ul.books.grid"), message="the cover grid")
    check_page(driver, "library-grid")
    driver.get(app_url + "/books")
    assert css(driver, "ul.books.grid"), "the grid view is remembered"
    css(driver, "nav.views a[href*='view=list']")[0].click()
    wait_for(lambda: css(driver, "ul.books.list"), message="the list again")


def test_stats(driver, app_url):
    driver.get(app_url + "/stats")
    assert "Not found" not in driver.title
    check_page(driver, "stats")


def test_export(driver, app_url, downloads):
    driver.get(app_url + "/account")
    check_page(driver, "account")
    css(driver, "a[href$='export.json']")[0].click()
    exported = wait_for(lambda: [p for p in downloads.glob("*.json")], message="the exported file")
    data = json.loads(exported[0].read_text(encoding="utf-8"))
    titles = json.dumps(data)
    assert KNOWN_TITLE in titles and "The Dispossessed" in titles


def test_dark_mode_follows_the_system_and_the_toggle_is_remembered(driver, app_url):
    background = "return getComputedStyle(document.body).backgroundColor"
    driver.get(app_url + "/books")
    light = driver.execute_script(background)
    set_theme(driver, "dark")
    driver.get(app_url + "/books")
    dark = driver.execute_script(background)
    assert dark != light
    toggle = by_id(driver, "theme-toggle")
    assert toggle.get_attribute("aria-pressed") == "true"
    toggle.click()  # the reader prefers light, whatever the system says
    assert driver.execute_script(background) == light
    driver.get(app_url + "/books/add")
    assert driver.execute_script(background) == light, "the choice is remembered"
    assert by_id(driver, "theme-toggle").get_attribute("aria-pressed") == "false"
    set_theme(driver, "light")


def test_keyboard_skip_link_and_visible_focus(driver, app_url):
    from selenium.webdriver.common.keys import Keys

    driver.get(app_url + "/books")
    driver.find_element("tag name", "body").send_keys(Keys.TAB)
    focused = driver.switch_to.active_element
    assert focused.get_attribute("class") == "skip-link" and focused.is_displayed()
    assert driver.execute_script("return getComputedStyle(arguments[0]).outlineStyle", focused) == "solid"
    focused.send_keys(Keys.ENTER)
    assert driver.execute_script("return document.activeElement.id") == "main"
    # Every tab stop on the add page is visible: none is the hidden file input.
    driver.get(app_url + "/books/add")
    body = driver.find_element("tag name", "body")
    body.click()
    for _ in range(25):
        driver.switch_to.active_element.send_keys(Keys.TAB)
        element = driver.switch_to.active_element
        assert element.get_attribute("id") != "scan-photo"
        assert element.is_displayed(), element.get_attribute("outerHTML")[:120]


SIZES = (1280, 390, 360)
LOGGED_OUT = ("home", "login", "register")
SHOT_PAGES = ("library", "library-grid", "detail", "stats", "add")


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("width", SIZES)
def test_every_page_at_every_size_and_theme(driver, app_url, width, theme):
    set_size(driver, width)
    set_theme(driver, theme)
    try:
        problems = []
        for name, url in visited.items():
            if name in LOGGED_OUT:
                continue  # checked before registering; logged in, they lead to the library
            driver.get(url)
            if width == 390 or (width == 1280 and theme == "dark"):
                problems += [f"{name}: {v}" for v in axe_violations(driver)]
            if (wide := overflow(driver)) is not None:
                problems.append(f"{name}: {wide}")
            if width != 360 and name in SHOT_PAGES:
                screenshot(driver, f"{name}-{width}-{theme}")
        assert not problems, "\n".join(problems)
    finally:
        set_size(driver, 1280)
        set_theme(driver, "light")
