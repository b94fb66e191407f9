"""Entries (UserBooks): one per user and book through an entry guard."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime

from botocore.exceptions import ClientError

from booklib.domain.retrying import retry_on
from booklib.domain.errors import ConflictError, NotFoundError, StaleWriteError
from booklib.domain.model import Book, Entry, ListQuery, Page, UserBook, check_changes, utcnow

from .guards import (
    RecordChanged,
    delete_guard,
    guard_key,
    is_guard_key,
    put_guard,
    TRANSACTION_ITEMS,
    put_new,
    transact,
    transaction_groups,
    write_atomically,
)
from .batch import batch_get
from .entry_index import (
    LISTED_FIELDS,
    derived_items,
    derived_keys,
    derived_writes,
    entry_keys,
    find_item,
    find_key,
    is_derived_key,
    pack_find,
    rating_key,
    tag_items,
    unpack_find,
)
from . import books
from .items import PENDING_ATTR, PENDING_MARK, book_from, book_item, entry_update, format_time, user_book_from, user_book_item
from .listing import LibraryPages
from .stats import COUNTED, CountedWrites, counted_attribute, counts
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


def _version_condition(version: int) -> str:
    legacy = " OR attribute_not_exists(#v)" if version == 0 else ""  # items from before versions
    return f"attribute_exists(#k) AND (#v = :v{legacy})"


_NO_BOOK = Book(id="", isbn=None)  # stands in where only the entry's own values count


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
        book_item_ = self.client.get_item(TableName=self.books_table, Key={"book_id": {"S": user_book.book_id}},
                                          ConsistentRead=True).get("Item")
        book = book_from(book_item_) if book_item_ else None
        operations, conflicts = self._new_entry(user_book, book, new_book=False)
        counters = self.counted.added([(user_book, book)]) if self.counted else []
        write_atomically(self.client, operations + counters, conflicts + [None] * len(counters))

    def add_many(self, entries: list[Entry], new_book_ids: set[str]) -> set[str]:
        """Entries (with their new books and all their guards) in transactions of up to 100 items: a
        200-row import chunk is a handful of requests. A transaction a guard refuses is written again
        without the refused entries, which are answered as taken."""
        taken: set[str] = set()
        planned, books_written = [], set()
        for entry in entries:
            new_book = entry.book if entry.book.id in new_book_ids and entry.book.id not in books_written else None
            books_written.add(entry.book.id)
            planned.append((entry.id, self._new_entry(entry.user_book, entry.book, new_book is not None)[0]))
        by_id = {entry.id: entry for entry in entries}
        for group in (part for whole in transaction_groups(planned) for part in self._room_for_counters(whole, by_id)):
            while group:
                operations = [op for _, ops in group for op in ops]
                owners = [entry_id for entry_id, ops in group for _ in ops]
                counters = self._counters_of(group, by_id)  # no conditions: a refusal is never theirs
                refused = {owners[i] for i in transact(self.client, operations + counters) if i < len(owners)}
                if not refused:
                    break
                taken |= refused
                group = [(entry_id, ops) for entry_id, ops in group if entry_id not in refused]
        return taken

    def _counters_of(self, group, by_id: dict[str, Entry]) -> list[dict]:
        """The stats counters' change of a transaction's entries, summed per reader."""
        if not self.counted:
            return []
        return self.counted.added([(by_id[entry_id].user_book, by_id[entry_id].book) for entry_id, _ in group])

    def _room_for_counters(self, group, by_id: dict[str, Entry]):
        """The group, halved until its operations and its counter updates fit one transaction."""
        items = sum(len(ops) for _, ops in group) + len(self._counters_of(group, by_id))
        if items <= TRANSACTION_ITEMS or len(group) == 1:
            yield group
            return
        half = len(group) // 2
        yield from self._room_for_counters(group[:half], by_id)
        yield from self._room_for_counters(group[half:], by_id)

    def _new_entry(self, user_book: UserBook, book: Book | None, new_book: bool) -> tuple[list[dict], list]:
        """What storing one new entry writes (the one place it is assembled): the entry with its listing
        keys, its derived items, its user+book guard, and (new_book) its book with its ISBN guard; with
        the error each item's condition stands for (None: no condition)."""
        listing = entry_keys(user_book, book) if book is not None else None  # no book: the backfill's to do
        item = user_book_item(user_book, listing)
        if self.counted:
            item.update(counted_attribute(book))
        operations = [
            put_new(self.table, item, KEY),
            put_guard(self.table, KEY, entry_guard(user_book.user_id, user_book.book_id), user_book.id),
        ]
        conflicts = [ConflictError(f"An entry with id {user_book.id} exists already.", field="id"), _already_shelved()]
        if book is not None:
            derived = derived_writes(self.table, {}, derived_items(user_book, book))
            operations += derived
            conflicts += [None] * len(derived)
        if new_book and book is not None:
            operations.append(put_new(self.books_table, book_item(book), books.KEY))
            conflicts.append(ConflictError(f"A book with id {book.id} exists already.", field="id"))
            if book.isbn is not None:
                operations.append(put_guard(self.books_table, books.KEY, books.isbn_guard(book.isbn), book.id))
                conflicts.append(ConflictError(f"A book with ISBN {book.isbn} exists already.", field="isbn"))
        return operations, conflicts

    def get(self, user_book_id: str) -> UserBook | None:
        if is_guard_key(user_book_id) or is_derived_key(user_book_id):
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
        before versions existed counts as version 0). A change of what listings order or filter by
        (status, rating, tags, title, author) also rewrites the listing keys and derived items, in one
        transaction after one BatchGetItem of the entry and its F# item (and the book, for a title or author)."""
        check_changes(changes)
        if set(changes) & LISTED_FIELDS or (self.counted and counts(changes)):  # counters change with it
            return self._update_listed(user_book_id, version, changes)
        update = entry_update(changes, version)
        try:
            answer = self.client.update_item(
                TableName=self.table,
                Key={KEY: {"S": user_book_id}},
                ConditionExpression=_version_condition(version),
                ReturnValues="ALL_NEW",
                **update.with_names({"#k": KEY}),
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
                raise
            self._refused(user_book_id, version)
        return user_book_from(answer["Attributes"])

    def _refused(self, user_book_id: str, version: int):
        if self.get(user_book_id) is None:
            raise NotFoundError(f"No entry {user_book_id}.") from None
        raise StaleWriteError(f"Entry {user_book_id} changed since version {version}.") from None

    def _update_listed(self, user_book_id: str, version: int, changes: dict) -> UserBook:
        found = batch_get(self.client, self.table, KEY, [user_book_id, find_key(user_book_id)], consistent=True)
        if user_book_id not in found or is_guard_key(user_book_id) or is_derived_key(user_book_id):
            raise NotFoundError(f"No entry {user_book_id}.")
        item = found[user_book_id]
        stored = user_book_from(item)
        if stored.version != version:
            raise StaleWriteError(f"Entry {user_book_id} changed since version {version}.")
        now = utcnow()
        updated = replace(stored, **changes, updated_at=now, version=version + 1)
        find = found.get(find_key(user_book_id))
        extra, after, book = {}, tag_items(updated), None
        if find is None or "lk" not in item or {"title", "author"} & set(changes):
            book = self._book(stored.book_id)
            if book is not None:
                extra = entry_keys(updated, book)
                after[find_key(user_book_id)] = find_item(updated, pack_find(updated, book))
            elif find is not None:  # no book to read: keep what there is
                after[find_key(user_book_id)] = find
        else:
            extra = {"user_status": entry_keys(updated, _NO_BOOK)["user_status"], "rating_key": rating_key(updated.rating, updated.id)}
            packed = unpack_find(find_key(user_book_id), find["fx"]["S"]).repack(updated.status, updated.rating)
            after[find_key(user_book_id)] = find_item(updated, packed)
        before = {**tag_items(stored), **({find_key(user_book_id): find} if find else {})}
        counters = []
        if self.counted:
            book = book or self._book(stored.book_id)
            counters = self.counted.changed(item, stored, updated, book)
            extra = {**extra, COUNTED: counted_attribute(book)[COUNTED]["S"]}
        update = entry_update(changes, version, now=now, extra=extra)
        entry_write = {"Update": {"TableName": self.table, "Key": {KEY: {"S": user_book_id}},
                                  "ConditionExpression": _version_condition(version), **update.with_names({"#k": KEY})}}
        writes = derived_writes(self.table, before, after)
        puts = [w for w in writes if "Put" in w]
        deletes = [w for w in writes if "Delete" in w]
        # 50 tags swapped for 50 others is more than a transaction holds: the removals then follow it
        # (a T# item left behind a moment is harmless: a tag's page checks each entry's tags).
        together = puts + deletes if len(writes) + len(counters) < TRANSACTION_ITEMS else puts
        if transact(self.client, [entry_write, *together, *counters]):
            self._refused(user_book_id, version)
        if len(together) < len(writes):
            for write in deletes:
                self.client.delete_item(**write["Delete"])
        return user_book_from(user_book_item(updated, {k: v for k, v in extra.items() if k != COUNTED}))

    def _book(self, book_id: str) -> Book | None:
        item = self.client.get_item(TableName=self.books_table, Key={"book_id": {"S": book_id}}, ConsistentRead=True).get("Item")
        return book_from(item) if item else None

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
            derived = [{"Delete": {"TableName": self.table, "Key": {KEY: {"S": k}}}} for k in derived_keys(stored)]
            counters = self.counted.deleting(item, delete) if self.counted else []
            write_atomically(self.client, [delete, guard, *derived, *counters], [None] * (2 + len(derived) + len(counters)))

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
