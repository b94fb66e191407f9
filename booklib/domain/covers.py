"""Covers kept at home: the sizes the app makes of a book's cover, and the app's own URL of one.

A Book's `cover_image_url` holds the app's root-relative URL of its stored page-size cover,
`/covers/<book_id>/page.jpg?v=<version>` (the version changes with the image, so browsers may keep
it for a year), or None while there is none. The web layer serves that path (booklib/web/covers.py).
Anything else found there (an https URL of Google Books or Open Library, stored before covers were
kept at home) is never shown: the browser never calls a third party."""

from __future__ import annotations

import hashlib
import re

THUMBNAIL = "thumb"
PAGE = "page"
# name -> the box (width, height) the image is made to fit, keeping its proportions.
COVER_SIZES = {THUMBNAIL: (240, 360), PAGE: (600, 900)}

COVER_PREFIX = "/covers/"
_BOOK_ID = re.compile(r"^[A-Za-z0-9-]{1,64}$")  # a UUID, as every id is
_STORED = re.compile(r"^/covers/(?P<book_id>[A-Za-z0-9-]{1,64})/page\.jpg\?v=(?P<version>[0-9a-f]{1,64})$")


def check_cover_key(book_id: str, size: str) -> None:
    """Raise ValueError unless the pair names a cover a store may hold (never a path elsewhere)."""
    if not isinstance(book_id, str) or not _BOOK_ID.match(book_id) or size not in COVER_SIZES:
        raise ValueError(f"not a cover: {book_id!r:.80} {size!r:.20}")


def is_cover_key(book_id: str, size: str) -> bool:
    try:
        check_cover_key(book_id, size)
    except ValueError:
        return False
    return True


def cover_version(image: bytes) -> str:
    return hashlib.sha256(image).hexdigest()[:16]


def cover_url(book_id: str, version: str, size: str = PAGE) -> str:
    check_cover_key(book_id, size)
    return f"{COVER_PREFIX}{book_id}/{size}.jpg?v={version}"


def stored_cover(value: str | None) -> str | None:
    """The value if it is the app's own cover URL, else None (nothing, or a third party's URL)."""
    return value if isinstance(value, str) and _STORED.match(value) else None


def cover_size_url(value: str | None, size: str) -> str | None:
    """The URL of another size of a stored cover (the thumbnail of the page-size one)."""
    found = _STORED.match(value) if isinstance(value, str) else None
    return cover_url(found["book_id"], found["version"], size) if found else None
