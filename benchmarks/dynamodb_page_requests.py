"""DynamoDB requests and read units for one page of a library, in every listing mode, at two library sizes
(figures, not asserts).

    python benchmarks/dynamodb_page_requests.py [--sizes 100 10000] [--limit 20]

Runs against a moto server it starts on 127.0.0.1, or against AWS_ENDPOINT_URL (LocalStack) when set.

How the libraries are built: NOT through the repositories. moto's TransactWriteItems deep-copies the table
on each call, so adding 10,000 entries one transaction at a time costs time quadratic in the library's size.
Instead every item an entry stands for (the book; the entry with its listing keys and its F#/T# items, from
booklib.adapters.dynamodb.entry_index.entry_items) is built in memory and written with BatchWriteItem, 25 a
call. Guard items are left out: listings never read them. Run with PYTHONPATH pointing at an older checkout
to measure it (its entries are then written as that code wrote them, without listing keys).

What is counted, per page: the requests (botocore's before-call event: once per call, not per retry) and the
read units DynamoDB would charge for them, computed from the items each answer carries (a Query: the
summed size of its items, rounded up to 4 KB; BatchGetItem and GetItem: each item rounded up to 4 KB; half
a unit each when eventually consistent). The session's one GetItem per request is not part of a page here.
A "later page" is the page after the first (the cursor of the first)."""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from booklib.adapters.dynamodb.items import book_item, user_book_item  # noqa: E402
from booklib.domain.model import ListQuery, ReadingStatus, Sort  # noqa: E402
from tests.contract.builders import a_book, a_user, an_entry  # noqa: E402
from tests.support.backends import dynamodb_storage_on  # noqa: E402
from tests.support.dynamodb import client_for, fresh_tables  # noqa: E402
from tests.support.moto_server import MotoServer  # noqa: E402

try:
    from booklib.adapters.dynamodb.entry_index import entry_items  # noqa: E402
except ImportError:  # a booklib from before the listing indexes
    def entry_items(user_book, book):
        return [user_book_item(user_book)]

WORDS = ["river", "moon", "glass", "iron", "salt", "paper", "winter", "garden", "ember", "harbour"]
STATUSES = [ReadingStatus.READ, ReadingStatus.READ, ReadingStatus.TO_READ, ReadingStatus.READING]


def endpoint(stack: contextlib.ExitStack) -> str:
    return os.environ.get("AWS_ENDPOINT_URL") or stack.enter_context(MotoServer(lifetime=7200)).url


def build(client, names, n: int):
    """n entries of one reader (titles like "Salt Moon 17", one in 10 tagged "book-club", 4 in 5 rated),
    written with BatchWriteItem."""
    user = a_user("benchmark")
    dynamodb_storage_on(client, names).users.add(user)
    pending = []
    for i in range(n):
        isbn = None if i % 5 == 0 else f"978{i:09d}0"
        book = a_book(isbn, title=f"{WORDS[i % 10].title()} {WORDS[(i // 10) % 10]} {i}", author=f"Author {i % 97}")
        entry = an_entry(user, book, minutes=i, status=STATUSES[i % 4], rating=(i % 5) + 1 if i % 5 else None,
                         tags=("book-club",) if i % 10 == 3 else ())
        pending.append((names.books, book_item(book)))
        pending += [(names.user_books, item) for item in entry_items(entry, book)]
    for start in range(0, len(pending), 25):
        request: dict[str, list] = {}
        for table, item in pending[start : start + 25]:
            request.setdefault(table, []).append({"PutRequest": {"Item": item}})
        while request:
            request = client.batch_write_item(RequestItems=request).get("UnprocessedItems") or {}
    return user


def item_size(item: dict) -> int:
    return sum(len(name.encode()) + _value_size(value) for name, value in item.items())


def _value_size(value: dict) -> int:
    (kind, v), = value.items()
    if kind == "S":
        return len(v.encode())
    if kind == "N":
        return math.ceil(len(v.lstrip("-").replace(".", "")) / 2) + 1
    if kind in ("SS", "NS"):
        return sum(_value_size({kind[0]: x}) for x in v)
    if kind == "L":
        return 3 + sum(1 + _value_size(x) for x in v)
    if kind == "M":
        return 3 + sum(1 + len(k.encode()) + _value_size(x) for k, x in v.items())
    return 1


class Meter:
    """Requests and read units of the calls one client makes."""

    def __init__(self, client):
        self.client, self.requests, self.units, self.calls, self.write_units = client, 0, 0.0, {}, 0
        self._params: list[dict] = []

    def _params_of(self, params, **_):
        self._params.append(dict(params))

    def _before(self, model, **_):
        self.requests += 1
        self.calls[model.name] = self.calls.get(model.name, 0) + 1

    def _after(self, http_response, parsed, model, **_):
        params = self._params.pop(0) if self._params else {}
        self.write_units += write_units(model.name, params)
        half = 1.0 if params.get("ConsistentRead") else 0.5
        if model.name in ("Query", "Scan"):
            total = sum(item_size(item) for item in parsed.get("Items", []))
            self.units += max(1, math.ceil(total / 4096)) * half
        elif model.name == "GetItem":
            self.units += max(1, math.ceil(item_size(parsed.get("Item", {})) / 4096)) * half
        elif model.name == "BatchGetItem":
            for table, items in parsed.get("Responses", {}).items():
                consistent = params.get("RequestItems", {}).get(table, {}).get("ConsistentRead")
                self.units += sum(max(1, math.ceil(item_size(i) / 4096)) for i in items) * (1.0 if consistent else 0.5)

    def __enter__(self):
        self.client.meta.events.register("provide-client-params.dynamodb", self._params_of)
        self.client.meta.events.register("before-call.dynamodb", self._before)
        self.client.meta.events.register("after-call.dynamodb", self._after)
        return self

    def __exit__(self, *exc):
        self.client.meta.events.unregister("provide-client-params.dynamodb", self._params_of)
        self.client.meta.events.unregister("before-call.dynamodb", self._before)
        self.client.meta.events.unregister("after-call.dynamodb", self._after)


# Which indexes an item of the UserBooks and Books tables enters (their key attributes), for the write units
# its indexes cost: an index write is 1 unit per KB of the projected item (an update that moves an index
# key costs a delete and a put there).
INDEX_KEYS = {
    "user-index": ("user_id", "date_added"), "user-book-index": ("user_id", "book_id"), "pending-index": ("pending",),
    "user-status-index": ("user_status",), "user-title-index": ("title_key",), "user-author-index": ("author_key",),
    "user-rating-index": ("rating_key",), "user-tag-index": ("tu",), "find-index": ("fu",), "book-index": ("book_id",),
    "isbn-index": ("isbn",),
}


def _index_writes(attributes) -> int:
    return sum(1 for keys in INDEX_KEYS.values() if all(k in attributes for k in keys))


def write_units(operation: str, params: dict) -> int:
    """Write units of one call: items at 1 unit per KB (2 inside a transaction), plus their index writes.
    Updates are counted at 1 KB with an index write (2 when it sets an index key) per index touched."""
    def put(item, factor):
        return factor * max(1, math.ceil(item_size(item) / 1024)) + _index_writes(item)

    def update(body, factor):
        names = body.get("ExpressionAttributeNames", {}).values()
        touched = sum(2 for keys in INDEX_KEYS.values() if any(k in names for k in keys))
        return factor + touched

    if operation == "PutItem":
        return put(params["Item"], 1)
    if operation in ("UpdateItem",):
        return update(params, 1)
    if operation == "DeleteItem":
        return 1 + 1
    if operation == "BatchWriteItem":
        return sum(put(r["PutRequest"]["Item"], 1) for rs in params["RequestItems"].values() for r in rs if "PutRequest" in r)
    if operation == "TransactWriteItems":
        total = 0
        for part in params["TransactItems"]:
            (kind, body), = part.items()
            total += put(body["Item"], 2) if kind == "Put" else update(body, 2) if kind == "Update" else 2 + (kind == "Delete")
        return total
    return 0


MODES = {
    "newest": {},
    "status=read": {"status": ReadingStatus.READ},
    "tag=book-club": {"tag": "book-club"},
    "sort=title": {"sort": Sort.TITLE},
    "sort=author": {"sort": Sort.AUTHOR},
    "sort=rating": {"sort": Sort.RATING},
    "search q=moon": {"q": "moon"},
}


def measure(storage, user, query: ListQuery):
    with Meter(storage.user_books.client) as meter:
        started = time.perf_counter()
        page = storage.user_books.list_entries(user.id, query)
        elapsed = time.perf_counter() - started
    return meter, page, elapsed


class _NoQueue:
    def enqueue_metadata_job(self, user_book_id, bulk=False):
        pass


def writes(client, names) -> None:
    """Requests and units of the writes a reader makes, through the app's own services."""
    from booklib.domain.services.library import LibraryService

    storage = dynamodb_storage_on(client, names)
    library = LibraryService(storage.books, storage.user_books, _NoQueue())
    reader, other = a_user("writer"), a_user("other")
    storage.users.add(reader)
    storage.users.add(other)
    shared = library.add_by_isbn(other.id, "9780261103344")

    def row(label, action):
        with Meter(client) as meter:
            result = action()
        print(f"{label:<46} {meter.requests:>8} {meter.units:>10.1f} {meter.write_units:>11}  {meter.calls}", flush=True)
        return result

    print(f"{'write':<46} {'requests':>8} {'read units':>10} {'write units':>11}  calls")
    row("add by ISBN, a book new to the library", lambda: library.add_by_isbn(reader.id, "9780316030571"))
    entry = row("add by ISBN, a book another reader has", lambda: library.add_by_isbn(reader.id, shared.book.isbn))
    row("add by hand (title, author)", lambda: library.add_manual(reader.id, "Hand Made", author="Me"))
    row("edit: status to read", lambda: library.update_entry(reader.id, entry.id, {"status": "read"}))
    row("edit: review text", lambda: library.update_entry(reader.id, entry.id, {"review": "Fine."}))
    specs = [{"isbn": f"978{i:09d}0"[:12] + "0", "book_hint": {"title": f"Imported {i}", "author": "A"}} for i in range(200)]
    from booklib.domain.isbn import ean13_check_digit
    for spec in specs:
        spec["isbn"] = spec["isbn"][:12] + ean13_check_digit(spec["isbn"][:12])
    with Meter(client) as meter:
        library.add_many(reader.id, specs)
    print(f"{'import: 200 new ISBN rows (add_many), per row':<46} {meter.requests / 200:>8.2f} {meter.units / 200:>10.2f} "
          f"{meter.write_units / 200:>11.1f}  {meter.calls} for 200", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 10_000])
    parser.add_argument("--limit", type=int, default=20)
    parser.add_argument("--modes", nargs="+", choices=list(MODES), default=list(MODES))
    parser.add_argument("--writes", action="store_true", help="also the writes: adds, edits, an import's rows")
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        url = endpoint(stack)
        # moto answers an index Query by going through the whole table: at 10,000 entries on a busy machine
        # one call can take longer than the app's 10 s read timeout. Wait, and never retry (counts stay exact).
        from botocore.config import Config
        from tests.support import dynamodb as support

        base = client_for(url)
        patient = Config(read_timeout=600, retries={"mode": "standard", "max_attempts": 1})
        client = support._session.client("dynamodb", endpoint_url=url, config=base.meta.config.merge(patient))
        print(f"endpoint {url}; page size {args.limit}")
        if args.writes:
            with fresh_tables(client) as names:
                writes(client, names)
        print(f"{'size':>6} {'mode':<15} {'page':<6} {'requests':>8} {'read units':>10} {'ms':>7}  calls (entries)")
        for size in args.sizes:
            with fresh_tables(client) as names:
                started = time.perf_counter()
                user = build(client, names, size)
                print(f"# {size} entries built in {time.perf_counter() - started:.1f} s (BatchWriteItem)")
                storage = dynamodb_storage_on(client, names)
                for label in args.modes:
                    fields = MODES[label]
                    query = ListQuery(limit=args.limit, **fields)
                    meter, page, elapsed = measure(storage, user, query)
                    rows = [("first", meter, page, elapsed)]
                    if page.next_cursor:
                        later = measure(storage, user, query.with_cursor(page.next_cursor))
                        rows.append(("later", *later))
                    for which, m, p, ms in rows:
                        print(f"{size:>6} {label:<15} {which:<6} {m.requests:>8} {m.units:>10.1f} {ms * 1000:>7.0f}  "
                              f"{m.calls} ({len(p.items)})", flush=True)


if __name__ == "__main__":
    main()
