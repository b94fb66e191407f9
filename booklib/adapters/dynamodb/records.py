"""Every item that stands for one entity in the tables: its record and its guard items.

For bulk copies (the SQLite migration): the repositories write the same items one transaction at a time;
a copy writes each item only where its key is free, so it never overwrites what someone else wrote."""

from __future__ import annotations

from dataclasses import dataclass

from botocore.exceptions import ClientError

from booklib.domain.model import Book, User, UserBook
from booklib.domain.tokens import AccessToken

from . import books, tokens, user_books, users
from .entry_index import entry_items
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


def user_book_records(user_book: UserBook, tables: TableNames, book: Book | None = None) -> list[Record]:
    """The entry's guard, its item and (given its book) its listing keys and derived items, as the
    repository writes them; without the book, the entry alone (`aws bootstrap`'s backfill adds the rest)."""
    table, key = tables.user_books, user_books.KEY
    guard = user_books.entry_guard(user_book.user_id, user_book.book_id)
    items = entry_items(user_book, book) if book is not None else [user_book_item(user_book)]
    return [Record(table, key, items[0]), Record(table, key, guard_item(key, guard, user_book.id), True),
            *(Record(table, key, item) for item in items[1:])]


def token_records(token: AccessToken, tables: TableNames) -> list[Record]:
    return [Record(tables.tokens, tokens.KEY, tokens.token_item(token))]


def put_new_records(client, records: list[Record]) -> tuple[Record, dict] | None:
    """Write one entity's missing items, guards first and its record last, each only where no item has
    its key. None when all are there now (an equal item already there counts); else the record whose
    key holds something else, with that item, after taking back the guards this call wrote, so that
    no guard stays behind without its record."""
    written: list[Record] = []
    for record in sorted(records, key=lambda r: not r.is_guard):
        key = {record.key_attr: record.item[record.key_attr]}
        try:
            client.put_item(TableName=record.table, Item=record.item, ConditionExpression="attribute_not_exists(#k)",
                            ExpressionAttributeNames={"#k": record.key_attr})
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
                raise
            current = client.get_item(TableName=record.table, Key=key, ConsistentRead=True).get("Item")
            if current == record.item:
                continue
            for guard in written:
                client.delete_item(
                    TableName=guard.table, Key={guard.key_attr: guard.item[guard.key_attr]},
                    ConditionExpression="#o = :o", ExpressionAttributeNames={"#o": "owner"},
                    ExpressionAttributeValues={":o": guard.item["owner"]},
                )
            return record, current or {}
        written.append(record)
    return None
