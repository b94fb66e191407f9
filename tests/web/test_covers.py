"""Covers served by the app (/covers/<book_id>/<size>.jpg) on both backends, and what pages show of
covers and of books whose details could not be fetched."""

import re
import uuid

import pytest

from tests.conftest import JAPANESE_ISBN, KNOWN_ISBN, UNKNOWN_ISBN


def test_a_books_cover_is_served_by_the_app_and_cached(user, app):
    entry = user.add(isbn=KNOWN_ISBN).get_json()
    shown = user.client.get(f"/api/v1/books/{entry['id']}").get_json()
    url = shown["cover_image_url"]
    assert re.fullmatch(rf"/covers/{shown['book_id']}/page\.jpg\?v=[0-9a-f]+", url)

    anyone = app.test_client()  # covers are public by book id: no session needed
    for size_url in (url, url.replace("/page.jpg", "/thumb.jpg")):
        answer = anyone.get(size_url)
        assert answer.status_code == 200 and answer.mimetype == "image/jpeg"
        assert answer.data[:3] == b"\xff\xd8\xff"
        cache = answer.headers["Cache-Control"]
        assert "public" in cache and "max-age=31536000" in cache and "immutable" in cache
        again = anyone.get(size_url, headers={"If-None-Match": answer.headers["ETag"]})
        assert again.status_code == 304
    unversioned = anyone.get(url.split("?")[0])
    assert unversioned.status_code == 200 and "immutable" not in unversioned.headers["Cache-Control"]


@pytest.mark.parametrize("path", [f"/covers/{uuid.uuid4()}/page.jpg", f"/covers/{uuid.uuid4()}/original.jpg",
                                  "/covers/..%2F..%2Fsecret_key/page.jpg", "/covers/a.b/thumb.jpg"])
def test_no_cover_is_a_404(client, path):
    assert client.get(path).status_code == 404


def pages(user, entry_id):
    return (user.client.get("/books").get_data(as_text=True),
            user.client.get(f"/books/{entry_id}").get_data(as_text=True))


def test_pages_show_covers_from_the_app_and_a_placeholder_without_one(user):
    with_cover = user.add(isbn=KNOWN_ISBN).get_json()
    without = user.add(title="A zine", author="Me").get_json()
    library, detail = pages(user, with_cover["id"])
    assert f'src="/covers/{with_cover["book_id"]}/thumb.jpg?v=' in library
    assert f'src="/covers/{with_cover["book_id"]}/page.jpg?v=' in detail
    assert "https://" not in " ".join(re.findall(r'<img[^>]*>', library + detail))
    _, bare = pages(user, without["id"])
    assert 'class="cover placeholder"' in bare and "<img" not in bare.split("<main", 1)[-1]


def test_unreachable_services_say_so_and_the_list_shows_the_isbn_with_a_badge(user, stub):
    stub.fail_next("/books/v1", [503] * 40)
    stub.fail_next("/api/books", [503] * 40)
    entry = user.add(isbn=JAPANESE_ISBN).get_json()
    library, detail = pages(user, entry["id"])
    message = "We couldn&#39;t reach the book services — we&#39;ll try again later."
    assert message in detail and "Try again" in detail and "Error" not in detail
    assert '<meta http-equiv="refresh"' not in detail  # nothing to wait for on this page
    assert f"ISBN {JAPANESE_ISBN}" in library and "details not fetched yet" in library

    assert user.client.patch(f"/api/v1/books/{entry['id']}", json={"title": "Let's talk about space"}).status_code == 200
    library, detail = pages(user, entry["id"])
    assert "try again later" not in detail and "details not fetched yet" not in library


def test_an_unknown_isbn_shows_a_badge_until_the_reader_names_it(user):
    entry = user.add(isbn=UNKNOWN_ISBN).get_json()
    library, _ = pages(user, entry["id"])
    assert f"ISBN {UNKNOWN_ISBN}" in library and "details not found" in library
    user.client.patch(f"/api/v1/books/{entry['id']}", json={"title": "Grandma's recipes"})
    library, detail = pages(user, entry["id"])
    assert "details not found" not in library and "was found in" not in detail
    shown = user.client.get(f"/api/v1/books/{entry['id']}").get_json()
    assert (shown["sync_status"], shown["sync_error"]) == ("SYNCED", None)
