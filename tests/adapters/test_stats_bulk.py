"""Bulk adds (an import's entries in one transaction) keep the stats counters like single adds."""

from datetime import date

from booklib.domain import stats
from booklib.domain.model import ReadingStatus, ReadThrough
from booklib.domain.services.library import every_entry
from booklib.domain.services.stats import StatsService
from tests.contract.builders import a_book, a_user, an_entry


def entries_of(storage, user, n=3):
    books = [a_book(None, title=f"B{i}", page_count=100 + i, genre="Poetry") for i in range(n)]
    for book in books:
        storage.books.add(book)
    reads = (ReadThrough(date(2024, 2, 1), date(2024, 2, 9)),)
    return books, [an_entry(user, book, status=ReadingStatus.READ, reads=reads, tags=("x",), rating=3.5) for book in books]


def check(storage, user):
    assert storage.stats.load(user.id).counters == stats.compute(every_entry(storage.user_books, user.id))


def test_sql_bulk_insert(tmp_path):
    from sqlalchemy import insert

    from booklib.adapters.sqlite.repositories import _user_book_row
    from booklib.adapters.sqlite.stats import record_entries_added
    from booklib.adapters.sqlite.tables import user_books
    from tests.support.backends import sqlite_storage

    with sqlite_storage(tmp_path) as storage:
        user = a_user()
        storage.users.add(user)
        StatsService(storage.stats, storage.user_books).overview(user.id)  # built, empty
        _, added = entries_of(storage, user)
        with storage.user_books.engine.begin() as conn:
            conn.execute(insert(user_books), [_user_book_row(ub) for ub in added])
            record_entries_added(conn, added)
        check(storage, user)


def test_dynamodb_bulk_transaction(tmp_path):
    from booklib.adapters.dynamodb.guards import put_guard, put_new, write_atomically
    from booklib.adapters.dynamodb.items import user_book_item
    from booklib.adapters.dynamodb.user_books import KEY, entry_guard
    from tests.support.backends import dynamodb_moto_storage

    with dynamodb_moto_storage(tmp_path) as storage:
        user = a_user()
        storage.users.add(user)
        StatsService(storage.stats, storage.user_books).overview(user.id)
        books, added = entries_of(storage, user)
        repo = storage.user_books
        pairs = [(user_book_item(ub), ub) for ub in added]
        counters = repo.counted.adding_many(pairs, {b.id: b for b in books[:1]})
        operations = [op for item, ub in pairs for op in (put_new(repo.table, item, KEY),
                                                         put_guard(repo.table, KEY, entry_guard(ub.user_id, ub.book_id), ub.id))]
        write_atomically(repo.client, operations + counters, [None] * (len(operations) + len(counters)))
        assert len(counters) == 1  # one item per reader and part, whatever the number of entries
        check(storage, user)
        storage.user_books.delete(added[0].id)  # counted with the book values it was added with
        check(storage, user)
