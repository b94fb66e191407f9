"""HTML pages: forms keep the original field names, post/redirect/get, flashes, refusals."""

import re

import pytest

from tests.conftest import KNOWN_ISBN, UNKNOWN_ISBN

REGISTRATION = {"username": "ann", "email": "ann@example.org", "password": "password1", "confirm_password": "password1"}


@pytest.fixture
def browser(client):
    """A logged-in browser session through the HTML forms."""
    response = client.post("/register", data=REGISTRATION)
    assert response.status_code == 302
    return client


def entry_id_from(response) -> str:
    return re.search(r"/books/([0-9a-f-]{36})", response.headers["Location"]).group(1)


def test_home_page_invites_to_register(client):
    page = client.get("/").get_data(as_text=True)
    assert 'href="/register"' in page and 'href="/login"' in page


def test_register_form_uses_the_original_field_names(client):
    page = client.get("/register").get_data(as_text=True)
    for name in ("username", "email", "password", "confirm_password"):
        assert f'name="{name}"' in page


def test_register_logs_in_and_redirects(client):
    response = client.post("/register", data=REGISTRATION, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.request.path == "/books/add"
    assert "Welcome, ann!" in page and 'class="who"' in page


@pytest.mark.parametrize(
    "changes, says",
    [
        ({"confirm_password": "different1"}, "The passwords differ."),
        ({"password": "short", "confirm_password": "short"}, "at least 8"),
        ({"username": "bad name"}, "Username must be"),
        ({"email": "nope"}, "valid email"),
    ],
)
def test_register_shows_errors_and_creates_nothing(client, changes, says):
    response = client.post("/register", data=REGISTRATION | changes)
    assert response.status_code == 400
    assert says in response.get_data(as_text=True)
    assert client.post("/login", data={"email": REGISTRATION["email"], "password": "password1"}).status_code == 401


def test_login_and_logout(client, browser):
    browser.post("/logout")
    response = client.post("/login", data={"email": "ANN@example.org", "password": "password1"})
    assert response.status_code == 302 and response.headers["Location"] == "/books"
    response = client.post("/logout", follow_redirects=True)
    assert "You are logged out." in response.get_data(as_text=True)
    assert client.get("/books").status_code == 302


def test_wrong_login_says_so(client, browser):
    browser.post("/logout")
    response = client.post("/login", data={"email": "ann@example.org", "password": "wrong-one"})
    assert response.status_code == 401
    assert "Wrong email or password." in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "target, expected",
    [("/books/add", "/books/add"), ("https://evil.example/", "/books"), ("//evil.example/x", "/books"), ("/\\evil.example", "/books")],
)
def test_login_follows_next_only_within_the_site(client, browser, target, expected):
    browser.post("/logout")
    response = client.post("/login", query_string={"next": target}, data={"email": "ann@example.org", "password": "password1"})
    assert response.headers["Location"] == expected


def test_pages_need_login(client):
    response = client.get("/books?status=read")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_add_by_isbn_then_view_edit_and_delete(browser):
    response = browser.post("/books/add", data={"isbn": KNOWN_ISBN, "status": "reading"})
    assert response.status_code == 302
    entry_id = entry_id_from(response)

    page = browser.get(f"/books/{entry_id}").get_data(as_text=True)
    assert "Everything is Beautiful and Everything Hurts" in page and "Josie Shapiro" in page
    assert '<img src="https://' in page

    response = browser.post(
        f"/books/{entry_id}/edit",
        data={"title": "My title", "author": "Josie Shapiro", "genre": "", "description": "", "status": "read", "rating": "5"},
    )
    assert response.status_code == 302
    page = browser.get(f"/books/{entry_id}").get_data(as_text=True)
    assert "My title" in page and "★★★★★" in page

    confirm = browser.get(f"/books/{entry_id}/delete").get_data(as_text=True)
    assert "cannot be undone" in confirm
    response = browser.post(f"/books/{entry_id}/delete", follow_redirects=True)
    assert "Removed “My title”" in response.get_data(as_text=True)
    assert browser.get(f"/books/{entry_id}").status_code == 404


def test_add_form_has_the_scanner(browser):
    page = browser.get("/books/add").get_data(as_text=True)
    assert 'capture="environment"' in page and 'accept="image/*"' in page and "scan.js" in page


def test_add_by_hand_and_duplicate_isbn_errors(browser):
    assert browser.post("/books/add", data={"title": "Zine", "author": "Me", "status": "to-read"}).status_code == 302
    assert browser.post("/books/add", data={"isbn": KNOWN_ISBN, "status": "to-read"}).status_code == 302
    response = browser.post("/books/add", data={"isbn": KNOWN_ISBN, "status": "to-read"})
    assert response.status_code == 400 and "already in your library" in response.get_data(as_text=True)
    response = browser.post("/books/add", data={"isbn": "", "status": "to-read"})
    assert response.status_code == 400 and "Enter an ISBN" in response.get_data(as_text=True)


def test_failed_metadata_shows_why_and_offers_try_again(browser):
    entry_id = entry_id_from(browser.post("/books/add", data={"isbn": UNKNOWN_ISBN, "status": "to-read"}))
    page = browser.get(f"/books/{entry_id}").get_data(as_text=True)
    assert "Could not fetch this book" in page and "Try again" in page
    response = browser.post(f"/books/{entry_id}/refresh", follow_redirects=True)
    assert "Fetching the book" in response.get_data(as_text=True)


def test_library_lists_filters_and_escapes(browser):
    browser.post("/books/add", data={"title": "<script>alert(1)</script>", "status": "read"})
    browser.post("/books/add", data={"title": "Quiet", "status": "to-read"})
    page = browser.get("/books").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
    read_only = browser.get("/books?status=read").get_data(as_text=True)
    assert "Quiet" not in read_only
    assert "Quiet" in browser.get("/books?q=qui").get_data(as_text=True)


def test_library_paginates(browser):
    for i in range(5):
        browser.post("/books/add", data={"title": f"Book {i}", "status": "to-read"})
    browser.get("/books")  # shows (and so clears) the "Added" flashes
    page = browser.get("/books?limit=2").get_data(as_text=True)
    next_link = re.search(r'rel="next" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert "Book 4" in page and "Book 2" not in page
    second = browser.get(next_link).get_data(as_text=True)
    assert "Book 2" in second and "Book 4" not in second


def test_bad_listing_parameters_flash_and_redirect(browser):
    response = browser.get("/books?cursor=forged", follow_redirects=True)
    assert "cursor is not valid" in response.get_data(as_text=True)


def test_another_users_book_page_is_404(app, browser):
    entry_id = entry_id_from(browser.post("/books/add", data={"title": "Private", "status": "to-read"}))
    other = app.test_client()
    other.post("/register", data=REGISTRATION | {"username": "bob", "email": "bob@example.org"})
    for path in (f"/books/{entry_id}", f"/books/{entry_id}/edit", f"/books/{entry_id}/delete"):
        assert other.get(path).status_code == 404
    assert other.post(f"/books/{entry_id}/delete").status_code == 404


def test_forms_are_refused_without_a_csrf_token(app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/register", data=REGISTRATION)
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)
    page = client.get("/register").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post("/register", data=REGISTRATION | {"csrf_token": token}).status_code == 302


def test_a_pending_book_page_reloads_itself_until_its_details_arrive(app, browser):

    from booklib.domain.model import SyncStatus

    entry_id = entry_id_from(browser.post("/books/add", data={"isbn": KNOWN_ISBN, "status": "to-read"}))
    assert 'http-equiv="refresh"' not in browser.get(f"/books/{entry_id}").get_data(as_text=True)
    repository = app.extensions["booklib.container"].storage().user_books
    repository.update(entry_id, repository.get(entry_id).version, {"sync_status": SyncStatus.PENDING})
    page = browser.get(f"/books/{entry_id}").get_data(as_text=True)
    assert 'http-equiv="refresh"' in page and "Fetching this book" in page
