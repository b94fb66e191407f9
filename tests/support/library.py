"""Large libraries written straight into the SQL tables (for benchmarks and long-running tests)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import insert

from booklib.adapters.sqlite.repositories import SqlUserRepository
from booklib.adapters.sqlite.tables import books, user_books
from booklib.domain.model import User, new_id, utcnow

STATUSES = ("to-read", "reading", "read")


SEARCH_WORD = "dragons"  # in the titles of bulk_fill's `hits` entries
TAG = "favourite"  # on every fourth entry


def bulk_fill(engine, user_id: str, count: int, hits: int = 0) -> None:
    """count hand-entered books in one user's library, added a minute apart; `hits` of them, spread
    evenly, have SEARCH_WORD in their title. Works on older schemas too (the benchmarks' "before")."""
    try:
        from booklib.adapters.sqlite.listing import derived
    except ImportError:
        derived = None
    known = set(user_books.c.keys())
    from booklib.adapters.sqlite import tables

    tag_table = getattr(tables, "user_book_tags", None)
    marked = {k * count // hits for k in range(hits)} if hits else set()
    start = utcnow() - timedelta(days=count)
    book_rows, entry_rows = [], []
    for i in range(count):
        book_id, author = new_id(), f"Author {i % 300}"
        title = f"Title {i} of {SEARCH_WORD}" if i in marked else f"Title {i}"
        tagged = i % 4 == 0
        book_rows.append(dict(id=book_id, isbn=None, title=title, author=author, genre=None,
                              cover_image_url=None, description="x" * 400, created_at=start, updated_at=start))
        entry = dict(id=new_id(), user_id=user_id, book_id=book_id, status=STATUSES[i % 3],
                     rating=(i % 5) + 1, rating_key=(i % 5) + 1, sync_status="SYNCED", sync_error=None, title=None,
                     author=None, genre=None, description=None, date_added=start + timedelta(minutes=i),
                     updated_at=start, tags=f'["{TAG}"]' if tagged else None, tag_keys=f"\n{TAG}\n" if tagged else None,
                     **(derived(None, None, title, author, None) if derived else {}))
        entry_rows.append({name: value for name, value in entry.items() if name in known})
    with engine.begin() as conn:
        conn.execute(insert(books), book_rows)
        conn.execute(insert(user_books), entry_rows)
        if tag_table is not None:
            conn.execute(insert(tag_table), [
                {"entry_id": row["id"], "tag_key": TAG, "user_id": user_id, "date_added": row["date_added"]}
                for row in entry_rows if row.get("tag_keys")])


def one_reader_library(database_url: str, entries: int):
    """A new database at head with one user owning `entries` books; returns its engine."""
    from tests.support.sql import migrated_engine

    engine = migrated_engine(database_url)
    user = User("00000000-0000-4000-8000-000000000001", "reader", "reader@example.org", "hash", utcnow())
    SqlUserRepository(engine).add(user)
    bulk_fill(engine, user.id, entries)
    return engine
