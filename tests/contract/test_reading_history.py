"""Contract of the UserBookRepository port for the reading model: read-throughs, tags, half stars,
did-not-finish, reviews, notes and page counts are stored, changed and filtered alike everywhere."""

from dataclasses import replace
from datetime import date

from booklib.domain.model import ListQuery, ReadingStatus, ReadThrough, Sort

from .builders import a_book, a_user, an_entry


def shelved(storage, **fields):
    user = a_user("reader")
    storage.users.add(user)
    book = a_book(None, title="A Book")
    storage.books.add(replace(book, page_count=320))
    entry = an_entry(user, book, **fields)
    storage.user_books.add(entry)
    return user, entry


READS = (ReadThrough(date(2019, 3, 1), date(2019, 3, 20)), ReadThrough(date(2024, 1, 2), None))


def test_the_reading_model_round_trips(storage):
    user, entry = shelved(storage, status=ReadingStatus.DID_NOT_FINISH, rating=3.5, reads=READS,
                          tags=("Sci-Fi", "book club"), review="Loved the start.", notes="Lent to Bob", page_count=300)
    stored = storage.user_books.get(entry.id)
    assert stored == entry
    assert stored.rating == 3.5 and isinstance(stored.reads[0], ReadThrough)
    view = storage.user_books.get_entry(user.id, entry.id)
    assert view.value("page_count") == 300 and view.book.page_count == 320
    assert view.to_dict()["reads"] == [{"started_on": "2019-03-01", "finished_on": "2019-03-20"},
                                       {"started_on": "2024-01-02", "finished_on": None}]


def test_whole_ratings_come_back_as_integers(storage):
    _, entry = shelved(storage, rating=4)
    assert type(storage.user_books.get(entry.id).rating) is int
    changed = storage.user_books.update(entry.id, entry.version, {"rating": 4.5})
    assert changed.rating == 4.5 and storage.user_books.get(entry.id).rating == 4.5


def test_reads_and_tags_are_changed_and_cleared(storage):
    _, entry = shelved(storage, reads=READS, tags=("a",), review="x")
    changed = storage.user_books.update(entry.id, entry.version, {"reads": READS[:1], "tags": ("b", "C"), "review": None})
    assert storage.user_books.get(entry.id) == changed
    assert (changed.reads, changed.tags, changed.review) == (READS[:1], ("b", "C"), None)
    cleared = storage.user_books.update(entry.id, changed.version, {"reads": (), "tags": ()})
    assert (cleared.reads, cleared.tags) == ((), ())
    assert storage.user_books.get(entry.id) == cleared


def test_the_tag_filter_matches_whole_tags_ignoring_case(storage):
    user = a_user("reader")
    storage.users.add(user)
    tagged = {}
    for i, tags in enumerate([("Sci-Fi", "favourites"), ("sci-fi",), ("science",), (), ("100%_sure",)]):
        book = a_book(None, title=f"Book {i}")
        storage.books.add(book)
        entry = an_entry(user, book, minutes=i, tags=tags, status=ReadingStatus.READ if i % 2 else ReadingStatus.TO_READ)
        storage.user_books.add(entry)
        tagged[i] = entry.id
    found = storage.user_books.list_entries(user.id, ListQuery.parse(tag="SCI-FI")).items
    assert {e.id for e in found} == {tagged[0], tagged[1]}
    assert [e.id for e in storage.user_books.list_entries(user.id, ListQuery.parse(tag="sci-fi", status="read")).items] == [tagged[1]]
    assert [e.id for e in storage.user_books.list_entries(user.id, ListQuery.parse(tag="100%_sure")).items] == [tagged[4]]
    assert storage.user_books.list_entries(user.id, ListQuery.parse(tag="sci")).items == []
    by_title = storage.user_books.list_entries(user.id, ListQuery.parse(tag="sci-fi", sort="title", limit=1))
    second = storage.user_books.list_entries(user.id, ListQuery.parse(tag="sci-fi", sort="title", limit=1,
                                                                        cursor=by_title.next_cursor))
    assert [e.id for e in by_title.items + second.items] == [tagged[0], tagged[1]] and second.next_cursor is None


def test_half_star_ratings_sort_between_whole_ones(storage):
    user = a_user("reader")
    storage.users.add(user)
    for i, rating in enumerate([4, 4.5, None, 5, 0.5]):
        book = a_book(None, title=f"Book {i}")
        storage.books.add(book)
        storage.user_books.add(an_entry(user, book, minutes=i, rating=rating))
    ratings = [e.user_book.rating for e in storage.user_books.list_entries(user.id, ListQuery(sort=Sort.RATING)).items]
    assert ratings == [5, 4.5, 4, 0.5, None]
    first = storage.user_books.list_entries(user.id, ListQuery(sort=Sort.RATING, limit=2))
    rest = storage.user_books.list_entries(user.id, ListQuery(sort=Sort.RATING, limit=2, cursor=first.next_cursor))
    assert [e.user_book.rating for e in first.items + rest.items] == [5, 4.5, 4, 0.5]
