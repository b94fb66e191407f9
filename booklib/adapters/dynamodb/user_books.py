"""Entries (UserBooks): one per user and book through an entry guard."""

from __future__ import annotations

import logging
from datetime import datetime

from botocore.exceptions import ClientError

from booklib.domain.retrying import retry_on
from booklib.domain.errors import ConflictError, NotFoundError, StaleWriteError
from booklib.domain.model import Entry, ListQuery, Page, UserBook, check_changes

from .guards import (
    RecordChanged,
    delete_guard,
    guard_key,
    is_guard_key,
    put_guard,
    put_new,
    write_atomically,
)
from .items import PENDING_ATTR, PENDING_MARK, book_from, entry_update, format_time, user_book_from, user_book_item
from .listing import LibraryPages
from .stats import CountedWrites, counts
from .tables import PENDING_INDEX, TableNames

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
        self.counted = CountedWrites(client, tables) if getattr(tables, "stats", None) else None

    def add(self, user_book: UserBook) -> None:
        item = user_book_item(user_book)
        counters = self.counted.adding(item, user_book) if self.counted else []
        write_atomically(
            self.client,
            [
                put_new(self.table, item, KEY),
                put_guard(self.table, KEY, entry_guard(user_book.user_id, user_book.book_id), user_book.id),
                *counters,
            ],
            [ConflictError(f"An entry with id {user_book.id} exists already.", field="id"), _already_shelved(),
             *[None] * len(counters)],
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

    def update(self, user_book_id: str, version: int, changes: dict) -> UserBook:
        """One UpdateItem of the changed attributes, conditioned on the version read (an item written
        before versions existed counts as version 0)."""
        if self.counted and counts(changes):
            return self.counted.update(user_book_id, version, changes)
        check_changes(changes)
        update = entry_update(changes, version)
        legacy = " OR attribute_not_exists(#v)" if version == 0 else ""  # items from before versions
        condition = f"attribute_exists(#k) AND (#v = :v{legacy})"
        try:
            answer = self.client.update_item(
                TableName=self.table,
                Key={KEY: {"S": user_book_id}},
                ConditionExpression=condition,
                ReturnValues="ALL_NEW",
                **update.with_names({"#k": KEY}),
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
                raise
            if self.get(user_book_id) is None:
                raise NotFoundError(f"No entry {user_book_id}.") from None
            raise StaleWriteError(f"Entry {user_book_id} changed since version {version}.") from None
        return user_book_from(answer["Attributes"])

    def delete(self, user_book_id: str) -> None:
        """Delete the entry and free its user+book guard in one transaction."""
        def attempt() -> None:
            key = {KEY: {"S": user_book_id}}
            item = None if is_guard_key(user_book_id) else self.client.get_item(
                TableName=self.table, Key=key, ConsistentRead=True).get("Item")
            if item is None:
                return
            stored = user_book_from(item)
            delete = {"Delete": {"TableName": self.table, "Key": key, **_same_owner_and_book(stored)}}
            guard = delete_guard(self.table, KEY, entry_guard(stored.user_id, stored.book_id), user_book_id)
            counters = self.counted.deleting(item, delete) if self.counted else []
            write_atomically(self.client, [delete, guard, *counters], [None, None, *[None] * len(counters)])

        retry_on(RecordChanged, attempt, attempts=_RETRIES,
                 gave_up=f"Entry {user_book_id} kept changing during the delete; try again.")

    def pending_ids(self, updated_before: datetime | None = None) -> list[str]:
        """A Query of the sparse pending index: only PENDING entries carry its key, so this reads them alone."""
        condition = "#p = :pending"
        values = {":pending": {"S": PENDING_MARK}}
        if updated_before is not None:
            condition += " AND #t < :before"
            values[":before"] = {"S": format_time(updated_before)}
        pages = self.client.get_paginator("query").paginate(
            TableName=self.table,
            IndexName=PENDING_INDEX,
            KeyConditionExpression=condition,
            ProjectionExpression="#k",
            ExpressionAttributeNames={"#p": PENDING_ATTR, "#k": KEY, **({"#t": "updated_at"} if updated_before else {})},
            ExpressionAttributeValues=values,
        )
        try:
            return [item[KEY]["S"] for page in pages for item in page.get("Items", [])]
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") not in ("ResourceNotFoundException", "ValidationException"):
                raise
            # No table (or index) yet, so nothing pending: the app must start so that `aws bootstrap`
            # can run; /health/ready reports what is missing.
            log.warning("table %s or its %s is missing: no pending metadata jobs to resume", self.table, PENDING_INDEX)
            return []
