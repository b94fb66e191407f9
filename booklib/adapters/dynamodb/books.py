"""Books: one per ISBN through an isbn guard; books without ISBN need none."""

from __future__ import annotations

from booklib.domain.retrying import retry_on
from booklib.domain.errors import ConflictError
from booklib.domain.model import Book

from .guards import (
    RecordChanged,
    delete_guard,
    guard_key,
    is_guard_key,
    put_guard,
    put_if,
    put_new,
    write_atomically,
)
from .batch import batch_get
from .items import book_from, book_item
from .listing_sync import carry_book_to_entries
from .tables import TableNames

KEY = "book_id"


def isbn_guard(isbn: str) -> str:
    return guard_key("isbn", isbn)
_RETRIES = 3


def _isbn_taken(isbn: str) -> ConflictError:
    return ConflictError(f"A book with ISBN {isbn} exists already.", field="isbn")


def _same_isbn(isbn: str | None) -> dict:
    """Condition: the stored book exists and still has this ISBN (or none)."""
    if isbn is None:
        return {
            "ConditionExpression": "attribute_exists(#k) AND attribute_not_exists(#i)",
            "ExpressionAttributeNames": {"#k": KEY, "#i": "isbn"},
        }
    return {
        "ConditionExpression": "#i = :isbn",
        "ExpressionAttributeNames": {"#i": "isbn"},
        "ExpressionAttributeValues": {":isbn": {"S": isbn}},
    }


class DynamoBookRepository:
    def __init__(self, client, tables: TableNames):
        self.client = client
        self.tables = tables
        self.table = tables.books

    def add(self, book: Book) -> None:
        operations = [put_new(self.table, book_item(book), KEY)]
        conflicts = [ConflictError(f"A book with id {book.id} exists already.", field="id")]
        if book.isbn is not None:
            operations.append(put_guard(self.table, KEY, isbn_guard(book.isbn), book.id))
            conflicts.append(_isbn_taken(book.isbn))
        write_atomically(self.client, operations, conflicts)

    def get(self, book_id: str) -> Book | None:
        if is_guard_key(book_id):
            return None
        item = self._item(book_id)
        return book_from(item) if item else None

    def get_by_isbn(self, isbn: str) -> Book | None:
        guard = self._item(isbn_guard(isbn))  # consistent, unlike isbn-index
        return self.get(guard["owner"]["S"]) if guard else None

    def get_many_by_isbn(self, isbns: list[str]) -> dict[str, Book]:
        """Two BatchGetItem rounds, read consistently: the ISBNs' guards, then the books they name."""
        guards = batch_get(self.client, self.table, KEY, [isbn_guard(isbn) for isbn in isbns], consistent=True)
        owners = [guard["owner"]["S"] for guard in guards.values()]
        found = batch_get(self.client, self.table, KEY, owners, consistent=True)
        return {book.isbn: book for book in (book_from(item) for item in found.values()) if book.isbn}

    def update(self, book: Book) -> None:
        """Replace the book's fields; an ISBN change moves its guard in the same transaction. Then its
        entries' sort keys and search text follow (listing_sync.py)."""
        if not put_if(self.client, self.table, book_item(book), _same_isbn(book.isbn)):
            def attempt() -> bool:
                stored = self.get(book.id)
                if stored is not None:  # a missing book is left alone, like an SQL UPDATE of no row
                    self._replace(stored, book)
                return stored is not None

            if not retry_on(RecordChanged, attempt, attempts=_RETRIES,
                            gave_up=f"Book {book.id} kept changing during the update; try again."):
                return
        carry_book_to_entries(self.client, self.tables, book)

    def _replace(self, stored: Book, book: Book) -> None:
        put = {"Put": {"TableName": self.table, "Item": book_item(book), **_same_isbn(stored.isbn)}}
        operations, conflicts = [put], [None]
        if stored.isbn != book.isbn:
            if stored.isbn is not None:
                operations.append(delete_guard(self.table, KEY, isbn_guard(stored.isbn), book.id))
                conflicts.append(None)
            if book.isbn is not None:
                operations.append(put_guard(self.table, KEY, isbn_guard(book.isbn), book.id))
                conflicts.append(_isbn_taken(book.isbn))
        write_atomically(self.client, operations, conflicts)

    def delete(self, book_id: str) -> None:
        """Delete the book and free its ISBN in one transaction."""
        def attempt() -> None:
            stored = self.get(book_id)
            if stored is None:
                return
            delete = {"Delete": {"TableName": self.table, "Key": {KEY: {"S": book_id}}, **_same_isbn(stored.isbn)}}
            operations = [delete]
            if stored.isbn is not None:
                operations.append(delete_guard(self.table, KEY, isbn_guard(stored.isbn), book_id))
            write_atomically(self.client, operations, [None] * len(operations))

        retry_on(RecordChanged, attempt, attempts=_RETRIES, gave_up=f"Book {book_id} kept changing during the delete; try again.")

    def _item(self, key: str) -> dict | None:
        return self.client.get_item(TableName=self.table, Key={KEY: {"S": key}}, ConsistentRead=True).get("Item")
