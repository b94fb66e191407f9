"""The background job: fill a PENDING entry's book from the metadata providers."""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from typing import Callable

from ..errors import MetadataUnavailableError, NotFoundError, StaleWriteError, ValidationError
from ..model import SyncStatus, utcnow
from ..ports import BookRepository, MetadataProvider, UserBookRepository
from ..retrying import retry_on

log = logging.getLogger(__name__)


class MetadataSyncService:
    """The background job: fill a PENDING entry's book from the metadata providers."""

    def __init__(self, books: BookRepository, user_books: UserBookRepository, provider: MetadataProvider,
                 job_budget: float = 60.0, clock: Callable[[], float] = time.monotonic):
        self.books = books
        self.user_books = user_books
        self.provider = provider
        self.job_budget = job_budget  # seconds one job may spend asking the providers
        self.clock = clock

    def handle_message(self, message: object, final_attempt: bool = True,
                       deadline: float | None = None) -> SyncStatus | None:
        """Run the job a queue message describes. A malformed message raises ValidationError."""
        if not isinstance(message, dict) or not isinstance(message.get("user_book_id"), str):
            raise ValidationError(f"Not a metadata job: {message!r:.200}")
        return self.sync(message["user_book_id"], final_attempt=final_attempt, deadline=deadline)

    def sync(self, user_book_id: str, final_attempt: bool = True, deadline: float | None = None) -> SyncStatus | None:
        """Returns the entry's new sync status, or None when there was nothing to do.

        Idempotent: only a PENDING entry is worked on, and a deleted one is simply done. Before the
        final attempt any error propagates so the queue delivers the job again; on the final attempt
        every error ends the entry FAILED with a reason the reader understands, so no job is stuck."""
        user_book = self.user_books.get(user_book_id)
        if user_book is None:
            log.info("metadata job for %s: the entry was deleted, nothing to do", user_book_id)
            return None
        if user_book.sync_status is not SyncStatus.PENDING:
            return None
        own_budget = self.clock() + self.job_budget
        deadline = own_budget if deadline is None else min(deadline, own_budget)
        try:
            return self._look_up(user_book, deadline)
        except Exception as exc:
            if not final_attempt:
                raise
            if not isinstance(exc, MetadataUnavailableError):
                log.exception("metadata job for %s failed", user_book_id)
            return self.finish(user_book_id, SyncStatus.FAILED, reader_reason(exc))

    def _look_up(self, user_book, deadline: float) -> SyncStatus | None:
        book = self.books.get(user_book.book_id)
        if book is None or book.isbn is None:
            return self.finish(user_book.id, SyncStatus.FAILED, "This book has no ISBN to look up.")
        metadata = self.provider.lookup(book.isbn, deadline=deadline)
        if metadata is None or metadata.is_empty():
            return self.finish(user_book.id, SyncStatus.FAILED, NOT_FOUND_MESSAGE.format(isbn=book.isbn))
        fresh = self.books.get(book.id) or book
        self.books.update(
            replace(
                fresh,
                title=metadata.title or fresh.title,
                author=metadata.author or fresh.author,
                genre=metadata.genre or fresh.genre,
                cover_image_url=metadata.cover_image_url or fresh.cover_image_url,
                description=metadata.description or fresh.description,
                page_count=metadata.page_count or fresh.page_count,
                updated_at=utcnow(),
            )
        )
        return self.finish(user_book.id, SyncStatus.SYNCED, None)

    def finish(self, user_book_id: str, status: SyncStatus, error: str | None) -> SyncStatus | None:
        """End a PENDING entry's job with this status. Only the job's own attributes are written, on the
        version read, so a reader's edit made meanwhile stays; an entry no longer PENDING is left alone."""

        def attempt() -> SyncStatus | None:
            current = self.user_books.get(user_book_id)
            if current is None or current.sync_status is not SyncStatus.PENDING:
                return None
            self.user_books.update(current.id, current.version, {"sync_status": status, "sync_error": error})
            return status

        try:
            result = retry_on(StaleWriteError, attempt, attempts=FINISH_ATTEMPTS, base_delay=0.01,
                              gave_up=f"entry {user_book_id} kept changing while its job finished")
        except NotFoundError:
            return None  # deleted meanwhile
        if result is SyncStatus.FAILED:
            log.warning("metadata job for %s failed: %s", user_book_id, error)
        return result


FINISH_ATTEMPTS = 8
NOT_FOUND_MESSAGE = "Neither Google Books nor Open Library knows ISBN {isbn}. You can fill in the details yourself."
UNREACHABLE_MESSAGE = "We couldn't reach the book services. Press \"Try again\" later."
UNREADABLE_MESSAGE = "The book services sent an answer we couldn't use. Press \"Try again\" later."


def reader_reason(error: Exception) -> str:
    """What the reader is told about a job that ended in an error: words, never an exception's name."""
    if isinstance(error, MetadataUnavailableError):
        return UNREACHABLE_MESSAGE
    return UNREADABLE_MESSAGE
