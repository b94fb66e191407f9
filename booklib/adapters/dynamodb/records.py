"""Every item that stands for one entity in the tables: its record and its guard items.

For bulk copies (the SQLite migration): the repositories write the same items one transaction at a time."""

from __future__ import annotations

from dataclasses import dataclass

from booklib.domain.model import Book, User, UserBook

from . import books, user_books, users
from .guards import guard_item
from .items import book_item, user_book_item, user_item
from .tables import TableNames


@dataclass(frozen=True)
class Record:
    table: str
    key_attr: str
    item: dict
    is_guard: bool = False

    @property
    def key(self) -> str:
        return self.item[self.key_attr]["S"]


def user_records(user: User, tables: TableNames) -> list[Record]:
    table, key = tables.users, users.KEY
    return [Record(table, key, user_item(user))] + [
        Record(table, key, guard_item(key, guard, user.id), True) for guard in users.guard_keys(user).values()
    ]


def book_records(book: Book, tables: TableNames) -> list[Record]:
    table, key = tables.books, books.KEY
    records = [Record(table, key, book_item(book))]
    if book.isbn is not None:
        records.append(Record(table, key, guard_item(key, books.isbn_guard(book.isbn), book.id), True))
    return records


def user_book_records(user_book: UserBook, tables: TableNames) -> list[Record]:
    table, key = tables.user_books, user_books.KEY
    guard = user_books.entry_guard(user_book.user_id, user_book.book_id)
    return [Record(table, key, user_book_item(user_book)), Record(table, key, guard_item(key, guard, user_book.id), True)]
