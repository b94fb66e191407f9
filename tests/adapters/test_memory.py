"""The memory repositories: what the contract suites leave open is checked against the SQL adapter itself."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import timedelta

import pytest

from booklib.adapters.memory import MemoryStore, make_repositories
from booklib.domain.errors import BackendNotReadyError
from booklib.domain.model import ListQuery, ReadingStatus, Sort, SyncStatus
from tests.contract.builders import a_book, a_user, an_entry
from tests.support.backends import sqlite_storage

WORDS = ["Dune", "dune", "Émile", "émile", "Zed", "zed", "Hobbit", "", None, "Ωmega", "a_b", "50%"]


def _same_library(stores, seed: int):
    """The same randomised library in every store: ties in date, rating and title on purpose."""
    rng = random.Random(seed)
    people = [a_user("ann"), a_user("bob")]
    for store in stores:
        for person in people:
            store.users.add(person)
    for i in range(40):
        book = a_book(None if i % 3 else f"978{i:010d}", title=rng.choice(WORDS), author=rng.choice(WORDS))
        entry = an_entry(
            rng.choice(people),
            book,
            minutes=rng.randrange(6),  # many entries added "at the same time"
            status=rng.choice(list(ReadingStatus)),
            rating=rng.choice([None, 1, 3, 5]),
            title=rng.choice([None, None, *WORDS]),
            sync_status=rng.choice(list(SyncStatus)),
        )
        for store in stores:
            store.books.add(book)
            store.user_books.add(entry)
    return people


def _walk(store, user_id, query):
    ids, cursor = [], None
    while True:
        page = store.user_books.list_entries(user_id, query.with_cursor(cursor))
        ids.append([e.id for e in page.items])
        cursor = page.next_cursor
        if cursor is None:
            return ids


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(2))
def test_listings_page_exactly_like_the_sql_adapter(tmp_path, seed):
    memory = make_repositories()
    with sqlite_storage(tmp_path) as sql:
        people = _same_library([memory, sql], seed)
        for person in people:
            for sort in Sort:
                for status in (None, ReadingStatus.READ):
                    for q in (None, "e", "DUNE", "_"):
                        query = ListQuery(status=status, q=q, sort=sort, limit=5)
                        assert _walk(memory, person.id, query) == _walk(sql, person.id, query), query
        assert memory.user_books.pending_ids() == sql.user_books.pending_ids()


def test_a_cursor_of_one_backend_continues_the_same_listing_on_the_other(tmp_path):
    """Both use the shared cursor format, so a cursor means the same position everywhere."""
    memory = make_repositories()
    with sqlite_storage(tmp_path) as sql:
        [ann, _] = _same_library([memory, sql], seed=7)
        for sort in Sort:
            cursor = sql.user_books.list_entries(ann.id, ListQuery(sort=sort, limit=3)).next_cursor
            query = ListQuery(sort=sort, limit=3, cursor=cursor)
            assert [e.id for e in memory.user_books.list_entries(ann.id, query).items] == [
                e.id for e in sql.user_books.list_entries(ann.id, query).items
            ]


def test_stored_objects_are_copies():
    repositories = make_repositories()
    user, book = a_user(), a_book(title="Kept")
    repositories.users.add(user)
    repositories.books.add(book)
    entry = an_entry(user, book)
    repositories.user_books.add(entry)

    book.title = "changed by the caller after add"
    repositories.user_books.get(entry.id).rating = 5
    repositories.books.get(book.id).title = "changed by the caller after get"

    assert repositories.books.get(book.id).title == "Kept"
    assert repositories.user_books.get(entry.id).rating is None


def test_emails_are_stored_lower_case_and_times_in_utc():
    from datetime import timezone

    repositories = make_repositories()
    user = a_user("Ann", "Ann@Example.org")
    user = replace(user, created_at=user.created_at.astimezone(timezone(timedelta(hours=2))))
    repositories.users.add(user)
    stored = repositories.users.get(user.id)
    assert stored.email == "ann@example.org"
    assert stored.created_at == user.created_at and stored.created_at.tzinfo == timezone.utc


def test_naive_times_are_refused_as_by_the_sql_adapter():
    repositories = make_repositories()
    with pytest.raises(ValueError):
        repositories.users.add(replace(a_user(), created_at=a_user().created_at.replace(tzinfo=None)))


def test_sets_over_one_store_share_their_data():
    store = MemoryStore()
    first, second = make_repositories(store), make_repositories(store)
    user = a_user()
    first.users.add(user)
    assert second.users.get(user.id) == user
    assert make_repositories().users.get(user.id) is None


def test_the_probe_can_be_told_to_fail():
    probe = make_repositories().probe
    probe.check()
    probe.fail("disk on fire")
    with pytest.raises(BackendNotReadyError, match="disk on fire"):
        probe.check()
    probe.fail(None)
    probe.check()
