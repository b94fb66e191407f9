"""Entries (UserBooks): one per user and book through an entry guard."""

from __future__ import annotations

import logging

from botocore.exceptions import ClientError

from booklib.adapters.retrying import retry_on
from booklib.domain.errors import ConflictError
from booklib.domain.model import Entry, ListQuery, Page, SyncStatus, UserBook

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
from .items import book_from, user_book_from, user_book_item
from .listing import LibraryPages
from .tables import TableNames

log = logging.getLogger(__name__)

KEY = "user_book_id"
_RETRIES = 3


def entry_guard(user_id: str, book_id: str) -> str:
    return guard_key("entry", f"{user_id}#{book_id}")


def _same_owner_and_book(ub: UserBook) -> dict:
    return {
        "ConditionExpression": "#u = :u AND #b = :b",
        "ExpressionAttributeNames": {"#u": "user_id", "#b": "book_id"},
        "ExpressionAttributeValues": {":u": {"S": ub.user_id}, ":b": {"S": ub.book_id}},
    }


def _already_shelved() -> ConflictError:
    return ConflictError("This book is already in the library.", field="book")


class DynamoUserBookRepository:
    def __init__(self, client, tables: TableNames):
        self.client = client
        self.table = tables.user_books
        self.books_table = tables.books
        self.pages = LibraryPages(client, tables)

    def add(self, user_book: UserBook) -> None:
        write_atomically(
            self.client,
            [
                put_new(self.table, user_book_item(user_book), KEY),
                put_guard(self.table, KEY, entry_guard(user_book.user_id, user_book.book_id), user_book.id),
            ],
            [ConflictError(f"An entry with id {user_book.id} exists already.", field="id"), _already_shelved()],
        )

    def get(self, user_book_id: str) -> UserBook | None:
        if is_guard_key(user_book_id):
            return None
        key = {KEY: {"S": user_book_id}}
        item = self.client.get_item(TableName=self.table, Key=key, ConsistentRead=True).get("Item")
        return user_book_from(item) if item else None

    def get_entry(self, user_id: str, user_book_id: str) -> Entry | None:
        user_book = self.get(user_book_id)
        if user_book is None or user_book.user_id != user_id:
            return None
        item = self.client.get_item(
            TableName=self.books_table, Key={"book_id": {"S": user_book.book_id}}, ConsistentRead=True
        ).get("Item")
        return Entry(user_book, book_from(item)) if item else None

    def list_entries(self, user_id: str, query: ListQuery) -> Page:
        return self.pages.page(user_id, query)

    def update(self, user_book: UserBook) -> None:
        """Replace the entry; should its user or book change, its guard moves in the same transaction."""
        if put_if(self.client, self.table, user_book_item(user_book), _same_owner_and_book(user_book)):
            return  # the usual case: one conditional put
        def attempt() -> None:
            stored = self.get(user_book.id)
            if stored is None:
                return  # like an SQL UPDATE of a missing row
            put = {"Put": {"TableName": self.table, "Item": user_book_item(user_book), **_same_owner_and_book(stored)}}
            operations, conflicts = [put], [None]
            old_guard = entry_guard(stored.user_id, stored.book_id)
            new_guard = entry_guard(user_book.user_id, user_book.book_id)
            if new_guard != old_guard:
                operations += [
                    delete_guard(self.table, KEY, old_guard, user_book.id),
                    put_guard(self.table, KEY, new_guard, user_book.id),
                ]
                conflicts += [None, _already_shelved()]
            write_atomically(self.client, operations, conflicts)

        retry_on(RecordChanged, attempt, attempts=_RETRIES,
                 gave_up=f"Entry {user_book.id} kept changing during the update; try again.")

    def delete(self, user_book_id: str) -> None:
        """Delete the entry and free its user+book guard in one transaction."""
        def attempt() -> None:
            stored = self.get(user_book_id)
            if stored is None:
                return
            key = {KEY: {"S": user_book_id}}
            delete = {"Delete": {"TableName": self.table, "Key": key, **_same_owner_and_book(stored)}}
            guard = delete_guard(self.table, KEY, entry_guard(stored.user_id, stored.book_id), user_book_id)
            write_atomically(self.client, [delete, guard], [None, None])

        retry_on(RecordChanged, attempt, attempts=_RETRIES,
                 gave_up=f"Entry {user_book_id} kept changing during the delete; try again.")

    def pending_ids(self) -> list[str]:
        """A Scan: only the local thread queue calls this, once at start (see docs/dynamodb.md)."""
        pages = self.client.get_paginator("scan").paginate(
            TableName=self.table,
            FilterExpression="#s = :pending",
            ProjectionExpression="#k, #d",
            ExpressionAttributeNames={"#s": "sync_status", "#k": KEY, "#d": "date_added"},
            ExpressionAttributeValues={":pending": {"S": SyncStatus.PENDING.value}},
        )
        try:
            found = [(item["date_added"]["S"], item[KEY]["S"]) for page in pages for item in page.get("Items", [])]
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "ResourceNotFoundException":
                raise
            # No table yet, so nothing pending: the app must start so that `aws bootstrap` can run;
            # /health/ready reports the missing table.
            log.warning("table %s does not exist: no pending metadata jobs to resume", self.table)
            return []
        return [user_book_id for _, user_book_id in sorted(found)]
