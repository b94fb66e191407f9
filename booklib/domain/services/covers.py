"""Covers kept at home: the metadata job fetches a book's cover once and keeps it in the cover store
in the sizes pages show; pages and the API then point at the app's own URL of it."""

from __future__ import annotations

import logging

from ..covers import PAGE, cover_url, cover_version, is_cover_key, stored_cover
from ..errors import DomainError
from ..model import Book
from ..ports import CoverImaging, CoverSource, CoverStore

log = logging.getLogger(__name__)


class CoverService:
    def __init__(self, store: CoverStore, source: CoverSource | None = None, imaging: CoverImaging | None = None):
        self.store = store
        self.source = source
        self.imaging = imaging

    def keep(self, book: Book, hint: str | None = None, deadline: float | None = None) -> str | None:
        """The app's URL of the book's cover: the one kept already, else one fetched now (from `hint`,
        the URL its metadata gave, or by ISBN) and stored; None when there is none to be had now.

        Never raises: a book gets its details whether or not its cover can be had."""
        kept = stored_cover(book.cover_image_url)
        if kept or self.source is None or self.imaging is None or not book.isbn:
            return kept
        try:
            image = self.source.fetch(book.isbn, hint, deadline=deadline)
            images = self.imaging.renditions(image) if image else None
            if not images:
                log.info("no cover for ISBN %s", book.isbn)
                return None
            self.store.put(book.id, images)
        except DomainError as exc:  # unreachable services, an image we cannot read
            log.warning("cover of ISBN %s not kept: %s", book.isbn, exc.message)
            return None
        except Exception:  # the cover store itself failed: the details still count
            log.exception("cover of ISBN %s could not be stored", book.isbn)
            return None
        return cover_url(book.id, cover_version(images[PAGE]))

    def image(self, book_id: str, size: str) -> bytes | None:
        """A stored cover image, None when there is none (or the key names no cover)."""
        if not is_cover_key(book_id, size):
            return None
        return self.store.get(book_id, size)
