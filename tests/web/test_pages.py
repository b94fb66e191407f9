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
    assert f'<img src="/covers/' in page and '<img src="https://' not in page  # kept at home

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
    assert "No book with ISBN" in page and "was found in Google Books or Open Library" in page and "Try again" in page
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


# The reading details on the pages: tags, half stars, read-throughs, review, notes, page count.

from datetime import date
from html.parser import HTMLParser


class _FormFields(HTMLParser):
    """What a browser would send for the first POST form of a page, as it stands."""

    def __init__(self):
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self._in_form = self._done = False
        self._select = self._textarea = None
        self._selected = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and not self._done and a.get("method") == "post" and "action" not in a:
            self._in_form = True
        if not self._in_form:
            return
        if tag == "input" and a.get("name") and a.get("type") not in ("submit", "button"):
            if a.get("type") == "checkbox":
                if "checked" in a:
                    self.fields.append((a["name"], a.get("value", "y")))
            else:
                self.fields.append((a["name"], a.get("value") or ""))
        elif tag == "select":
            self._select, self._selected = a["name"], None
        elif tag == "option" and self._select and ("selected" in a or self._selected is None):
            self._selected = (a.get("value", ""), "selected" in a)
        elif tag == "textarea":
            self._textarea, self._text = a["name"], ""

    def handle_data(self, data):
        if self._textarea:
            self._text += data

    def handle_endtag(self, tag):
        if not self._in_form:
            return
        if tag == "select":
            self.fields.append((self._select, self._selected[0] if self._selected else ""))
            self._select = None
        elif tag == "textarea":
            self.fields.append((self._textarea, self._text.removeprefix("\n")))
            self._textarea = None
        elif tag == "form":
            self._in_form, self._done = False, True


def edit_form(browser, entry_id: str, **changes) -> dict:
    """The edit form as the page shows it, with `changes` made as a reader would (field names)."""
    parser = _FormFields()
    parser.feed(browser.get(f"/books/{entry_id}/edit").get_data(as_text=True))
    fields = dict(parser.fields)
    fields.update(changes)
    return {name: value for name, value in fields.items() if value is not None}


def api_entry(browser, entry_id: str) -> dict:
    return browser.get(f"/api/v1/books/{entry_id}").get_json()


def add_by_hand(browser, title: str, status: str = "to-read") -> str:
    return entry_id_from(browser.post("/books/add", data={"title": title, "status": status}))


def test_edit_page_offers_the_reading_details(browser):
    entry_id = add_by_hand(browser, "Dune")
    page = browser.get(f"/books/{entry_id}/edit").get_data(as_text=True)
    for label in ("To read", "Reading", "Read", "Did not finish"):
        assert f">{label}</option>" in page
    assert '<option value="4.5">★★★★½ (4.5)</option>' in page and '<option value="0.5">½ (0.5)</option>' in page
    assert ">No rating</option>" in page
    assert 'type="date"' in page and "<legend>Read-throughs</legend>" in page and "<legend>Add a read</legend>" in page
    assert 'name="tags"' in page and re.search(r'<input [^>]*name="page_count" [^>]*type="number"', page)
    assert '<label for="review">Review</label>' in page and '<label for="notes">Private notes</label>' in page
    assert "Only you see these." in page
    assert "style=" not in page and "onclick" not in page.lower()


def test_edit_page_round_trips_the_reading_details(browser):
    entry_id = add_by_hand(browser, "Dune")
    response = browser.post(f"/books/{entry_id}/edit", data=edit_form(
        browser, entry_id, status="read", rating="4.5", tags="sci-fi, Favourites,  book club ", page_count="412",
        review="Spice.\nSand.", notes="Lent to Bob", **{"reads-0-started_on": "2019-03-01", "reads-0-finished_on": "2019-03-20"},
    ))
    assert response.status_code == 302 and response.headers["Location"] == f"/books/{entry_id}"
    entry = api_entry(browser, entry_id)
    assert entry["rating"] == 4.5 and entry["status"] == "read" and entry["page_count"] == 412
    assert entry["tags"] == ["sci-fi", "Favourites", "book club"]
    assert entry["review"] == "Spice.\nSand." and entry["notes"] == "Lent to Bob"
    # Given dates are the reads: setting "read" in the same save adds none of its own.
    assert entry["reads"] == [{"started_on": "2019-03-01", "finished_on": "2019-03-20"}]

    page = browser.get(f"/books/{entry_id}/edit").get_data(as_text=True)
    assert 'value="sci-fi, Favourites, book club"' in page and 'value="412"' in page
    assert '<option selected value="4.5">' in page
    assert 'value="2019-03-01"' in page and 'value="2019-03-20"' in page and "<legend>Read 1</legend>" in page
    assert "Spice.\nSand.</textarea>" in page

    # Saved again untouched: nothing changes.
    assert browser.post(f"/books/{entry_id}/edit", data=edit_form(browser, entry_id)).status_code == 302
    assert api_entry(browser, entry_id) | {"updated_at": None} == entry | {"updated_at": None}

    # A second read added, then the first removed; tags and rating cleared.
    browser.post(f"/books/{entry_id}/edit", data=edit_form(
        browser, entry_id, **{"reads-1-started_on": "2024-01-02"}, status="reading"))
    assert [r["started_on"] for r in api_entry(browser, entry_id)["reads"]] == ["2019-03-01", "2024-01-02"]
    browser.post(f"/books/{entry_id}/edit", data=edit_form(browser, entry_id, tags="", rating="", **{"reads-0-remove": "y"}))
    entry = api_entry(browser, entry_id)
    assert entry["reads"] == [{"started_on": "2024-01-02", "finished_on": None}]
    assert entry["tags"] == [] and entry["rating"] is None


def test_changing_only_the_status_dates_a_read(browser):
    entry_id = add_by_hand(browser, "Emma")
    today = date.today().isoformat()
    assert browser.post(f"/books/{entry_id}/edit", data=edit_form(browser, entry_id, status="reading")).status_code == 302
    assert api_entry(browser, entry_id)["reads"] == [{"started_on": today, "finished_on": None}]
    assert browser.post(f"/books/{entry_id}/edit", data=edit_form(browser, entry_id, status="read")).status_code == 302
    assert api_entry(browser, entry_id)["reads"] == [{"started_on": today, "finished_on": today}]
    page = browser.get(f"/books/{entry_id}").get_data(as_text=True)
    day = date.today()
    assert f"{day.day} {day:%b %Y}" in page


def test_the_old_edit_form_without_the_new_fields_keeps_them(browser):
    entry_id = add_by_hand(browser, "Emma")
    browser.post(f"/books/{entry_id}/edit", data=edit_form(browser, entry_id, tags="classic", notes="mine",
                                                           **{"reads-0-started_on": "2020-01-01"}, status="reading"))
    response = browser.post(f"/books/{entry_id}/edit", data={"title": "Emma", "status": "read", "rating": "4"})
    assert response.status_code == 302
    entry = api_entry(browser, entry_id)
    assert entry["tags"] == ["classic"] and entry["notes"] == "mine" and entry["rating"] == 4
    assert entry["reads"] == [{"started_on": "2020-01-01", "finished_on": date.today().isoformat()}]


@pytest.mark.parametrize(
    "changes, says, where",
    [
        ({"reads-0-started_on": "2020-05-10", "reads-0-finished_on": "2020-05-01"}, "A read cannot finish before it starts.", 'id="reads-error"'),
        ({"reads-0-started_on": "2020-02-30"}, "Not a valid date value.", 'id="reads-0-started_on-error"'),
        ({"tags": "x" * 51}, "A tag has at most 50 characters.", 'id="tags-error"'),
        ({"rating": "4.25"}, "half steps", "rating"),
        ({"page_count": "-3"}, "page_count is a whole number", "page_count"),
    ],
)
def test_invalid_reading_details_are_refused_next_to_the_field(browser, changes, says, where):
    entry_id = add_by_hand(browser, "Emma")
    before = api_entry(browser, entry_id)
    response = browser.post(f"/books/{entry_id}/edit", data=edit_form(browser, entry_id, status="read", review="new", **changes))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert says in page and where in page
    assert api_entry(browser, entry_id) == before
    # What the reader typed is still there to correct, and a row to add a read.
    for name, value in changes.items():
        if name != "rating":  # a select shows only its choices
            assert f'value="{value}"' in page
    assert "<legend>Add a read</legend>" in page


def test_detail_page_shows_chips_dates_stars_and_notes(browser):
    entry_id = add_by_hand(browser, "Dune")
    browser.post(f"/books/{entry_id}/edit", data=edit_form(
        browser, entry_id, status="did-not-finish", rating="3.5", tags="sci-fi, book club", page_count="412",
        review="Too much sand.", notes="Borrowed from Ann",
        **{"reads-0-started_on": "2019-03-01", "reads-0-finished_on": "2019-03-20"}))
    browser.post(f"/books/{entry_id}/edit", data=edit_form(browser, entry_id, **{"reads-1-finished_on": "2020-05-05"}))
    browser.post(f"/books/{entry_id}/edit", data=edit_form(browser, entry_id, **{"reads-2-started_on": "2024-01-02"}))
    page = browser.get(f"/books/{entry_id}").get_data(as_text=True)
    assert 'href="/books?tag=sci-fi"' in page and re.search(r'href="/books\?tag=book(\+|%20)club"', page)
    assert "1 Mar 2019</time> – <time" in page and "20 Mar 2019" in page
    assert "Finished <time" in page and "5 May 2020" in page
    assert "Started <time" in page and "2 Jan 2024</time> – Did not finish" in page
    assert "★★★½☆" in page and "3.5 of 5" in page
    assert "Did not finish</span>" in page and "412" in page
    assert "<h2>Private notes</h2>" in page and "Borrowed from Ann" in page and "Too much sand." in page
    assert "style=" not in page


def test_library_filters_by_tag_and_keeps_the_filter_while_paging(browser):
    for i in range(3):
        entry_id = add_by_hand(browser, f"Tagged {i}")
        browser.post(f"/books/{entry_id}/edit", data=edit_form(browser, entry_id, tags="Sci-Fi, long"))
    add_by_hand(browser, "Untagged")
    browser.get("/books")  # shows (and so clears) the flashes

    everything = browser.get("/books").get_data(as_text=True)
    assert 'class="tag" href="/books?tag=Sci-Fi"' in everything and 'class="tags small"' in everything
    assert ">Did not finish</a>" in everything

    page = browser.get("/books?tag=sci-fi&limit=2").get_data(as_text=True)
    assert "Untagged" not in page and "Tagged 2" in page and "Tagged 1" in page
    assert "Showing books tagged" in page and 'name="tag" value="sci-fi"' in page
    assert 'href="/books?sort=date_added" class="clear-tag">Clear tag filter' in page
    assert re.search(r'href="/books\?status=did-not-finish&amp;sort=date_added&amp;tag=sci-fi"', page)
    next_link = re.search(r'rel="next" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert "tag=sci-fi" in next_link
    second = browser.get(next_link).get_data(as_text=True)
    assert "Tagged 0" in second and "Untagged" not in second and "Tagged 2" not in second

    assert "No books match." in browser.get("/books?tag=nothing").get_data(as_text=True)


def test_add_page_offers_did_not_finish(browser):
    page = browser.get("/books/add").get_data(as_text=True)
    assert '<option value="did-not-finish">Did not finish</option>' in page
    entry_id = entry_id_from(browser.post("/books/add", data={"title": "Ulysses", "status": "did-not-finish"}))
    assert api_entry(browser, entry_id)["status"] == "did-not-finish"


def test_a_read_without_dates_is_kept_by_an_untouched_save(browser):
    entry_id = add_by_hand(browser, "Ulysses")
    undated = [{"started_on": None, "finished_on": None}]
    assert browser.patch(f"/api/v1/books/{entry_id}", json={"status": "did-not-finish", "reads": undated}).status_code == 200
    assert re.search(r"<li>\s*Did not finish\s*</li>", browser.get(f"/books/{entry_id}").get_data(as_text=True))
    assert browser.post(f"/books/{entry_id}/edit", data=edit_form(browser, entry_id, review="Too long")).status_code == 302
    entry = api_entry(browser, entry_id)
    assert entry["reads"] == undated and entry["review"] == "Too long"
