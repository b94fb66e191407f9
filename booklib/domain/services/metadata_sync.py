"""The background job: fill a PENDING entry's book from the metadata providers."""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from datetime import timedelta
from typing import Callable

from ..errors import MetadataUnavailableError, NotFoundError, StaleWriteError, ValidationError
from ..covers import stored_cover
from ..model import SyncStatus, UserBook, utcnow
from ..ports import BookRepository, MetadataProvider, UserBookRepository
from ..retrying import retry_on
from .covers import CoverService

log = logging.getLogger(__name__)


class MetadataSyncService:
    """The background job: fill a PENDING entry's book from the metadata providers."""

    def __init__(self, books: BookRepository, user_books: UserBookRepository, provider: MetadataProvider,
                 job_budget: float = 60.0, clock: Callable[[], float] = time.monotonic,
                 covers: CoverService | None = None):
        self.books = books
        self.user_books = user_books
        self.provider = provider
        self.job_budget = job_budget  # seconds one job may spend asking the providers
        self.clock = clock
        self.covers = covers

    def handle_message(self, message: object, final_attempt: bool = True,
                       deadline: float | None = None) -> SyncStatus | None:
        """Run the job a queue message describes. A malformed message raises ValidationError."""
        if not isinstance(message, dict) or not isinstance(message.get("user_book_id"), str):
            raise ValidationError(f"Not a metadata job: {message!r:.200}")
        return self.sync(message["user_book_id"], final_attempt=final_attempt, deadline=deadline)

    def sync(self, user_book_id: str, final_attempt: bool = True, deadline: float | None = None) -> SyncStatus | None:
        """Returns the entry's new sync status, or None when there was nothing to do.

        Idempotent: only a PENDING entry is worked on, and a deleted one is simply done. Before the
        final attempt any error propagates so the queue delivers the job again. On the final attempt a
        book service that cannot be reached leaves the entry PENDING with a reason the reader
        understands: the sweeper queues it again, and the job runs once it is due (retry_wait);
        any other error ends it FAILED with a reason. No job is stuck, and no exception name is shown."""
        user_book = self.user_books.get(user_book_id)
        if user_book is None:
            log.info("metadata job for %s: the entry was deleted, nothing to do", user_book_id)
            return None
        if user_book.sync_status is not SyncStatus.PENDING:
            return None
        if user_book.sync_error and not self._due(user_book):
            return None
        own_budget = self.clock() + self.job_budget
        deadline = own_budget if deadline is None else min(deadline, own_budget)
        try:
            return self._look_up(user_book, deadline)
        except Exception as exc:
            if not final_attempt:
                raise
            if isinstance(exc, MetadataUnavailableError):
                log.warning("metadata job for %s: the book services could not answer, trying later: %s",
                            user_book_id, exc.message)
                return self.finish(user_book_id, SyncStatus.PENDING, UNREACHABLE_MESSAGE)
            log.exception("metadata job for %s failed", user_book_id)
            return self.finish(user_book_id, SyncStatus.FAILED, reader_reason(exc))

    def _due(self, user_book: UserBook) -> bool:
        """Whether an entry waiting after an unreachable service should be tried now."""
        book = self.books.get(user_book.book_id)
        # Since when it has been tried: the later of the entry's date (an import keeps a Goodreads date
        # of years ago) and its book's first appearance here.
        started = max(user_book.date_added, book.created_at) if book is not None else user_book.date_added
        return utcnow() - user_book.updated_at >= retry_wait(user_book.updated_at - started)

    def _look_up(self, user_book, deadline: float) -> SyncStatus | None:
        book = self.books.get(user_book.book_id)
        if book is None or book.isbn is None:
            return self.finish(user_book.id, SyncStatus.FAILED, "This book has no ISBN to look up.")
        metadata = self.provider.lookup(book.isbn, deadline=deadline)
        if metadata is None or metadata.is_empty():
            return self.finish(user_book.id, SyncStatus.FAILED, NOT_FOUND_MESSAGE.format(isbn=book.isbn))
        cover = self.covers.keep(book, metadata.cover_image_url, deadline) if self.covers else None
        fresh = self.books.get(book.id) or book
        self.books.update(
            replace(
                fresh,
                title=metadata.title or fresh.title,
                author=metadata.author or fresh.author,
                genre=metadata.genre or fresh.genre,
                # Only the app's own cover URL is kept: pages never load a third party's.
                cover_image_url=cover or stored_cover(fresh.cover_image_url),
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
            done_status, done_error = status, error
            if error and current.title:
                # The reader has named the book themselves: nothing left to complain about.
                done_status, done_error = SyncStatus.SYNCED, None
            self.user_books.update(current.id, current.version, {"sync_status": done_status, "sync_error": done_error})
            return done_status

        try:
            result = retry_on(StaleWriteError, attempt, attempts=FINISH_ATTEMPTS, base_delay=0.01,
                              gave_up=f"entry {user_book_id} kept changing while its job finished")
        except NotFoundError:
            return None  # deleted meanwhile
        if result is SyncStatus.FAILED:
            log.warning("metadata job for %s failed: %s", user_book_id, error)
        return result


FINISH_ATTEMPTS = 8
NOT_FOUND_MESSAGE = ("No book with ISBN {isbn} was found in Google Books or Open Library. "
                     "You can fill in the details yourself.")
UNREACHABLE_MESSAGE = "We couldn't reach the book services — we'll try again later."
UNREADABLE_MESSAGE = "The book services sent an answer we couldn't use. Press \"Try again\" later."
# After an unreachable service an entry waits before its next try: as long as it has waited so far
# (the waits double), at least MIN_RETRY_WAIT and at most MAX_RETRY_WAIT.
MIN_RETRY_WAIT = timedelta(minutes=5)
MAX_RETRY_WAIT = timedelta(days=1)


def retry_wait(waited_so_far: timedelta) -> timedelta:
    return min(MAX_RETRY_WAIT, max(MIN_RETRY_WAIT, waited_so_far))


def reader_reason(error: Exception) -> str:
    """What the reader is told about a job that ended in an error: words, never an exception's name."""
    if isinstance(error, MetadataUnavailableError):
        return UNREACHABLE_MESSAGE
    return UNREADABLE_MESSAGE
