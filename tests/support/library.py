"""Large libraries written straight into the SQL tables (for benchmarks and long-running tests)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import insert

from booklib.adapters.sqlite.listing import derived
from booklib.adapters.sqlite.repositories import SqlUserRepository
from booklib.adapters.sqlite.tables import books, user_books
from booklib.domain.model import User, new_id, utcnow

STATUSES = ("to-read", "reading", "read")


def bulk_fill(engine, user_id: str, count: int) -> None:
    """count hand-entered books in one user's library, added a minute apart."""
    start = utcnow() - timedelta(days=count)
    book_rows, entry_rows = [], []
    for i in range(count):
        book_id, title, author = new_id(), f"Title {i}", f"Author {i % 300}"
        book_rows.append(dict(id=book_id, isbn=None, title=title, author=author, genre=None,
                              cover_image_url=None, description="x" * 400, created_at=start, updated_at=start))
        entry_rows.append(dict(id=new_id(), user_id=user_id, book_id=book_id, status=STATUSES[i % 3],
                               rating=(i % 5) + 1, rating_key=(i % 5) + 1, sync_status="SYNCED", sync_error=None, title=None, author=None,
                               genre=None, description=None, date_added=start + timedelta(minutes=i), updated_at=start,
                               **derived(None, None, title, author, None)))
    with engine.begin() as conn:
        conn.execute(insert(books), book_rows)
        conn.execute(insert(user_books), entry_rows)


def one_reader_library(database_url: str, entries: int):
    """A new database at head with one user owning `entries` books; returns its engine."""
    from tests.support.sql import migrated_engine

    engine = migrated_engine(database_url)
    user = User("00000000-0000-4000-8000-000000000001", "reader", "reader@example.org", "hash", utcnow())
    SqlUserRepository(engine).add(user)
    bulk_fill(engine, user.id, entries)
    return engine
