"""Reading a whole SQL library out, in batches, as domain objects (for the DynamoDB migration)."""

from __future__ import annotations

from typing import Iterator

from sqlalchemy import Engine, func, select

from booklib.domain.model import Book, User, UserBook

from .repositories import row_to_book, row_to_user, row_to_user_book
from .tables import access_tokens, books, user_books, users
from .tokens import row_to_token

TABLES = {"users": (users, row_to_user), "books": (books, row_to_book), "user_books": (user_books, row_to_user_book),
          "tokens": (access_tokens, row_to_token)}


def count(engine: Engine, name: str) -> int:
    table, _ = TABLES[name]
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def batches(engine: Engine, name: str, size: int = 500) -> Iterator[list[User | Book | UserBook]]:
    """All rows of one table, ordered by id (keyset pages, so memory stays flat)."""
    table, convert = TABLES[name]
    last = None
    with engine.connect() as conn:
        while True:
            stmt = select(table).order_by(table.c.id).limit(size)
            if last is not None:
                stmt = stmt.where(table.c.id > last)
            rows = conn.execute(stmt).mappings().all()
            if not rows:
                return
            yield [convert(row) for row in rows]
            last = rows[-1]["id"]
