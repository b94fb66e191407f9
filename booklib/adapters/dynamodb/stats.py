"""Stats counters on DynamoDB: per reader, items of the stats table keyed (user_id, part).

- part "counters#<n>": counters (booklib.domain.stats) as top-level numbers, each changed by an
  `ADD` in the TransactWriteItems of the entry write that changes it. A reader's counters are the
  sum over their counters parts: a write touching many counters spreads them over several parts
  (an update expression has a size limit), which a transaction may (one item once each).
  Part 0 also holds "~seq" (writes that changed counters) and "~built" (built from the library).
- part "goals": a number per year ("2026").

Reading a reader's stats is one consistent Query. Entries remember the book values they were
counted with (COUNTED: the shared book's page count and genre), so that a later write counts the
change when the metadata job filled the book in meanwhile."""

from __future__ import annotations

import json
from dataclasses import replace

from botocore.exceptions import ClientError

from booklib.domain import stats
from booklib.domain.model import Book, Entry, UserBook
from booklib.domain.ports import StoredStats

from .guards import RecordChanged, write_atomically
from .items import book_from, from_item, user_book_from

KEY, PART = "user_id", "part"
GOALS = "goals"
SEQ, BUILT = "~seq", "~built"
COUNTED = "counted"  # on an entry item: {"p": book page count, "g": book genre} as counted
PER_PART = 150  # counters per update expression: well inside DynamoDB's 4 KB expression limit
_COUNTER_PARTS = "counters#"


def part_name(number: int) -> str:
    return f"{_COUNTER_PARTS}{number}"


def counted_attribute(book: Book | None) -> dict:
    """The COUNTED attribute of an entry item counted with this book."""
    snapshot = {"p": book.page_count, "g": book.genre} if book else {"p": None, "g": None}
    return {COUNTED: {"S": json.dumps(snapshot, separators=(",", ":"))}}


def counted_book(item: dict, book: Book) -> Book:
    """The book as the entry item was counted with it (the current one for items from before stats)."""
    raw = item.get(COUNTED, {}).get("S")
    if not raw:
        return book
    snapshot = json.loads(raw)
    return replace(book, page_count=snapshot.get("p"), genre=snapshot.get("g"))


def counter_updates(table: str, user_id: str, change: dict[str, int]) -> list[dict]:
    """Transaction items adding `change` (plus one write to ~seq) to a reader's counters; none for no
    change. One item per part: a bulk write sums its entries' deltas first (stats.add_into)."""
    change = {name: amount for name, amount in change.items() if amount}
    if not change:
        return []
    names = sorted(change)
    chunks = [names[i:i + PER_PART] for i in range(0, len(names), PER_PART)]
    chunks[0] = [SEQ, *chunks[0]]
    change = {**change, SEQ: 1}
    operations = []
    for number, chunk in enumerate(chunks):
        operations.append({"Update": {
            "TableName": table,
            "Key": {KEY: {"S": user_id}, PART: {"S": part_name(number)}},
            "UpdateExpression": "ADD " + ", ".join(f"#n{i} :v{i}" for i in range(len(chunk))),
            "ExpressionAttributeNames": {f"#n{i}": name for i, name in enumerate(chunk)},
            "ExpressionAttributeValues": {f":v{i}": {"N": str(change[name])} for i, name in enumerate(chunk)},
        }})
    return operations


class DynamoStatsRepository:
    def __init__(self, client, table: str):
        self.client = client
        self.table = table

    def _parts(self, user_id: str) -> list[dict]:
        pages = self.client.get_paginator("query").paginate(
            TableName=self.table, ConsistentRead=True, KeyConditionExpression="#k = :u",
            ExpressionAttributeNames={"#k": KEY}, ExpressionAttributeValues={":u": {"S": user_id}},
        )
        return [item for page in pages for item in page.get("Items", [])]

    def load(self, user_id: str, year: int | None = None) -> StoredStats:
        counters: dict[str, int] = {}
        goals: dict[int, int] = {}
        seq, built, parts = 0, False, []
        for item in self._parts(user_id):
            values = from_item(item)
            part = values.pop(PART)
            values.pop(KEY)
            if part == GOALS:
                goals = {int(year): int(books) for year, books in values.items()}
                continue
            parts.append(part)
            if part == part_name(0):
                seq, built = values.pop(SEQ, 0), bool(values.pop(BUILT, 0))
            stats.add_into(counters, values)
        counters = {name: amount for name, amount in counters.items() if amount}
        return StoredStats(counters if built else None, goals, (seq, tuple(parts)))

    def store_built(self, user_id: str, counters: dict[str, int], token: object) -> bool:
        """One transaction: part 0 put on condition that no write came since the load (~seq) and no
        other build won, the other parts put, parts left over deleted."""
        seq, old_parts = token
        names = sorted(name for name, amount in counters.items() if amount)
        chunks = [names[i:i + PER_PART * 20] for i in range(0, len(names), PER_PART * 20)] or [[]]
        operations = []
        for number, chunk in enumerate(chunks):
            item = {KEY: {"S": user_id}, PART: {"S": part_name(number)},
                    **{name: {"N": str(counters[name])} for name in chunk}}
            put = {"TableName": self.table, "Item": item}
            if number == 0:
                item.update({SEQ: {"N": str(seq)}, BUILT: {"N": "1"}})
                put.update(ConditionExpression="attribute_not_exists(#b) AND (attribute_not_exists(#s) OR #s = :s)",
                           ExpressionAttributeNames={"#b": BUILT, "#s": SEQ},
                           ExpressionAttributeValues={":s": {"N": str(seq)}})
            operations.append({"Put": put})
        kept = {part_name(number) for number in range(len(chunks))}
        operations += [{"Delete": {"TableName": self.table, "Key": {KEY: {"S": user_id}, PART: {"S": part}}}}
                       for part in old_parts if part not in kept]
        try:
            write_atomically(self.client, operations, [None] * len(operations))
        except (RecordChanged, ClientError):  # a write came meanwhile, or another build won: next time
            return False
        return True

    def set_goal(self, user_id: str, year: int, books: int | None) -> None:
        key = {KEY: {"S": user_id}, PART: {"S": GOALS}}
        if books is None:
            expression, values = "REMOVE #y", {}
        else:
            expression, values = "SET #y = :b", {"ExpressionAttributeValues": {":b": {"N": str(books)}}}
        self.client.update_item(TableName=self.table, Key=key, UpdateExpression=expression,
                                ExpressionAttributeNames={"#y": str(year)}, **values)

    def forget(self, user_id: str) -> None:
        """Delete a reader's counters and goals (their account is being deleted)."""
        for item in self._parts(user_id):
            self.client.delete_item(TableName=self.table, Key={KEY: item[KEY], PART: item[PART]})


def counts(changes) -> bool:
    """Whether an entry write may change its reader's counters: a stats field, or the end of the
    metadata job (which filled the shared book in just before)."""
    return stats.touches_stats(changes) or "sync_status" in changes


class CountedWrites:
    """The entry repository's writes with their counter changes in the same transaction."""

    def __init__(self, client, tables):
        self.client = client
        self.table = tables.stats
        self.user_books = tables.user_books
        self.books = tables.books

    def book(self, book_id: str) -> Book | None:
        item = self.client.get_item(TableName=self.books, Key={"book_id": {"S": book_id}}, ConsistentRead=True).get("Item")
        return book_from(item) if item else None

    def added(self, pairs: list[tuple[UserBook, Book | None]]) -> list[dict]:
        """The counter updates of entries added in one transaction with these books (their items
        marked with counted_attribute(book)), summed per reader."""
        totals: dict[str, dict[str, int]] = {}
        for user_book, book in pairs:
            if book is not None:
                stats.add_into(totals.setdefault(user_book.user_id, {}), stats.delta(None, Entry(user_book, book)))
        return [op for user_id, change in totals.items() for op in counter_updates(self.table, user_id, change)]

    def changed(self, item: dict, before: UserBook, after: UserBook, book: Book | None) -> list[dict]:
        """The counter updates of an entry write (its item to be marked with counted_attribute(book))."""
        if book is None:
            return []
        return counter_updates(self.table, before.user_id, stats.delta(entry_of(item, before, book), Entry(after, book)))

    def adding_many(self, added: list[tuple[dict, UserBook]], books: dict[str, Book] | None = None) -> list[dict]:
        """For entries added in one transaction (a bulk import): marks each item counted; the
        transaction items adding them all, their changes summed per reader (a transaction touches
        an item once). `books`: books by id the caller has (e.g. created in the same transaction);
        others are read."""
        books = dict(books or {})
        totals: dict[str, dict[str, int]] = {}
        for item, user_book in added:
            if user_book.book_id not in books:
                books[user_book.book_id] = self.book(user_book.book_id)
            book = books[user_book.book_id]
            item.update(counted_attribute(book))
            if book is not None:
                stats.add_into(totals.setdefault(user_book.user_id, {}), stats.delta(None, Entry(user_book, book)))
        return [op for user_id, change in totals.items() for op in counter_updates(self.table, user_id, change)]

    def deleting(self, item: dict, delete: dict) -> list[dict]:
        """Conditions the entry's Delete on the version counted here; the items taking it off the counters."""
        user_book = user_book_from(item)
        _on_version(delete["Delete"], user_book.version)
        book = self.book(user_book.book_id)
        if book is None:
            return []
        return counter_updates(self.table, user_book.user_id, stats.delta(entry_of(item, user_book, book), None))



def _on_version(request: dict, version: int) -> None:
    """Add "still at this version" to a request's condition (items from before versions count as 0)."""
    legacy = " OR attribute_not_exists(#ver)" if version == 0 else ""
    condition = f"(#ver = :ver{legacy})"
    if request.get("ConditionExpression"):
        condition = f"({request['ConditionExpression']}) AND {condition}"
    request["ConditionExpression"] = condition
    request.setdefault("ExpressionAttributeNames", {})["#ver"] = "version"
    request.setdefault("ExpressionAttributeValues", {})[":ver"] = {"N": str(version)}


def entry_of(item: dict, user_book: UserBook, book: Book | None) -> Entry | None:
    """The entry as counted: with the book values the item was counted with."""
    return Entry(user_book, counted_book(item, book)) if book is not None else None



def goals_item(user_id: str, goals: dict[int, int]) -> dict:
    return {KEY: {"S": user_id}, PART: {"S": GOALS}, **{str(year): {"N": str(books)} for year, books in goals.items()}}


def copy_goals(client, table: str, user_id: str, goals: dict[int, int]) -> str:
    """Write a reader's goals where they have none yet: "written", "present" (the same), or "conflict"."""
    item = goals_item(user_id, goals)
    try:
        client.put_item(TableName=table, Item=item, ConditionExpression="attribute_not_exists(#k)",
                        ExpressionAttributeNames={"#k": KEY})
        return "written"
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
            raise
    current = client.get_item(TableName=table, Key={KEY: item[KEY], PART: item[PART]}, ConsistentRead=True).get("Item")
    return "present" if current == item else "conflict"


def forget_counters(client, table: str, user_id: str) -> None:
    """Drop a reader's counters: the next view builds them from the library (entries were copied in
    without counting them)."""
    repository = DynamoStatsRepository(client, table)
    for item in repository._parts(user_id):
        if item[PART]["S"] != GOALS:
            client.delete_item(TableName=table, Key={KEY: item[KEY], PART: item[PART]})
