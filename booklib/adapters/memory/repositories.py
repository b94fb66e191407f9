"""The repository ports over plain dicts guarded by one lock.

Semantics follow the SQL adapter (booklib/adapters/sqlite/repositories.py):
- usernames and emails are unique case-insensitively, emails are stored lower-case;
- one book per ISBN (books without an ISBN never clash), one entry per user and book;
- timestamps must be timezone-aware and come back in UTC;
- listings filter by status, search the effective title/author (the entry's own edit, else the
  book's) case-insensitively, sort with ties broken by entry id, and page with the shared opaque
  cursors (booklib/adapters/cursors.py), bound to the user and the query.

Objects are copied on the way in and out, so a caller mutating what it got back (or what it
stored) changes nothing in the store, as with a database. Foreign keys are not enforced (as in
DynamoDB): an entry may name a user or book that does not exist; it is then left out of joins."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone

from booklib.adapters.cursors import decode_cursor, encode_cursor, read_position
from booklib.domain.errors import BackendNotReadyError, ConflictError, NotFoundError, StaleWriteError
from booklib.domain.model import (
    SORT_KEYS,
    Book,
    Entry,
    ListQuery,
    Page,
    SyncStatus,
    User,
    UserBook,
    check_changes,
    matches,
)
from booklib.domain.ports import Repositories

from .accounts import InMemoryLoginAttempts, InMemorySessionStore
from .imports import MemoryImportRepository
from .stats import MemoryStatsRepository
from .tokens import MemoryTokenRepository


@dataclass
class MemoryStore:
    """Everything one set of memory repositories holds. Share it to share the data."""

    users: dict[str, User] = field(default_factory=dict)
    books: dict[str, Book] = field(default_factory=dict)
    user_books: dict[str, UserBook] = field(default_factory=dict)
    goals: dict[str, dict[int, int]] = field(default_factory=dict)  # user id -> year -> books
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("naive datetime given to a UTC field")
    return value.astimezone(timezone.utc)


def _user(user: User) -> User:
    return replace(user, email=user.email.lower(), created_at=_utc(user.created_at))


def _book(book: Book) -> Book:
    return replace(book, created_at=_utc(book.created_at), updated_at=_utc(book.updated_at))


def _user_book(user_book: UserBook) -> UserBook:
    return replace(user_book, date_added=_utc(user_book.date_added), updated_at=_utc(user_book.updated_at))


class MemoryUserRepository:
    def __init__(self, store: MemoryStore):
        self.store = store

    def add(self, user: User) -> None:
        stored = _user(user)
        with self.store.lock:
            existing = self.store.users.values()
            if any(u.username_key == stored.username_key for u in existing):
                raise ConflictError(f"The username '{user.username}' is taken.", field="username")
            if any(u.email == stored.email for u in existing):
                raise ConflictError("An account with this email already exists.", field="email")
            if stored.id in self.store.users:
                raise ConflictError(f"A user with id {user.id} exists already.", field="id")
            self.store.users[stored.id] = stored

    def get(self, user_id: str) -> User | None:
        with self.store.lock:
            user = self.store.users.get(user_id)
            return replace(user) if user else None

    def get_by_email(self, email: str) -> User | None:
        wanted = email.strip().lower()
        with self.store.lock:
            user = next((u for u in self.store.users.values() if u.email == wanted), None)
            return replace(user) if user else None

    def update_password(self, user_id: str, password_hash: str) -> None:
        with self.store.lock:
            if user_id in self.store.users:
                self.store.users[user_id] = replace(self.store.users[user_id], password_hash=password_hash)

    def delete(self, user_id: str) -> None:
        with self.store.lock:
            self.store.users.pop(user_id, None)
            self.store.goals.pop(user_id, None)


class MemoryBookRepository:
    def __init__(self, store: MemoryStore):
        self.store = store

    def add(self, book: Book) -> None:
        stored = _book(book)
        with self.store.lock:
            if stored.id in self.store.books or self._isbn_taken(stored):
                raise ConflictError(f"A book with ISBN {book.isbn} exists already.", field="isbn")
            self.store.books[stored.id] = stored

    def get(self, book_id: str) -> Book | None:
        with self.store.lock:
            book = self.store.books.get(book_id)
            return replace(book) if book else None

    def get_by_isbn(self, isbn: str) -> Book | None:
        with self.store.lock:
            book = next((b for b in self.store.books.values() if b.isbn is not None and b.isbn == isbn), None)
            return replace(book) if book else None

    def get_many_by_isbn(self, isbns: list[str]) -> dict[str, Book]:
        wanted = set(isbns)
        with self.store.lock:
            return {b.isbn: replace(b) for b in self.store.books.values() if b.isbn in wanted}

    def update(self, book: Book) -> None:
        stored = _book(book)
        with self.store.lock:
            if stored.id not in self.store.books:
                return  # as SQL's UPDATE ... WHERE id = ?: nothing to change
            if self._isbn_taken(stored):
                raise ConflictError(f"A book with ISBN {book.isbn} exists already.", field="isbn")
            self.store.books[stored.id] = stored

    def delete(self, book_id: str) -> None:
        with self.store.lock:
            self.store.books.pop(book_id, None)

    def _isbn_taken(self, book: Book) -> bool:
        return book.isbn is not None and any(
            b.isbn == book.isbn and b.id != book.id for b in self.store.books.values()
        )


class MemoryUserBookRepository:
    def __init__(self, store: MemoryStore):
        self.store = store

    def add(self, user_book: UserBook) -> None:
        stored = _user_book(user_book)
        with self.store.lock:
            clash = stored.id in self.store.user_books or any(
                ub.user_id == stored.user_id and ub.book_id == stored.book_id for ub in self.store.user_books.values()
            )
            if clash:
                raise ConflictError("This book is already in the library.", field="book")
            self.store.user_books[stored.id] = stored

    def add_many(self, entries: list[Entry], new_book_ids: set[str]) -> set[str]:
        taken = set()
        books = MemoryBookRepository(self.store)
        with self.store.lock:
            for entry in entries:
                new_book = entry.book.id in new_book_ids
                try:
                    if new_book:
                        books.add(entry.book)
                    self.add(entry.user_book)
                except ConflictError:
                    if new_book and self.store.books.get(entry.book.id) == _book(entry.book):
                        del self.store.books[entry.book.id]  # stored just now, for this entry alone
                    taken.add(entry.id)
        return taken

    def get(self, user_book_id: str) -> UserBook | None:
        with self.store.lock:
            user_book = self.store.user_books.get(user_book_id)
            return replace(user_book) if user_book else None

    def get_entry(self, user_id: str, user_book_id: str) -> Entry | None:
        with self.store.lock:
            user_book = self.store.user_books.get(user_book_id)
            if user_book is None or user_book.user_id != user_id:
                return None
            return self._entry(user_book)

    def list_entries(self, user_id: str, query: ListQuery) -> Page:
        position = decode_cursor(user_id, query)
        value_of, descending = SORT_KEYS[query.sort]
        after = read_position(position, query.sort) if position is not None else None
        with self.store.lock:
            entries = [
                entry
                for entry in (self._entry(ub) for ub in self.store.user_books.values() if ub.user_id == user_id)
                if entry is not None
            ]
        if query.status is not None:
            entries = [e for e in entries if e.user_book.status is query.status]
        if query.tag:
            entries = [e for e in entries if query.tag in e.user_book.tag_keys]
        if query.q:
            needle = query.q.lower()
            entries = [e for e in entries if matches(e, needle)]
        keyed = sorted((((value_of(e), e.id), e) for e in entries), key=lambda row: row[0], reverse=descending)
        if after is not None:
            keyed = [(key, e) for key, e in keyed if (key < after if descending else key > after)]
        page = keyed[: query.limit]
        next_cursor = None
        if len(keyed) > query.limit:
            (value, last_id), _ = page[-1]
            value = value.isoformat() if isinstance(value, datetime) else value
            next_cursor = encode_cursor(user_id, query, {"v": value, "id": last_id})
        return Page([e for _, e in page], next_cursor)

    def update(self, user_book_id: str, version: int, changes: dict) -> UserBook:
        check_changes(changes)
        with self.store.lock:
            current = self.store.user_books.get(user_book_id)
            if current is None:
                raise NotFoundError(f"No entry {user_book_id}.")
            if current.version != version:
                raise StaleWriteError(f"Entry {user_book_id} changed since version {version}.")
            stored = replace(current, **changes, updated_at=datetime.now(timezone.utc), version=version + 1)
            self.store.user_books[user_book_id] = stored
            return replace(stored)

    def delete(self, user_book_id: str) -> None:
        with self.store.lock:
            self.store.user_books.pop(user_book_id, None)

    def pending_ids(self, updated_before: datetime | None = None) -> list[str]:
        with self.store.lock:
            pending = [
                ub for ub in self.store.user_books.values()
                if ub.sync_status is SyncStatus.PENDING and (updated_before is None or ub.updated_at < updated_before)
            ]
        return [ub.id for ub in sorted(pending, key=lambda ub: ub.date_added)]

    def _entry(self, user_book: UserBook) -> Entry | None:
        book = self.store.books.get(user_book.book_id)
        if book is None:  # an inner join, as in SQL
            return None
        return Entry(replace(user_book), replace(book))




class MemoryBackendProbe:
    """Always ready, unless a test says otherwise with fail(reason)."""

    def __init__(self, store: MemoryStore):
        self.store = store
        self.failure: str | None = None

    def fail(self, reason: str | None) -> None:
        """Make check() raise BackendNotReadyError(reason) from now on; None makes it pass again."""
        self.failure = reason

    def check(self) -> None:
        if self.failure:
            raise BackendNotReadyError(self.failure)


def make_repositories(store: MemoryStore | None = None) -> Repositories:
    """A fresh, empty set of memory repositories (or one over the given store)."""
    store = store if store is not None else MemoryStore()
    return Repositories(
        users=MemoryUserRepository(store),
        books=MemoryBookRepository(store),
        user_books=MemoryUserBookRepository(store),
        probe=MemoryBackendProbe(store),
        sessions=InMemorySessionStore(),
        login_attempts=InMemoryLoginAttempts(),
        imports=MemoryImportRepository(),
        tokens=MemoryTokenRepository(),
        stats=MemoryStatsRepository(store),
    )
