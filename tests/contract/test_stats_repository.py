"""Contract of the StatsRepository port with the entry repositories: whatever sequence of adds, edits
and deletes a reader makes, the stored counters equal the ones counted from scratch from the library,
on every backend; goals are kept per reader and year; counters never built are built once."""

from dataclasses import replace
from datetime import date

import uuid

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from booklib.domain import stats
from booklib.domain.model import ReadingStatus, ReadThrough, SyncStatus
from booklib.domain.services.library import every_entry
from booklib.domain.services.stats import StatsService

from .builders import a_book, a_user, an_entry

DAY = st.dates(min_value=date(2023, 11, 1), max_value=date(2025, 2, 28))


@st.composite
def a_read(draw):
    start, finish = draw(st.one_of(st.none(), DAY)), draw(st.one_of(st.none(), DAY))
    if start and finish and finish < start:
        start, finish = finish, start
    return ReadThrough(start, finish)


FIELDS = st.fixed_dictionaries({}, optional={
    "status": st.sampled_from(list(ReadingStatus)),
    "rating": st.one_of(st.none(), st.sampled_from([0.5, 1, 2.5, 4, 4.5, 5])),
    "reads": st.lists(a_read(), max_size=3).map(tuple),
    "tags": st.lists(st.sampled_from(["Sci-Fi", "sci-fi", "book club", "2024"]), max_size=3, unique=True).map(tuple),
    "page_count": st.one_of(st.none(), st.integers(1, 900)),
    "genre": st.one_of(st.none(), st.sampled_from(["Fiction", "History"])),
    "title": st.sampled_from(["A", "B"]),
    "sync_status": st.sampled_from(list(SyncStatus)),
})
STEP = st.tuples(st.sampled_from(["add", "edit", "edit", "delete", "book"]), st.integers(0, 3), FIELDS)


def _tags_ok(fields):
    tags = fields.get("tags", ())
    return len({t.casefold() for t in tags}) == len(tags)


def recomputed(storage, user_id):
    return stats.compute(every_entry(storage.user_books, user_id))


def stored(storage, user_id):
    return storage.stats.load(user_id).counters


class Library:
    """A reader with a few books (shared ISBN books, so another reader's job changes them too)."""

    def __init__(self, storage, name):
        self.storage = storage
        self.user = a_user(f"{name}{uuid.uuid4().hex[:8]}")
        storage.users.add(self.user)
        self.entries: dict[int, str] = {}

    def run(self, step, books):
        kind, slot, fields = step
        fields = {k: v for k, v in fields.items() if k != "genre"} if kind != "book" else fields
        ub_repo = self.storage.user_books
        if kind == "add" and slot not in self.entries:
            entry = an_entry(self.user, books[slot], **{k: v for k, v in fields.items() if k != "title"})
            ub_repo.add(entry)
            self.entries[slot] = entry.id
        elif kind == "edit" and slot in self.entries:
            current = ub_repo.get(self.entries[slot])
            ub_repo.update(current.id, current.version, fields)
        elif kind == "delete" and slot in self.entries:
            ub_repo.delete(self.entries.pop(slot))
        elif kind == "book":
            book = self.storage.books.get(books[slot].id)
            self.storage.books.update(replace(book, page_count=fields.get("page_count"), genre=fields.get("genre")))
            if slot in self.entries:  # the job ends by marking its own entry: the write that counts the book
                current = ub_repo.get(self.entries[slot])
                ub_repo.update(current.id, current.version, {"sync_status": SyncStatus.SYNCED})


def shared_books(storage):
    prefix = f"{uuid.uuid4().int % 10**10:010d}"
    books = [a_book(f"{prefix}00{i}", page_count=100 * (i + 1), genre="Poetry") for i in range(4)]
    for book in books:
        storage.books.add(book)
    return books


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(steps=st.lists(STEP, max_size=14), built_first=st.booleans())
def test_stored_counters_always_equal_the_library_counted_again(storage, steps, built_first):
    library = Library(storage, "reader")
    books = shared_books(storage)
    service = StatsService(storage.stats, storage.user_books)
    if built_first:
        service.overview(library.user.id)
    for step in steps:
        if _tags_ok(step[2]):
            library.run(step, books)
    service.overview(library.user.id)  # builds them when they never were
    assert stored(storage, library.user.id) == recomputed(storage, library.user.id)
    for step in steps[::-1]:  # and they stay equal after more writes
        if _tags_ok(step[2]):
            library.run(step, books)
    assert stored(storage, library.user.id) == recomputed(storage, library.user.id)


def test_a_reader_s_figures(storage):
    library = Library(storage, "reader")
    books = shared_books(storage)
    reads = (ReadThrough(date(2024, 1, 2), date(2024, 1, 12)), ReadThrough(date(2024, 3, 1), date(2024, 3, 5)))
    library.run(("add", 0, {"status": ReadingStatus.READ, "reads": reads, "rating": 4.5, "tags": ("Sci-Fi",)}), books)
    library.run(("add", 1, {"status": ReadingStatus.DID_NOT_FINISH, "reads": (ReadThrough(date(2024, 2, 1)),)}), books)
    library.run(("add", 2, {"status": ReadingStatus.READ, "reads": (ReadThrough(None, date(2023, 12, 31)),),
                            "page_count": 50, "rating": 4.5, "tags": ("sci-fi", "book club")}), books)
    service = StatsService(storage.stats, storage.user_books)
    storage.stats.set_goal(library.user.id, 2024, 12)
    figures = service.overview(library.user.id, "2024", today=date(2024, 3, 31))
    assert figures["books_finished"] == 2 and figures["pages_finished"] == 200  # a re-read counts
    assert [m["books"] for m in figures["months"][:4]] == [1, 0, 1, 0]
    assert figures["years"] == [{"year": 2023, "books": 1, "pages": 50}, {"year": 2024, "books": 2, "pages": 200}]
    assert figures["goal"] == {"year": 2024, "books": 12, "finished": 2, "progress": 0.1667,
                               "expected_by_today": 3.0, "pace": "behind", "difference": -1.0}
    assert {"rating": 4.5, "count": 2} in figures["ratings"] and figures["average_rating"] == 4.5
    assert figures["top_tags"] == [{"tag": "sci-fi", "count": 2}, {"tag": "book club", "count": 1}]
    assert figures["top_genres"] == [{"genre": "Poetry", "count": 3}]
    assert figures["average_days_to_finish"] == {"year": 7.0, "overall": 7.0}
    assert figures["did_not_finish"] == 1 and figures["entries"] == 3


def test_goals_are_kept_per_reader_and_year(storage):
    ada, bob = Library(storage, "ada"), Library(storage, "bob")
    storage.stats.set_goal(ada.user.id, 2025, 30)
    storage.stats.set_goal(ada.user.id, 2026, 10)
    storage.stats.set_goal(bob.user.id, 2026, 5)
    storage.stats.set_goal(ada.user.id, 2026, 12)
    assert storage.stats.load(ada.user.id).goals == {2025: 30, 2026: 12}
    storage.stats.set_goal(ada.user.id, 2025, None)
    assert storage.stats.load(ada.user.id).goals == {2026: 12}
    assert storage.stats.load(bob.user.id).goals == {2026: 5}


def test_counters_built_from_a_library_are_stored_once(storage):
    library = Library(storage, "reader")
    books = shared_books(storage)
    library.run(("add", 0, {"status": ReadingStatus.READ, "reads": (ReadThrough(None, date(2024, 5, 1)),)}), books)
    service = StatsService(storage.stats, storage.user_books)
    assert service.overview(library.user.id, 2024)["books_finished"] == 1
    assert stored(storage, library.user.id) == recomputed(storage, library.user.id)
    loaded = storage.stats.load(library.user.id)
    assert storage.stats.store_built(library.user.id, {"entries": 99}, loaded.token) in (False, True)
    if storage.stats.load(library.user.id).counters != recomputed(storage, library.user.id):
        pytest.fail("counters built once were replaced by a second build")


def test_a_build_is_not_stored_over_a_write_made_meanwhile(storage):
    library = Library(storage, "reader")
    books = shared_books(storage)
    token = storage.stats.load(library.user.id).token
    library.run(("add", 0, {"status": ReadingStatus.READ, "reads": (ReadThrough(None, date(2024, 5, 1)),)}), books)
    stale = {"entries": 0}
    if storage.stats.load(library.user.id).counters is None:  # backends that keep counters
        assert storage.stats.store_built(library.user.id, stale, token) is False
    StatsService(storage.stats, storage.user_books).overview(library.user.id)
    assert stored(storage, library.user.id) == recomputed(storage, library.user.id)
