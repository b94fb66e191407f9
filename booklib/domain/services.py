"""Use cases. Services take ports; they never know which adapter is behind one."""

from __future__ import annotations

import logging
from dataclasses import replace

from .errors import (
    AuthenticationError,
    ConflictError,
    MetadataUnavailableError,
    NoIsbnFoundError,
    NotFoundError,
    ValidationError,
)
from .isbn import Isbn, is_valid_ean13
from .model import (
    EDITABLE_FIELDS,
    FIELD_LIMITS,
    Book,
    Entry,
    ListQuery,
    Page,
    ReadingStatus,
    SyncStatus,
    User,
    UserBook,
    check_password,
    clean_text,
    new_id,
    normalize_email,
    normalize_username,
    parse_rating,
    utcnow,
)
from .ports import (
    BarcodeReader,
    BookRepository,
    MetadataProvider,
    PasswordHasher,
    TaskQueue,
    UserBookRepository,
    UserRepository,
)

log = logging.getLogger(__name__)


class AccountService:
    def __init__(self, users: UserRepository, hasher: PasswordHasher):
        self.users = users
        self.hasher = hasher

    def register(self, username: str, email: str, password: str) -> User:
        user = User(
            id=new_id(),
            username=normalize_username(username),
            email=normalize_email(email),
            password_hash=self.hasher.hash(check_password(password)),
            created_at=utcnow(),
        )
        self.users.add(user)
        return user

    def authenticate(self, email: str, password: str) -> User:
        user = self.users.get_by_email(str(email or "").strip().lower())
        if user is None or not self.hasher.verify(user.password_hash, str(password or "")):
            raise AuthenticationError("Wrong email or password.")
        return user

    def get(self, user_id: str) -> User | None:
        return self.users.get(user_id)


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
        values = _clean_fields({**fields, "title": title_text, "author": author})
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
        unknown = set(changes) - {"status", "rating", *EDITABLE_FIELDS}
        if unknown:
            raise ValidationError(f"These fields cannot be changed: {', '.join(sorted(unknown))}.")
        updated = entry.user_book
        if "status" in changes:
            updated = replace(updated, status=ReadingStatus.parse(changes["status"]))
        if "rating" in changes:
            updated = replace(updated, rating=parse_rating(changes["rating"]))
        texts = _clean_fields({k: v for k, v in changes.items() if k in EDITABLE_FIELDS})
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
            **_clean_fields(fields),
            date_added=now,
            updated_at=now,
        )


def _clean_fields(fields: dict) -> dict:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown fields: {', '.join(sorted(unknown))}.")
    return {name: clean_text(value, name, FIELD_LIMITS[name]) for name, value in fields.items()}


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


class ScanService:
    def __init__(self, reader: BarcodeReader):
        self.reader = reader

    def scan(self, image: bytes) -> Isbn:
        if not image:
            raise ValidationError("The uploaded file is empty.", field="image")
        codes = self.reader.read(image)
        for code in codes:
            if is_valid_ean13(code) and code.startswith(("978", "979")):
                return Isbn(code)
        if codes:
            raise NoIsbnFoundError(
                f"Found barcode {', '.join(codes[:3])}, but no ISBN (a book's EAN-13 starts with 978 or 979)."
            )
        raise NoIsbnFoundError("No barcode was found in the image. Try a sharper, closer photo.")
