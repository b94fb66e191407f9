"""Covers kept at home: the job fetches the best cover once, makes the sizes pages show with Pillow
and stores them; the browser is then only ever pointed at the app. A cover that cannot be had never
costs the book its details."""

import io

import pytest
from PIL import Image

from booklib.adapters.covers.pillow import PillowCoverImaging
from booklib.domain.covers import COVER_SIZES, PAGE, THUMBNAIL, cover_size_url, stored_cover
from booklib.domain.errors import ImageTooLargeError, InvalidImageError
from booklib.domain.model import SyncStatus
from tests.conftest import JAPANESE_ISBN, KNOWN_ISBN, OPEN_LIBRARY_ISBN
from tests.support.metadata_stub import PLACEHOLDER_GIF
from tests.unit.test_services import build


@pytest.fixture
def services(stub):
    return build(stub)


def cover_requests(stub) -> list[str]:
    return [path for path in stub.requests if path.startswith(("/books/content", "/b/"))]


def test_the_job_keeps_a_thumbnail_and_a_page_size_cover(services, stub):
    entry = services.library.add_by_isbn(services.ann, KNOWN_ISBN)
    shown = services.library.get_entry(services.ann, entry.id).to_dict()
    book_id = entry.book.id
    assert shown["cover_image_url"].startswith(f"/covers/{book_id}/page.jpg?v=")
    assert cover_size_url(shown["cover_image_url"], THUMBNAIL).startswith(f"/covers/{book_id}/thumb.jpg?v=")
    # Google's largest link, asked without the page curl.
    assert cover_requests(stub) == [
        "/books/content?id=iEGqEAAAQBAJ&printsec=frontcover&img=1&zoom=1&source=gbs_api"]
    for size, box in COVER_SIZES.items():
        with Image.open(io.BytesIO(services.covers.image(book_id, size))) as img:
            assert img.format == "JPEG" and img.mode == "RGB"
            assert img.width <= box[0] and img.height <= box[1]
            assert max(img.width / box[0], img.height / box[1]) == pytest.approx(1, abs=0.01)


def test_a_cover_is_fetched_once_for_every_reader(services, stub):
    first = services.library.add_by_isbn(services.ann, KNOWN_ISBN)
    services.library.add_by_isbn(services.bob, KNOWN_ISBN)
    services.library.refresh(services.ann, first.id)
    assert len(cover_requests(stub)) == 1


def test_open_library_covers_are_asked_without_a_placeholder(services, stub):
    entry = services.library.add_by_isbn(services.ann, OPEN_LIBRARY_ISBN)
    assert cover_requests(stub) == ["/b/id/2379038-L.jpg?default=false"]
    assert services.library.get_entry(services.ann, entry.id).to_dict()["cover_image_url"]


def test_without_a_cover_link_open_library_is_asked_by_isbn_and_a_404_is_no_cover(services, stub):
    stub.add_google(JAPANESE_ISBN, {"kind": "books#volumes", "totalItems": 1,
                                    "items": [{"volumeInfo": {"title": "宇宙の話をしよう"}}]})
    entry = services.library.add_by_isbn(services.ann, JAPANESE_ISBN)
    assert cover_requests(stub) == [f"/b/isbn/{JAPANESE_ISBN}-L.jpg?default=false"]
    shown = services.library.get_entry(services.ann, entry.id).to_dict()
    assert (shown["sync_status"], shown["title"], shown["cover_image_url"]) == ("SYNCED", "宇宙の話をしよう", None)


@pytest.mark.parametrize("status", [503, 404])
def test_a_cover_that_cannot_be_had_leaves_the_book_its_details(services, stub, status):
    stub.fail_next("/books/content", [status] * 10)
    stub.fail_next("/b/", [status] * 10)
    entry = services.library.add_by_isbn(services.ann, KNOWN_ISBN)
    stored = services.user_books.get(entry.id)
    shown = services.library.get_entry(services.ann, entry.id).to_dict()
    assert stored.sync_status is SyncStatus.SYNCED and stored.sync_error is None
    assert shown["title"] == "Everything is Beautiful and Everything Hurts" and shown["cover_image_url"] is None
    stub.reset()  # a refresh later fetches it
    services.library.refresh(services.ann, entry.id)
    assert services.library.get_entry(services.ann, entry.id).to_dict()["cover_image_url"]


def test_a_cover_store_that_fails_leaves_the_book_its_details(services, monkeypatch):
    def broken(book_id, images):
        raise OSError("disk full")

    monkeypatch.setattr(services.covers.store, "put", broken)
    entry = services.library.add_by_isbn(services.ann, KNOWN_ISBN)
    shown = services.library.get_entry(services.ann, entry.id).to_dict()
    assert (shown["sync_status"], shown["cover_image_url"]) == ("SYNCED", None) and shown["title"]


def test_a_third_partys_cover_url_is_never_shown():
    assert stored_cover("https://books.google.com/books/content?id=x") is None
    assert stored_cover("/covers/../../x/page.jpg?v=1") is None
    assert stored_cover("/covers/0b7c/page.jpg?v=abc123") == "/covers/0b7c/page.jpg?v=abc123"


# --- Pillow renditions

def image_bytes(mode, size, fmt="PNG", color=None) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, color).save(out, fmt)
    return out.getvalue()


def test_a_placeholder_is_no_cover():
    assert PillowCoverImaging().renditions(PLACEHOLDER_GIF) is None


def test_transparency_is_laid_on_white():
    images = PillowCoverImaging().renditions(image_bytes("RGBA", (300, 450), color=(0, 0, 0, 0)))
    with Image.open(io.BytesIO(images[PAGE])) as img:
        assert img.size == (300, 450)  # a small cover is never enlarged
        assert img.getpixel((150, 200)) >= (250, 250, 250)


def test_not_an_image_and_too_many_pixels_are_refused():
    with pytest.raises(InvalidImageError):
        PillowCoverImaging().renditions(b"<html>not found</html>")
    with pytest.raises(ImageTooLargeError):
        PillowCoverImaging(max_pixels=1_000_000).renditions(image_bytes("1", (2000, 2000)))
