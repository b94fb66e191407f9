"""Small builders for domain objects used across the contract suites."""

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

from booklib.domain.errors import ConflictError

from booklib.domain.model import Book, ReadingStatus, SyncStatus, User, UserBook, new_id

T0 = datetime(2024, 1, 1, 12, 0, tzinfo=timezone.utc)


def a_user(username: str = "reader", email: str | None = None) -> User:
    return User(new_id(), username, email or f"{username.lower()}@example.org", "hash$x", T0)


def a_book(isbn: str | None = "9781761186769", **fields) -> Book:
    return Book(id=new_id(), isbn=isbn, created_at=T0, updated_at=T0, **fields)


def an_entry(user: User, book: Book, minutes: int = 0, **fields) -> UserBook:
    when = T0 + timedelta(minutes=minutes)
    fields.setdefault("status", ReadingStatus.TO_READ)
    fields.setdefault("sync_status", SyncStatus.SYNCED)
    return UserBook(id=new_id(), user_id=user.id, book_id=book.id, date_added=when, updated_at=when, **fields)


def race(write, arguments, losers=(ConflictError,)) -> list[str]:
    """Run write(argument) for every argument at once; "won", or "conflict" when it raised one of `losers`."""

    def attempt(argument):
        try:
            write(argument)
            return "won"
        except losers:
            return "conflict"

    with ThreadPoolExecutor(max_workers=16) as pool:
        return list(pool.map(attempt, arguments))
