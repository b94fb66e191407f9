"""The pages' finish: titles that name the page, remember me, list or covers, paging back and forth,
the web app manifest, the add page's scanning controls and its QR code under `make run-lan`."""

import re

import pytest

REGISTRATION = {"username": "ann", "email": "ann@example.org", "password": "password1", "confirm_password": "password1"}


@pytest.fixture
def browser(client):
    assert client.post("/register", data=REGISTRATION).status_code == 302
    return client


def title_of(page: str) -> str:
    return re.search(r"<title>(.*?)</title>", page, re.S).group(1).strip()


def test_every_page_title_names_the_page(client, browser):
    assert title_of(client.get("/books").get_data(as_text=True)) == "Your library · booklib"
    assert title_of(client.get("/books/add").get_data(as_text=True)) == "Add a book · booklib"
    browser.post("/logout")
    assert title_of(client.get("/").get_data(as_text=True)) == "Your books, your machine · booklib"
    assert title_of(client.get("/login").get_data(as_text=True)) == "Log in · booklib"


def test_pages_have_a_skip_link_a_manifest_and_no_inline_script(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'href="#main"' in page and 'id="main"' in page
    assert 'rel="manifest"' in page
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), "inline scripts break the CSP"


def test_the_manifest_and_its_icons_are_served(client):
    response = client.get("/static/manifest.webmanifest")
    assert response.status_code == 200 and response.mimetype == "application/manifest+json"
    for icon in response.get_json()["icons"]:
        image = client.get("/static/" + icon["src"])
        assert image.status_code == 200 and image.mimetype == "image/png"


def test_remember_me_sets_a_lasting_cookie_only_when_asked(client, browser):
    browser.post("/logout")
    client.post("/login", data={"email": "ann@example.org", "password": "password1"})
    assert client.get_cookie("remember_token") is None
    client.post("/logout")
    client.post("/login", data={"email": "ann@example.org", "password": "password1", "remember": "y"})
    remembered = client.get_cookie("remember_token")
    assert remembered is not None and remembered.expires is not None
    # The browser closes: the session cookie goes, the remember cookie brings the login back.
    client.delete_cookie("session")
    assert client.get("/books").status_code == 200
    client.post("/logout")
    assert client.get_cookie("remember_token") is None
    assert client.get("/books").status_code == 302


def test_the_library_as_covers_is_remembered(client, browser):
    client.post("/books/add", data={"title": "A book without an ISBN", "status": "to-read"})
    assert 'class="books list"' in client.get("/books").get_data(as_text=True)
    assert 'class="books grid"' in client.get("/books?view=grid").get_data(as_text=True)
    assert 'class="books grid"' in client.get("/books").get_data(as_text=True)
    assert 'class="books list"' in client.get("/books?view=list").get_data(as_text=True)


def test_paging_goes_forward_and_back_with_the_page_number(client, browser):
    for n in range(5):
        client.post("/books/add", data={"title": f"Book {n}", "status": "to-read"})
    first = client.get("/books?limit=2&sort=title").get_data(as_text=True)
    assert "Page 1 of 3" in first and 'rel="prev"' not in first
    titles = []
    page = first
    for number in (2, 3):
        titles.append(re.findall(r'class="title">([^<]+)<', page))
        next_url = re.search(r'rel="next" href="([^"]+)"', page).group(1).replace("&amp;", "&")
        page = client.get(next_url).get_data(as_text=True)
        assert f"Page {number} of 3" in page
    assert 'rel="next"' not in page  # five books, two a page: three pages
    back_url = re.search(r'rel="prev" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    page = client.get(back_url).get_data(as_text=True)
    assert "Page 2" in page and re.findall(r'class="title">([^<]+)<', page) == titles[1]
    back_url = re.search(r'rel="prev" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    page = client.get(back_url).get_data(as_text=True)
    assert "Page 1" in page and re.findall(r'class="title">([^<]+)<', page) == titles[0]


def test_the_page_count_follows_the_status_and_is_left_out_for_a_search(client, browser):
    for n in range(5):
        client.post("/books/add", data={"title": f"Book {n}", "status": "reading" if n < 3 else "to-read"})
    assert "Page 1 of 2" in client.get("/books?limit=2&status=reading").get_data(as_text=True)
    assert "Page 1 of 1" not in client.get("/books?limit=2&status=to-read").get_data(as_text=True)  # one page: no pager
    searched = client.get("/books?limit=2&q=book").get_data(as_text=True)
    assert "Page 1" in searched and "Page 1 of" not in searched


def test_statuses_have_one_spelling(client, browser):
    page = client.get("/books").get_data(as_text=True)
    assert "To read" in page and "To Read" not in page and "Did not finish" in page


def test_the_scan_buttons_start_hidden_and_the_file_input_is_no_tab_stop(client, browser):
    page = client.get("/books/add").get_data(as_text=True)
    assert re.search(r'<button[^>]*id="scan-live"[^>]*hidden', page)
    assert re.search(r'<input type="file" id="scan-photo"[^>]*hidden', page)
    assert "data-decoder=" in page and "QR code" not in page


def test_under_run_lan_the_add_page_shows_a_qr_code_of_its_address(app, client, browser):
    app.config["BOOKLIB_LAN_URL"] = "https://192.168.1.20:5443"
    page = client.get("/books/add").get_data(as_text=True)
    assert "https://192.168.1.20:5443/books/add" in page
    assert re.search(r'<div class="qr" role="img" aria-label="QR code of https://192\.168\.1\.20:5443/books/add"><svg', page)
