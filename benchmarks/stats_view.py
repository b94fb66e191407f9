"""Stats must not read the library: they come from counters every entry write keeps up to date.

    .venv/bin/python benchmarks/stats_view.py [--entries 10000]

Prints, on SQLite, the median time of GET /api/v1/stats for a reader with 10,000 entries and one
with 50 (goal: ratio <= 1.5), and the one-off cost of building counters that were never kept (a
library from before stats existed); on DynamoDB (a moto server, or AWS_ENDPOINT_URL), the requests
one stats view makes for a 10,000-entry library (goal <= 3) and the requests of an add, an edit and
a delete. The big DynamoDB library is written with BatchWriteItem (items as the repositories
write them, and its stored counters), not one transaction per entry."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import insert

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from booklib.config import Settings  # noqa: E402
from booklib.domain import stats  # noqa: E402
from booklib.domain.model import Book, Entry, ReadingStatus, ReadThrough, UserBook, new_id, utcnow  # noqa: E402
from booklib.domain.services.stats import StatsService  # noqa: E402
from booklib.web import create_app  # noqa: E402

SMALL, RUNS = 50, 100
STATUSES = list(ReadingStatus)
TAGS = ("sci-fi", "classics", "book club", "favourites", "poetry", "history", "audiobook")
GENRES = ("Fiction", "History", "Science", "Poetry", "Biography")


def library(user_id: str, count: int) -> list[Entry]:
    """A varied library: statuses, re-reads over ten years, ratings, tags, genres, page counts."""
    entries, start = [], utcnow() - timedelta(days=count)
    for i in range(count):
        status = STATUSES[i % 4]
        finished = date(2016 + i % 11, 1 + i % 12, 1 + i % 28)
        reads = ()
        if status is ReadingStatus.READ:
            reads = (ReadThrough(finished - timedelta(days=3 + i % 40), finished),)
            if i % 10 == 0:
                reads = (ReadThrough(None, finished - timedelta(days=400)), *reads)
        book = Book(id=new_id(), isbn=None, title=f"Title {i}", author=f"Author {i % 300}", genre=GENRES[i % 5],
                    page_count=120 + i % 500, created_at=start, updated_at=start)
        ub = UserBook(id=new_id(), user_id=user_id, book_id=book.id, status=status, rating=(i % 10 + 1) / 2 if i % 3 else None,
                      reads=reads, tags=tuple(TAGS[j] for j in range(i % 4) if (i + j) % 2 == 0),
                      date_added=start + timedelta(minutes=i), updated_at=start)
        entries.append(Entry(ub, book))
    return entries


def sql_fill(engine, entries: list[Entry]) -> None:
    from booklib.adapters.sqlite.repositories import _book_row, _user_book_row
    from booklib.adapters.sqlite.tables import books, user_books

    with engine.begin() as conn:
        conn.execute(insert(books), [_book_row(e.book) for e in entries])
        conn.execute(insert(user_books), [_user_book_row(e.user_book) for e in entries])


def median_ms(*calls) -> list[float]:
    """Median times of the calls, taken in turn (a busy machine slows them alike)."""
    samples: list[list[float]] = [[] for _ in calls]
    for _ in range(RUNS):
        for call, times in zip(calls, samples):
            started = time.perf_counter()
            call()
            times.append(time.perf_counter() - started)
    return [statistics.median(times) * 1000 for times in samples]


def sqlite_figures(big: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings.from_env(env={}, instance_path=tmp, database_url=f"sqlite:///{tmp}/bench.db",
                                     secret_key="bench", tasks="inline")
        app = create_app(settings)
        container = app.extensions["booklib.container"]
        clients = {}
        for name, size in (("big", big), ("small", SMALL)):
            user = container.accounts().register(name, f"{name}@example.org", "password1")
            sql_fill(container.sql_engine(), library(user.id, size))
            client = app.test_client()
            assert client.post("/api/v1/auth/login", json={"email": f"{name}@example.org", "password": "password1"}).status_code == 200
            started = time.perf_counter()
            assert client.get("/api/v1/stats").status_code == 200  # counters never kept: built once, here
            print(f"SQLite, {size} entries: first view, building the counters once: {(time.perf_counter() - started) * 1000:.1f} ms")
            clients[size] = client

        def view(client):
            response = client.get("/api/v1/stats?year=2024")
            assert response.status_code == 200

        big_ms, small_ms = median_ms(lambda: view(clients[big]), lambda: view(clients[SMALL]))
        print(f"SQLite: median GET /api/v1/stats, {big} entries: {big_ms:.2f} ms")
        print(f"SQLite: median GET /api/v1/stats, {SMALL} entries: {small_ms:.2f} ms")
        print(f"SQLite: ratio {big_ms / small_ms:.2f} (goal <= 1.5)")


def dynamodb_figures(big: int) -> None:
    from booklib.adapters.dynamodb.items import book_item, user_book_item
    from booklib.adapters.dynamodb.stats import counted_attribute
    from tests.contract.builders import a_book, a_user, an_entry
    from tests.support.backends import dynamodb_storage_on
    from tests.support.dynamodb import RequestCounter, client_for, fresh_tables
    from tests.support.moto_server import MotoServer

    with contextlib.ExitStack() as stack:
        url = os.environ.get("AWS_ENDPOINT_URL") or stack.enter_context(MotoServer()).url
        client = client_for(url)
        names = stack.enter_context(fresh_tables(client))
        storage = dynamodb_storage_on(client, names)
        user = a_user("big")
        storage.users.add(user)
        entries = library(user.id, big)
        started = time.perf_counter()
        requests = [{"PutRequest": {"Item": book_item(e.book)}} for e in entries]
        requests += [{"PutRequest": {"Item": {**user_book_item(e.user_book), **counted_attribute(e.book)}}} for e in entries]
        tables = [names.books] * big + [names.user_books] * big
        for i in range(0, len(requests), 25):
            batch: dict[str, list] = {}
            for table, request in zip(tables[i:i + 25], requests[i:i + 25]):
                batch.setdefault(table, []).append(request)
            while batch:
                batch = client.batch_write_item(RequestItems=batch).get("UnprocessedItems") or {}
        assert storage.stats.store_built(user.id, stats.compute(entries), (0, ()))
        print(f"DynamoDB ({url}): {big} entries and their counters written in {time.perf_counter() - started:.1f} s")

        service = StatsService(storage.stats, storage.user_books)
        storage.stats.set_goal(user.id, 2024, 50)
        with RequestCounter(client) as counter:
            figures = service.overview(user.id, 2024)
        assert figures["entries"] == big
        print(f"DynamoDB: requests per stats view, {big} entries: {counter.total} {dict(counter.calls)} (goal <= 3)")

        book = a_book(None, title="One more", page_count=321)
        storage.books.add(book)
        entry = an_entry(user, book, status=ReadingStatus.READ, reads=(ReadThrough(None, date(2024, 5, 1)),))
        for label, write in (
            ("add", lambda: storage.user_books.add(entry)),
            ("edit (rating)", lambda: storage.user_books.update(entry.id, 0, {"rating": 4})),
            ("edit (review only)", lambda: storage.user_books.update(entry.id, 1, {"review": "Good."})),
            ("delete", lambda: storage.user_books.delete(entry.id)),
        ):
            with RequestCounter(client) as counter:
                write()
            print(f"DynamoDB: requests for one {label}: {counter.total} {dict(counter.calls)}")
        after = storage.stats.load(user.id).counters
        assert after == stats.compute(entries), "counters drifted from the library"

        small = a_user("small")
        storage.users.add(small)
        for e in library(small.id, 200):
            storage.books.add(e.book)
            storage.user_books.add(e.user_book)
        with RequestCounter(client) as counter:
            service.overview(small.id)
        print(f"DynamoDB: first stats view of 200 entries added one by one (counters built once): {counter.total} "
              f"{dict(counter.calls)}")
        with RequestCounter(client) as counter:
            service.overview(small.id)
        print(f"DynamoDB: the next stats view: {counter.total} {dict(counter.calls)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--skip-dynamodb", action="store_true")
    args = parser.parse_args()
    sqlite_figures(args.entries)
    if not args.skip_dynamodb:
        dynamodb_figures(args.entries)


if __name__ == "__main__":
    main()
