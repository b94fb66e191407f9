"""A reader's library: adding books by ISBN or by hand, listing, editing, deleting, refreshing."""

from __future__ import annotations

from dataclasses import replace

from ..errors import ConflictError, NotFoundError, ValidationError
from ..isbn import Isbn
from ..model import (
    EDITABLE_FIELDS,
    ENTRY_FIELDS,
    FIELD_LIMITS,
    Book,
    Entry,
    ListQuery,
    Page,
    ReadingStatus,
    SyncStatus,
    UserBook,
    clean_fields,
    clean_text,
    new_id,
    parse_rating,
    utcnow,
)
from ..ports import BookRepository, TaskQueue, UserBookRepository


class LibraryService:
    def __init__(self, books: BookRepository, user_books: UserBookRepository, tasks: TaskQueue):
        self.books = books
        self.user_books = user_books
        self.tasks = tasks

    def add_by_isbn(self, user_id: str, isbn: str, status=None, rating=None, **fields) -> Entry:
        parsed = Isbn.parse(isbn)
        user_book = self._new_user_book(user_id, status, rating, fields)
        book = self._book_for_isbn(parsed.value)
        user_book = replace(user_book, book_id=book.id, sync_status=SyncStatus.PENDING)
        try:
            self.user_books.add(user_book)
        except ConflictError:
            raise ConflictError(f"ISBN {parsed.value} is already in your library.", field="isbn") from None
        self.tasks.enqueue_metadata_job(user_book.id)
        return Entry(user_book, book)

    def add_manual(self, user_id: str, title: str, author=None, status=None, rating=None, **fields) -> Entry:
        title_text = clean_text(title, "title", FIELD_LIMITS["title"])
        if not title_text:
            raise ValidationError("Give an ISBN, or at least a title.", field="title")
        values = clean_fields({**fields, "title": title_text, "author": author})
        user_book = self._new_user_book(user_id, status, rating, {})
        book = Book(id=new_id(), isbn=None, **values)
        self.books.add(book)
        user_book = replace(user_book, book_id=book.id)
        self.user_books.add(user_book)
        return Entry(user_book, book)

    def get_entry(self, user_id: str, entry_id: str) -> Entry:
        entry = self.user_books.get_entry(user_id, entry_id)
        if entry is None:
            raise NotFoundError("No such book in your library.")
        return entry

    def list_entries(self, user_id: str, query: ListQuery) -> Page:
        return self.user_books.list_entries(user_id, query)

    def update_entry(self, user_id: str, entry_id: str, changes: dict) -> Entry:
        entry = self.get_entry(user_id, entry_id)
        unknown = set(changes) - set(ENTRY_FIELDS)
        if unknown:
            raise ValidationError(f"These fields cannot be changed: {', '.join(sorted(unknown))}.")
        updated = entry.user_book
        if "status" in changes:
            updated = replace(updated, status=ReadingStatus.parse(changes["status"]))
        if "rating" in changes:
            updated = replace(updated, rating=parse_rating(changes["rating"]))
        texts = clean_fields({k: v for k, v in changes.items() if k in EDITABLE_FIELDS})
        for name, value in texts.items():
            # An edit equal to the shared book's value is no override: later metadata refreshes still show.
            updated = replace(updated, **{name: None if value == getattr(entry.book, name) else value})
        updated = replace(updated, updated_at=utcnow())
        self.user_books.update(updated)
        return Entry(updated, entry.book)

    def delete_entry(self, user_id: str, entry_id: str) -> None:
        entry = self.get_entry(user_id, entry_id)
        self.user_books.delete(entry.id)
        if entry.book.isbn is None:  # a hand-entered book belongs to this entry alone
            self.books.delete(entry.book.id)

    def refresh(self, user_id: str, entry_id: str) -> Entry:
        entry = self.get_entry(user_id, entry_id)
        if entry.book.isbn is None:
            raise ValidationError("This book has no ISBN, so there is no metadata to fetch.", field="isbn")
        updated = replace(entry.user_book, sync_status=SyncStatus.PENDING, sync_error=None, updated_at=utcnow())
        self.user_books.update(updated)
        self.tasks.enqueue_metadata_job(updated.id)
        return Entry(updated, entry.book)

    def resume_pending_jobs(self) -> int:
        """Queue again the jobs of entries a stopped process left PENDING."""
        ids = self.user_books.pending_ids()
        for user_book_id in ids:
            self.tasks.enqueue_metadata_job(user_book_id)
        return len(ids)

    def _book_for_isbn(self, isbn: str) -> Book:
        book = self.books.get_by_isbn(isbn)
        if book is not None:
            return book
        book = Book(id=new_id(), isbn=isbn)
        try:
            self.books.add(book)
        except ConflictError:  # someone else created it a moment ago: share theirs
            existing = self.books.get_by_isbn(isbn)
            if existing is None:
                raise
            return existing
        return book

    @staticmethod
    def _new_user_book(user_id: str, status, rating, fields: dict) -> UserBook:
        now = utcnow()
        return UserBook(
            id=new_id(),
            user_id=user_id,
            book_id="",
            status=ReadingStatus.parse(status) if status not in (None, "") else ReadingStatus.TO_READ,
            rating=parse_rating(rating),
            **clean_fields(fields),
            date_added=now,
            updated_at=now,
        )
