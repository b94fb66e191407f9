"""The background job: fill a PENDING entry's book from the metadata providers."""

from __future__ import annotations

import logging
from dataclasses import replace

from ..errors import MetadataUnavailableError, NotFoundError, ValidationError
from ..model import SyncStatus, utcnow
from ..ports import BookRepository, MetadataProvider, UserBookRepository

log = logging.getLogger(__name__)


class MetadataSyncService:
    """The background job: fill a PENDING entry's book from the metadata providers."""

    def __init__(self, books: BookRepository, user_books: UserBookRepository, provider: MetadataProvider):
        self.books = books
        self.user_books = user_books
        self.provider = provider

    def handle_message(self, message: object, final_attempt: bool = True) -> SyncStatus | None:
        """Run the job a queue message describes. A malformed message raises ValidationError."""
        if not isinstance(message, dict) or not isinstance(message.get("user_book_id"), str):
            raise ValidationError(f"Not a metadata job: {message!r:.200}")
        return self.sync(message["user_book_id"], final_attempt=final_attempt)

    def sync(self, user_book_id: str, final_attempt: bool = True) -> SyncStatus | None:
        """Returns the entry's new sync status, or None when there was nothing to do.

        Idempotent: only a PENDING entry is worked on. When the providers cannot be asked and
        this is not the final attempt, MetadataUnavailableError propagates so the queue retries."""
        user_book = self.user_books.get(user_book_id)
        if user_book is None:
            raise NotFoundError(f"No entry {user_book_id}: it may have been deleted.")
        if user_book.sync_status is not SyncStatus.PENDING:
            return None
        book = self.books.get(user_book.book_id)
        if book is None or book.isbn is None:
            return self._finish(user_book_id, SyncStatus.FAILED, "The entry has no ISBN to look up.")
        try:
            metadata = self.provider.lookup(book.isbn)
        except MetadataUnavailableError as exc:
            if not final_attempt:
                raise
            return self._finish(user_book_id, SyncStatus.FAILED, f"Metadata services unavailable: {exc.message}")
        if metadata is None or metadata.is_empty():
            return self._finish(
                user_book_id, SyncStatus.FAILED, f"No book with ISBN {book.isbn} was found ({self.provider.name})."
            )
        fresh = self.books.get(book.id) or book
        self.books.update(
            replace(
                fresh,
                title=metadata.title or fresh.title,
                author=metadata.author or fresh.author,
                genre=metadata.genre or fresh.genre,
                cover_image_url=metadata.cover_image_url or fresh.cover_image_url,
                description=metadata.description or fresh.description,
                updated_at=utcnow(),
            )
        )
        return self._finish(user_book_id, SyncStatus.SYNCED, None)

    def _finish(self, user_book_id: str, status: SyncStatus, error: str | None) -> SyncStatus | None:
        current = self.user_books.get(user_book_id)  # re-read: the user may have edited it meanwhile
        if current is None or current.sync_status is not SyncStatus.PENDING:
            return None
        self.user_books.update(replace(current, sync_status=status, sync_error=error, updated_at=utcnow()))
        if status is SyncStatus.FAILED:
            log.warning("metadata job for %s failed: %s", user_book_id, error)
        return status
