"""A reader's library: adding books by ISBN or by hand, listing, editing, deleting, refreshing."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime, timedelta

from ..errors import ConflictError, DomainError, NotFoundError, StaleWriteError, TaskQueueError, ValidationError
from ..isbn import Isbn
from ..model import (
    EDITABLE_FIELDS,
    ENTRY_FIELDS,
    FIELD_LIMITS,
    Book,
    Entry,
    MAX_PAGE_SIZE,
    ListQuery,
    Page,
    ReadingStatus,
    SyncStatus,
    UserBook,
    clean_text,
    names,
    new_id,
    parse_entry_fields,
    reads_after_status,
    utcnow,
)
from ..ports import BookRepository, TaskQueue, UserBookRepository
from ..retrying import retry_on

log = logging.getLogger(__name__)

BOOK_OVERRIDES = (*EDITABLE_FIELDS, "page_count")  # a reader's own value wins over the shared book's
# Optimistic writes retried after a concurrent write: a handful is plenty for one reader's entry.
WRITE_ATTEMPTS = 5
QUEUE_DOWN_MESSAGE = "We couldn't start looking up this book's details. Press \"Try again\" in a moment."


class LibraryService:
    def __init__(self, books: BookRepository, user_books: UserBookRepository, tasks: TaskQueue):
        self.books = books
        self.user_books = user_books
        self.tasks = tasks

    def add_by_isbn(self, user_id: str, isbn: str, status=None, rating=None, date_added: datetime | None = None,
                    book_hint: dict | None = None, queue_lookup: bool = True, **fields) -> Entry:
        """book_hint: title and author to give a book seen for the first time until its details arrive;
        queue_lookup=False: the caller queues the lookup later (an import, once all its rows are in)."""
        parsed = Isbn.parse(isbn)
        values = parse_entry_fields({**fields, "status": status, "rating": rating})
        user_book = self._new_user_book(user_id, values, date_added)
        book = self._book_for_isbn(parsed.value, book_hint or {})
        user_book = replace(user_book, book_id=book.id, sync_status=SyncStatus.PENDING)
        try:
            self.user_books.add(user_book)
        except ConflictError:
            raise ConflictError(f"ISBN {parsed.value} is already in your library.", field="isbn") from None
        return Entry(self._queue_lookup(user_book) if queue_lookup else user_book, book)

    def add_manual(self, user_id: str, title: str, author=None, status=None, rating=None,
                   date_added: datetime | None = None, **fields) -> Entry:
        title_text = clean_text(title, "title", FIELD_LIMITS["title"])
        if not title_text:
            raise ValidationError("Give an ISBN, or at least a title.", field="title")
        values = parse_entry_fields({**fields, "title": title_text, "author": author, "status": status, "rating": rating})
        # A hand-entered book is this reader's alone: its texts are the book's, not overrides.
        book_values = {name: values.pop(name) for name in BOOK_OVERRIDES if name in values}
        user_book = self._new_user_book(user_id, values, date_added)
        book = Book(id=new_id(), isbn=None, **book_values)
        self.books.add(book)
        user_book = replace(user_book, book_id=book.id)
        self.user_books.add(user_book)
        return Entry(user_book, book)

    def add_many(self, user_id: str, specs: list[dict]) -> list[Entry | DomainError]:
        """Add many books at once (an import's rows): each spec holds add_by_isbn's arguments (with
        "isbn", no lookup queued) or add_manual's (with "title"). The ISBNs are looked up together and
        the new books and entries stored together; the answer for each spec is its Entry, or the error
        that refused it, as adding them one by one would have answered."""
        answers: list[Entry | DomainError | None] = [None] * len(specs)
        isbns: dict[int, str] = {}
        for i, spec in enumerate(specs):
            if "isbn" in spec:
                try:
                    isbns[i] = Isbn.parse(spec["isbn"]).value
                except DomainError as exc:
                    answers[i] = exc
        known = self.books.get_many_by_isbn(list(dict.fromkeys(isbns.values())))
        planned: list[tuple[int, Entry]] = []
        new_book_ids: set[str] = set()
        for i, spec in enumerate(specs):
            if answers[i] is not None:
                continue
            try:
                entry, new = self._plan(user_id, spec, isbns.get(i), known)
            except DomainError as exc:
                answers[i] = exc
                continue
            if any(e.book.id == entry.book.id for _, e in planned):  # the same book twice in one batch
                answers[i] = ConflictError(f"ISBN {entry.book.isbn} is already in your library.", field="isbn")
                continue
            planned.append((i, entry))
            if new:
                new_book_ids.add(entry.book.id)
        taken = self.user_books.add_many([entry for _, entry in planned], new_book_ids)
        for i, entry in planned:
            if entry.id not in taken:
                answers[i] = entry
                continue
            try:  # someone else took its ISBN or this book meanwhile: the one-by-one path sorts it out
                answers[i] = self._add_one(user_id, specs[i])
            except DomainError as exc:
                answers[i] = exc
        return answers

    def _add_one(self, user_id: str, spec: dict) -> Entry:
        if "isbn" in spec:
            return self.add_by_isbn(user_id, queue_lookup=False, **spec)
        return self.add_manual(user_id, **spec)

    def _plan(self, user_id: str, spec: dict, isbn: str | None, known: dict[str, Book]) -> tuple[Entry, bool]:
        """The entry (and book) a spec adds, validated, stored nowhere yet; True when its book is new."""
        fields = dict(spec)
        if isbn is None:
            title_text = clean_text(fields.pop("title"), "title", FIELD_LIMITS["title"])
            if not title_text:
                raise ValidationError("Give an ISBN, or at least a title.", field="title")
            date_added = fields.pop("date_added", None)
            values = parse_entry_fields({**fields, "title": title_text})
            book_values = {name: values.pop(name) for name in BOOK_OVERRIDES if name in values}
            book = Book(id=new_id(), isbn=None, **book_values)
            user_book = replace(self._new_user_book(user_id, values, date_added), book_id=book.id)
            return Entry(user_book, book), True
        fields.pop("isbn")
        date_added, hint = fields.pop("date_added", None), fields.pop("book_hint", None) or {}
        values = parse_entry_fields(fields)
        book = known.get(isbn)
        new = book is None
        if new:
            book = Book(id=new_id(), isbn=isbn, **{k: v for k, v in hint.items() if k in ("title", "author")})
            known[isbn] = book
        user_book = replace(self._new_user_book(user_id, values, date_added), book_id=book.id,
                            sync_status=SyncStatus.PENDING)
        return Entry(user_book, book), new

    def get_entry(self, user_id: str, entry_id: str) -> Entry:
        entry = self.user_books.get_entry(user_id, entry_id)
        if entry is None:
            raise NotFoundError("No such book in your library.")
        return entry

    def list_entries(self, user_id: str, query: ListQuery) -> Page:
        return self.user_books.list_entries(user_id, query)

    def update_entry(self, user_id: str, entry_id: str, changes: dict) -> Entry:
        """Write only what the reader changed, on the version read; a write that came first (the
        metadata job, another tab) is read again and kept, and the reader's change is made on top."""
        unknown = set(changes) - set(ENTRY_FIELDS)
        if unknown:
            raise ValidationError(f"These fields cannot be changed: {names(unknown)}.")
        parsed = parse_entry_fields(changes)
        today = utcnow().date()

        def attempt() -> Entry:
            entry = self.get_entry(user_id, entry_id)
            wanted = dict(parsed)
            for name in BOOK_OVERRIDES:
                # An edit equal to the shared book's value is no override: later metadata refreshes still show.
                if name in wanted and wanted[name] == getattr(entry.book, name):
                    wanted[name] = None
            if "status" in wanted and "reads" not in wanted:
                wanted["reads"] = reads_after_status(entry.user_book.reads, entry.user_book.status, wanted["status"], today)
            different = {k: v for k, v in wanted.items() if getattr(entry.user_book, k) != v}
            if not different:
                return entry
            if different.get("title") and has_complaint(entry.user_book):
                # The reader named the book themselves: stop saying its details could not be fetched.
                different.update(sync_status=SyncStatus.SYNCED, sync_error=None)
            return Entry(self._write(entry.user_book, different), entry.book)

        return retry_on(StaleWriteError, attempt, attempts=WRITE_ATTEMPTS, base_delay=0.01,
                        gave_up="The book kept changing while it was saved; please try again.")

    def delete_entry(self, user_id: str, entry_id: str) -> None:
        entry = self.get_entry(user_id, entry_id)
        self.user_books.delete(entry.id)
        if entry.book.isbn is None:  # a hand-entered book belongs to this entry alone
            self.books.delete(entry.book.id)

    def refresh(self, user_id: str, entry_id: str) -> Entry:
        def attempt() -> Entry:
            entry = self.get_entry(user_id, entry_id)
            if entry.book.isbn is None:
                raise ValidationError("This book has no ISBN, so there is no metadata to fetch.", field="isbn")
            pending = self._write(entry.user_book, {"sync_status": SyncStatus.PENDING, "sync_error": None})
            return Entry(pending, entry.book)

        entry = retry_on(StaleWriteError, attempt, attempts=WRITE_ATTEMPTS, base_delay=0.01,
                         gave_up="The book kept changing; please try again.")
        return Entry(self._queue_lookup(entry.user_book), entry.book)

    def all_entries(self, user_id: str) -> list[Entry]:
        return every_entry(self.user_books, user_id)

    def resume_pending_jobs(self, stale_after: timedelta | None = None) -> int:
        """Queue again the jobs of entries left PENDING: all of them (a stopped process left them), or
        only those PENDING for longer than `stale_after` (the periodic sweep: their message was lost)."""
        cutoff = utcnow() - stale_after if stale_after is not None else None
        ids = self.user_books.pending_ids(updated_before=cutoff)
        queued = 0
        for user_book_id in ids:
            try:
                self.tasks.enqueue_metadata_job(user_book_id)
            except TaskQueueError as exc:
                log.warning("could not queue again the metadata job of %s: %s", user_book_id, exc.message)
                break  # the queue is down: the next sweep tries again
            queued += 1
        return queued

    def _queue_lookup(self, user_book: UserBook) -> UserBook:
        """Queue the metadata job of a PENDING entry. Should the queue refuse, the entry says so and
        offers "Try again", instead of waiting for a job that will never run."""
        try:
            self.tasks.enqueue_metadata_job(user_book.id)
        except TaskQueueError as exc:
            log.warning("metadata job for %s not queued: %s", user_book.id, exc.message)
            changes = {"sync_status": SyncStatus.FAILED, "sync_error": QUEUE_DOWN_MESSAGE}
            try:
                return self._write(user_book, changes)
            except (StaleWriteError, NotFoundError):
                return user_book  # changed or deleted meanwhile: that write stands
        return user_book

    def _write(self, user_book: UserBook, changes: dict) -> UserBook:
        return self.user_books.update(user_book.id, user_book.version, changes)

    def _book_for_isbn(self, isbn: str, hint: dict) -> Book:
        book = self.books.get_by_isbn(isbn)
        if book is not None:
            return book
        book = Book(id=new_id(), isbn=isbn, **{k: v for k, v in hint.items() if k in ("title", "author")})
        try:
            self.books.add(book)
        except ConflictError:  # someone else created it a moment ago: share theirs
            existing = self.books.get_by_isbn(isbn)
            if existing is None:
                raise
            return existing
        return book

    @staticmethod
    def _new_user_book(user_id: str, values: dict, date_added: datetime | None) -> UserBook:
        """A new entry from parsed values; a status without reads dates a read as setting it would."""
        now = utcnow()
        status = values.pop("status", ReadingStatus.TO_READ)
        if "reads" not in values:
            values["reads"] = reads_after_status((), ReadingStatus.TO_READ, status, now.date())
        return UserBook(id=new_id(), user_id=user_id, book_id="", status=status, **values,
                        date_added=date_added or now, updated_at=now)


def has_complaint(user_book: UserBook) -> bool:
    """The entry says its details could not be fetched (for now, or at all)."""
    return user_book.sync_status is SyncStatus.FAILED or bool(user_book.sync_error)


def every_entry(user_books: UserBookRepository, user_id: str) -> list[Entry]:
    """A reader's whole library, newest first, read a page of 100 at a time before anything is done
    with it (deleting while paging must not skip anything)."""
    entries, query = [], ListQuery(limit=MAX_PAGE_SIZE)
    while True:
        page = user_books.list_entries(user_id, query)
        entries.extend(page.items)
        if page.next_cursor is None:
            return entries
        query = query.with_cursor(page.next_cursor)
