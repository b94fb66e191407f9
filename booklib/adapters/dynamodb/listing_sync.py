"""Keeping the entries' listing keys and derived items (entry_index.py) in step with their books, and the
backfill that gives them to entries written before they existed."""

from __future__ import annotations

from booklib.domain.model import Book

from .batch import batch_get
from .entry_index import (
    KEY,
    LISTING_VERSION,
    derived_items,
    derived_writes,
    entry_keys,
    find_key,
    is_derived_key,
)
from .guards import RecordChanged, guard_key, is_guard_key, write_atomically
from .items import book_from, to_item, user_book_from
from .tables import BOOK_INDEX, TableNames

_ATTEMPTS = 3
_CHUNK = 50  # entries per BatchGetItem (with their F# items: 100 keys)


def carry_book_to_entries(client, tables: TableNames, book: Book) -> int:
    """After a change of a book: rewrite the sort keys and F# items of each of its entries whose
    effective title, author or ISBN changed with it (found through book-index, never a scan)."""
    pages = client.get_paginator("query").paginate(
        TableName=tables.user_books, IndexName=BOOK_INDEX, KeyConditionExpression="#b = :b",
        ExpressionAttributeNames={"#b": "book_id"}, ExpressionAttributeValues={":b": {"S": book.id}},
    )
    ids = [item[KEY]["S"] for page in pages for item in page.get("Items", [])]
    return sum(_refresh_all(client, tables, ids[i : i + _CHUNK], {book.id: book}) for i in range(0, len(ids), _CHUNK))


def backfill(client, tables: TableNames) -> int:
    """Give every entry item without listing keys (written by a booklib from before them) its keys and
    derived items; idempotent, and safe while the app runs (each entry is written on its version)."""
    pages = client.get_paginator("scan").paginate(
        TableName=tables.user_books, ProjectionExpression="#k, #b",
        FilterExpression="attribute_exists(#u) AND attribute_not_exists(#lk)",
        ExpressionAttributeNames={"#k": KEY, "#b": "book_id", "#u": "user_id", "#lk": "lk"},
    )
    done = 0
    for page in pages:
        items = [item for item in page.get("Items", []) if not is_guard_key(item[KEY]["S"]) and not is_derived_key(item[KEY]["S"])]
        for start in range(0, len(items), _CHUNK):
            chunk = items[start : start + _CHUNK]
            found = batch_get(client, tables.books, "book_id", [item["book_id"]["S"] for item in chunk], consistent=True)
            books = {book_id: book_from(item) for book_id, item in found.items()}
            done += _refresh_all(client, tables, [item[KEY]["S"] for item in chunk], books)
    return done


# Written once a backfill has gone through the whole table, so that later bootstraps skip the scan. A
# guard-shaped key: every reader of the table already passes over those.
BACKFILL_MARK = guard_key("backfill", f"listing-{LISTING_VERSION}")


def backfill_once(client, tables: TableNames) -> str:
    """The backfill, unless a previous one finished (what `aws bootstrap` runs); one line saying what it did."""
    key = {KEY: {"S": BACKFILL_MARK}}
    if client.get_item(TableName=tables.user_books, Key=key, ConsistentRead=True).get("Item"):
        return f"Entries of {tables.user_books} carry their listing keys (backfilled before)."
    count = backfill(client, tables)
    client.put_item(TableName=tables.user_books, Item={**key, "owner": {"S": "backfill"}})
    return f"Backfilled the listing keys of {count} entr{'y' if count == 1 else 'ies'} in {tables.user_books}."


def _refresh_all(client, tables: TableNames, ids: list[str], books: dict[str, Book]) -> int:
    found = batch_get(client, tables.user_books, KEY, [*ids, *(find_key(i) for i in ids)], consistent=True)
    changed = 0
    for entry_id in ids:
        if entry_id in found:
            changed += _refresh(client, tables, found[entry_id], found.get(find_key(entry_id)), books)
    return changed


def _refresh(client, tables: TableNames, item: dict, find: dict | None, books: dict[str, Book]) -> bool:
    """One entry's keys and derived items from its book, written on the version read (read again and
    retried when the entry changed meanwhile). False when they were right already."""
    for _ in range(_ATTEMPTS):
        user_book = user_book_from(item)
        book = books.get(user_book.book_id)
        if book is None:
            return False
        keys = entry_keys(user_book, book)
        wanted = derived_items(user_book, book)
        if "lk" in item and all(item.get(name) == value for name, value in to_item(keys).items()) \
                and find == wanted.get(find_key(user_book.id)):
            return False
        before = {find_key(user_book.id): find} if find else {}
        if "lk" in item:  # the T# items depend on the entry alone: only a backfill writes them
            wanted = {find_key(user_book.id): wanted[find_key(user_book.id)]}
        names = {f"#a{i}": name for i, name in enumerate(keys)} | {"#v": "version", "#k": KEY}
        values = {f":a{i}": value for i, value in enumerate(to_item(keys).values())}
        values[":one"] = {"N": "1"}
        condition = "attribute_exists(#k) AND " + (
            "#v = :v" if "version" in item else "attribute_not_exists(#v)")
        if "version" in item:
            values[":v"] = item["version"]
        update = {"Update": {
            "TableName": tables.user_books, "Key": {KEY: item[KEY]},
            "UpdateExpression": "SET " + ", ".join(f"#a{i} = :a{i}" for i in range(len(keys))) + " ADD #v :one",
            "ConditionExpression": condition, "ExpressionAttributeNames": names, "ExpressionAttributeValues": values,
        }}
        operations = [update, *derived_writes(tables.user_books, before, wanted)]
        try:
            write_atomically(client, operations, [None] * len(operations))
            return True
        except RecordChanged:
            fresh = batch_get(client, tables.user_books, KEY, [item[KEY]["S"], find_key(item[KEY]["S"])], consistent=True)
            item, find = fresh.get(item[KEY]["S"]), fresh.get(find_key(item[KEY]["S"]))
            if item is None:
                return False
    raise RecordChanged(f"entry {item[KEY]['S']} kept changing while its listing keys were written")

