"""add_many (an import's entries) keeps the stats counters like one add at a time, on every backend."""

from datetime import date

from booklib.domain import stats
from booklib.domain.model import Entry, ReadingStatus, ReadThrough
from booklib.domain.services.library import every_entry
from booklib.domain.services.stats import StatsService

from .builders import a_book, a_user, an_entry


def test_entries_added_at_once_are_counted(storage):
    user = a_user("importer")
    storage.users.add(user)
    StatsService(storage.stats, storage.user_books).overview(user.id)  # counters built (empty) first
    reads = (ReadThrough(date(2024, 2, 1), date(2024, 2, 9)),)
    entries = []
    for i in range(30):
        book = a_book(None, title=f"B{i}", page_count=100 + i, genre=("Poetry", "History")[i % 2])
        entries.append(Entry(an_entry(user, book, status=ReadingStatus.READ, reads=reads, tags=(f"t{i % 7}",),
                                      rating=(i % 10 + 1) / 2), book))
    assert storage.user_books.add_many(entries, {e.book.id for e in entries}) == set()
    assert storage.stats.load(user.id).counters == stats.compute(every_entry(storage.user_books, user.id))
