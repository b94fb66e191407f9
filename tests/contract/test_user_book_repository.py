"""Contract of the UserBookRepository port: entries, pages, filters, cursors."""

import time
from dataclasses import replace
from datetime import timedelta

import pytest

from booklib.domain.errors import ConflictError, InvalidCursorError, NotFoundError, StaleWriteError
from booklib.domain.model import ListQuery, ReadingStatus, Sort, SyncStatus

from .builders import a_book, a_user, an_entry, race


@pytest.fixture
def reader(storage):
    user = a_user("reader")
    storage.users.add(user)
    return user


def shelve(storage, user, n, **fields):
    """Add n hand-entered books; entry i is added i minutes after T0."""
    entries = []
    for i in range(n):
        book = a_book(None, title=f"Title {i:03d}", author=f"Author {(n - i):03d}")
        storage.books.add(book)
        entry = an_entry(user, book, minutes=i, **fields)
        storage.user_books.add(entry)
        entries.append(entry)
    return entries


def walk(storage, user_id, query):
    """Every page of a listing, following next_cursor."""
    seen, cursor = [], None
    for _ in range(1000):
        page = storage.user_books.list_entries(user_id, query.with_cursor(cursor))
        seen.extend(page.items)
        cursor = page.next_cursor
        if cursor is None:
            return seen
    raise AssertionError("pagination did not end")


def test_added_entry_reads_back(storage, reader):
    book = a_book(title="Shared")
    storage.books.add(book)
    entry = an_entry(reader, book, status=ReadingStatus.READING, rating=4, title="My title")
    storage.user_books.add(entry)

    assert storage.user_books.get(entry.id) == entry
    joined = storage.user_books.get_entry(reader.id, entry.id)
    assert joined.user_book == entry and joined.book == book
    assert joined.to_dict()["title"] == "My title"


def test_another_users_entry_is_invisible(storage, reader):
    other = a_user("other")
    storage.users.add(other)
    [entry] = shelve(storage, reader, 1)
    assert storage.user_books.get_entry(other.id, entry.id) is None
    assert storage.user_books.list_entries(other.id, ListQuery()).items == []


def test_one_entry_per_user_and_book(storage, reader):
    book = a_book()
    storage.books.add(book)
    storage.user_books.add(an_entry(reader, book))
    with pytest.raises(ConflictError):
        storage.user_books.add(an_entry(reader, book))


def test_two_users_share_one_book(storage, reader):
    other = a_user("other")
    storage.users.add(other)
    book = a_book()
    storage.books.add(book)
    storage.user_books.add(an_entry(reader, book))
    storage.user_books.add(an_entry(other, book))
    assert len(storage.user_books.list_entries(other.id, ListQuery()).items) == 1


def test_simultaneous_adds_of_one_book_keep_one_entry(storage, reader):
    book = a_book()
    storage.books.add(book)

    outcomes = race(storage.user_books.add, [an_entry(reader, book) for _ in range(30)])
    assert outcomes.count("won") == 1
    assert len(storage.user_books.list_entries(reader.id, ListQuery()).items) == 1


def test_update_and_delete(storage, reader):
    [entry] = shelve(storage, reader, 1)
    changes = dict(status=ReadingStatus.READ, rating=5, sync_status=SyncStatus.FAILED, sync_error="nope", genre="Mine")
    stored = storage.user_books.update(entry.id, entry.version, changes)
    assert stored == storage.user_books.get(entry.id)
    assert stored == replace(entry, **changes, version=entry.version + 1, updated_at=stored.updated_at)
    assert stored.updated_at >= entry.updated_at
    storage.user_books.delete(entry.id)
    assert storage.user_books.get(entry.id) is None
    assert storage.user_books.get_entry(reader.id, entry.id) is None


def test_delete_frees_the_book_for_the_same_user(storage, reader):
    book = a_book()
    storage.books.add(book)
    first = an_entry(reader, book)
    storage.user_books.add(first)
    storage.user_books.delete(first.id)
    storage.user_books.add(an_entry(reader, book))


def test_default_listing_is_newest_first_and_pages_cover_everything_once(storage, reader):
    entries = shelve(storage, reader, 23)
    seen = walk(storage, reader.id, ListQuery(limit=5))
    assert [e.id for e in seen] == [e.id for e in reversed(entries)]


def test_page_size_is_respected(storage, reader):
    shelve(storage, reader, 7)
    page = storage.user_books.list_entries(reader.id, ListQuery(limit=3))
    assert len(page.items) == 3 and page.next_cursor
    last = storage.user_books.list_entries(reader.id, ListQuery(limit=7))
    assert len(last.items) == 7 and last.next_cursor is None


def test_filter_by_status_pages_correctly(storage, reader):
    shelve(storage, reader, 9, status=ReadingStatus.READ)
    reading = shelve(storage, reader, 7, status=ReadingStatus.READING)
    seen = walk(storage, reader.id, ListQuery(status=ReadingStatus.READING, limit=3))
    assert sorted(e.id for e in seen) == sorted(e.id for e in reading)


def test_search_matches_title_or_author_case_insensitively(storage, reader):
    for title, author in [("The Hobbit", "J.R.R. Tolkien"), ("Dune", "Frank Herbert"), ("Hobbies 100%", "Ann")]:
        book = a_book(None, title=title, author=author)
        storage.books.add(book)
        storage.user_books.add(an_entry(reader, book))
    titles = lambda q: sorted(e.value("title") for e in walk(storage, reader.id, ListQuery(q=q, limit=1)))
    assert titles("HOBB") == ["Hobbies 100%", "The Hobbit"]
    assert titles("tolkien") == ["The Hobbit"]
    assert titles("100%") == ["Hobbies 100%"]
    assert titles("_") == []


def test_search_and_title_sort_fold_case_beyond_ascii(storage, reader):
    for title in ("Émile ou de l'éducation", "Über Menschen", "ÆSOP'S FABLES", "apple"):
        book = a_book(None, title=title, author="Ωmega")
        storage.books.add(book)
        storage.user_books.add(an_entry(reader, book))
    assert [e.value("title") for e in walk(storage, reader.id, ListQuery(q="émile"))] == ["Émile ou de l'éducation"]
    assert len(walk(storage, reader.id, ListQuery(q="ωMEGA"))) == 4
    titles = [e.value("title") for e in walk(storage, reader.id, ListQuery(sort=Sort.TITLE, limit=2))]
    assert titles == sorted(titles, key=str.lower)


def test_search_and_sort_use_the_users_own_edits(storage, reader):
    book = a_book(title="Shared title", author="Zed")
    storage.books.add(book)
    storage.user_books.add(an_entry(reader, book, title="Aardvark notes"))
    other = a_book(None, title="Middle", author="Amy")
    storage.books.add(other)
    storage.user_books.add(an_entry(reader, other))
    assert [e.value("title") for e in walk(storage, reader.id, ListQuery(q="aardvark"))] == ["Aardvark notes"]
    assert [e.value("title") for e in walk(storage, reader.id, ListQuery(sort=Sort.TITLE))] == ["Aardvark notes", "Middle"]


def test_search_sees_metadata_that_arrived_after_the_entry(storage, reader):
    book = a_book(title=None)
    storage.books.add(book)
    entry = an_entry(reader, book, rating=4)
    storage.user_books.add(entry)
    storage.books.update(replace(book, title="Arrived Later", author="Someone"))
    found = walk(storage, reader.id, ListQuery(q="arrived", sort=Sort.TITLE))
    assert [e.value("title") for e in found] == ["Arrived Later"]
    assert storage.user_books.get_entry(reader.id, entry.id).user_book.rating == 4
    assert type(storage.user_books.get(entry.id).rating) is int


def test_sort_by_title_author_and_rating(storage, reader):
    entries = shelve(storage, reader, 12)
    for i, entry in enumerate(entries):
        storage.user_books.update(entry.id, entry.version, {"rating": (i % 5) + 1 if i % 4 else None})
    by_title = walk(storage, reader.id, ListQuery(sort=Sort.TITLE, limit=5))
    assert [e.value("title") for e in by_title] == sorted(e.value("title") for e in by_title)
    by_author = walk(storage, reader.id, ListQuery(sort=Sort.AUTHOR, limit=5))
    assert [e.value("author") for e in by_author] == sorted(e.value("author") for e in by_author)
    by_rating = walk(storage, reader.id, ListQuery(sort=Sort.RATING, limit=5))
    ratings = [e.user_book.rating or 0 for e in by_rating]
    assert ratings == sorted(ratings, reverse=True) and len(by_rating) == 12


@pytest.mark.parametrize("cursor", ["garbage", "eyJ4IjoxfQ", "e30", "!!!", "eyJmIjoiMDAwMCIsInAiOnt9fQ"])
def test_a_tampered_cursor_is_refused(storage, reader, cursor):
    shelve(storage, reader, 3)
    with pytest.raises(InvalidCursorError):
        storage.user_books.list_entries(reader.id, ListQuery(limit=1, cursor=cursor))


def test_another_users_cursor_is_refused(storage, reader):
    other = a_user("other")
    storage.users.add(other)
    shelve(storage, reader, 3)
    shelve(storage, other, 3)
    cursor = storage.user_books.list_entries(reader.id, ListQuery(limit=1)).next_cursor
    with pytest.raises(InvalidCursorError):
        storage.user_books.list_entries(other.id, ListQuery(limit=1, cursor=cursor))


def test_a_cursor_from_another_listing_is_refused(storage, reader):
    shelve(storage, reader, 3)
    cursor = storage.user_books.list_entries(reader.id, ListQuery(limit=1)).next_cursor
    with pytest.raises(InvalidCursorError):
        storage.user_books.list_entries(reader.id, ListQuery(limit=1, sort=Sort.TITLE, cursor=cursor))


def test_pending_ids_lists_unfinished_jobs_of_every_user(storage, reader):
    other = a_user("other")
    storage.users.add(other)
    pending = shelve(storage, reader, 2, sync_status=SyncStatus.PENDING) + shelve(storage, other, 1, sync_status=SyncStatus.PENDING)
    shelve(storage, reader, 2, sync_status=SyncStatus.FAILED)
    assert sorted(storage.user_books.pending_ids()) == sorted(e.id for e in pending)


def test_pending_ids_since_before_a_moment(storage, reader):
    [old] = shelve(storage, reader, 1, sync_status=SyncStatus.PENDING)
    cutoff = storage.user_books.get(old.id).updated_at + timedelta(microseconds=1)
    time.sleep(0.002)  # the next write must carry a later updated_at than the cutoff
    [new] = shelve(storage, reader, 1, sync_status=SyncStatus.PENDING)
    storage.user_books.update(new.id, new.version, {"rating": 3})
    assert storage.user_books.pending_ids(updated_before=cutoff) == [old.id]
    assert set(storage.user_books.pending_ids()) == {old.id, new.id}
    done = storage.user_books.update(old.id, old.version, {"sync_status": SyncStatus.SYNCED})
    assert storage.user_books.pending_ids() == [new.id] and done.sync_status is SyncStatus.SYNCED


def test_a_write_on_a_stale_version_is_refused_and_changes_nothing(storage, reader):
    [entry] = shelve(storage, reader, 1)
    first = storage.user_books.update(entry.id, entry.version, {"rating": 4})
    with pytest.raises(StaleWriteError):
        storage.user_books.update(entry.id, entry.version, {"rating": 1, "status": ReadingStatus.READ})
    assert storage.user_books.get(entry.id) == first


def test_updating_a_missing_entry_is_not_found(storage, reader):
    [entry] = shelve(storage, reader, 1)
    storage.user_books.delete(entry.id)
    with pytest.raises(NotFoundError):
        storage.user_books.update(entry.id, entry.version, {"rating": 4})
    assert storage.user_books.get(entry.id) is None


def test_a_readers_edit_and_the_job_interleaved_both_take_effect(storage, reader):
    """Both read version n; the edit lands first; the job's write on n is refused, it reads again and
    writes only its own attributes: the reader's rating and status stay, the job's status lands."""
    [entry] = shelve(storage, reader, 1, sync_status=SyncStatus.PENDING)
    job_read = storage.user_books.get(entry.id)
    edit_read = storage.user_books.get(entry.id)
    storage.user_books.update(edit_read.id, edit_read.version, {"rating": 4, "status": ReadingStatus.READ})
    with pytest.raises(StaleWriteError):
        storage.user_books.update(job_read.id, job_read.version, {"sync_status": SyncStatus.SYNCED})
    again = storage.user_books.get(entry.id)
    storage.user_books.update(again.id, again.version, {"sync_status": SyncStatus.SYNCED, "sync_error": None})
    final = storage.user_books.get(entry.id)
    assert (final.rating, final.status, final.sync_status) == (4, ReadingStatus.READ, SyncStatus.SYNCED)
    assert final.version == entry.version + 2


def test_racing_writers_on_one_version_exactly_one_wins(storage, reader):
    [entry] = shelve(storage, reader, 1)
    outcomes = race(lambda rating: storage.user_books.update(entry.id, entry.version, {"rating": rating}),
                    [(r % 5) + 1 for r in range(20)], losers=(StaleWriteError,))
    assert outcomes.count("won") == 1
    assert storage.user_books.get(entry.id).version == entry.version + 1


def test_backend_probe_passes_on_a_working_backend(storage):
    storage.probe.check()


def test_title_sort_is_natural_and_case_blind(storage, reader):
    for title in ("Book 12", "119", "book 2", "Book 10", "apple"):
        book = a_book(None, title=title, author="A")
        storage.books.add(book)
        storage.user_books.add(an_entry(reader, book))
    titles = [e.value("title") for e in walk(storage, reader.id, ListQuery(sort=Sort.TITLE, limit=2))]
    assert titles == ["119", "apple", "book 2", "Book 10", "Book 12"]


def test_search_matches_an_isbn(storage, reader):
    book = a_book("9780261103344", title="The Hobbit", author="Tolkien")
    storage.books.add(book)
    storage.user_books.add(an_entry(reader, book))
    other = a_book(None, title="Other", author="B")
    storage.books.add(other)
    storage.user_books.add(an_entry(reader, other))
    assert [e.value("title") for e in walk(storage, reader.id, ListQuery(q="9780261103344"))] == ["The Hobbit"]
    assert [e.value("title") for e in walk(storage, reader.id, ListQuery(q="0261103"))] == ["The Hobbit"]


def test_many_entries_are_added_at_once_and_a_taken_one_alone_is_left_out(storage, reader):
    from booklib.domain.model import Entry

    shelved = a_book("9780261103344", title="Shelved")
    storage.books.add(shelved)
    storage.user_books.add(an_entry(reader, shelved))
    taken_isbn = a_book("9780316030571", title="Someone else's")
    storage.books.add(taken_isbn)
    new_books = [a_book(None, title=f"Hand {i}") for i in range(40)] + [a_book("9784815602666", title="New ISBN")]
    entries = [Entry(an_entry(reader, book, minutes=i), book) for i, book in enumerate(new_books)]
    twice = Entry(an_entry(reader, shelved), shelved)  # this reader has it already
    clash = a_book("9780316030571", title="Same ISBN, other id")  # its ISBN has a book already
    clashing = Entry(an_entry(reader, clash), clash)
    ids = {book.id for book in new_books} | {clash.id}
    taken = storage.user_books.add_many([*entries[:20], twice, clashing, *entries[20:]], ids)
    assert taken == {twice.id, clashing.id}
    listed = walk(storage, reader.id, ListQuery(limit=100))
    assert len(listed) == len(entries) + 1 and {e.id for e in entries} <= {e.id for e in listed}
    assert storage.books.get(clash.id) is None and storage.books.get_by_isbn("9784815602666") == new_books[-1]
    assert storage.user_books.get_entry(reader.id, entries[3].id) == entries[3]


def test_entries_added_at_once_are_sorted_searched_and_tagged_like_single_adds(storage, reader):
    from booklib.domain.model import Entry

    books = [a_book(None, title=f"Book {n}", author=f"Writer {n}") for n in (10, 2, 1)]
    entries = [Entry(an_entry(reader, book, minutes=i, tags=("club",), rating=1 + i), book) for i, book in enumerate(books)]
    assert storage.user_books.add_many(entries, {book.id for book in books}) == set()
    title = lambda query: [e.value("title") for e in walk(storage, reader.id, query)]
    assert title(ListQuery(sort=Sort.TITLE, limit=2)) == ["Book 1", "Book 2", "Book 10"]
    assert title(ListQuery(sort=Sort.AUTHOR, limit=2)) == ["Book 1", "Book 2", "Book 10"]
    assert title(ListQuery(sort=Sort.RATING, limit=2)) == ["Book 1", "Book 2", "Book 10"]
    assert title(ListQuery(tag="club", limit=2)) == ["Book 1", "Book 2", "Book 10"]
    assert title(ListQuery(q="writer 2")) == ["Book 2"]


def test_a_tag_listing_pages_newest_first_and_follows_tag_edits(storage, reader):
    entries = shelve(storage, reader, 9)
    tagged = [e for i, e in enumerate(entries) if i % 2 == 0]
    for entry in tagged:
        storage.user_books.update(entry.id, entry.version, {"tags": ("Club", "mine")})
    assert [e.id for e in walk(storage, reader.id, ListQuery(tag="club", limit=2))] == [e.id for e in reversed(tagged)]
    dropped, deleted = tagged[0], tagged[1]
    storage.user_books.update(dropped.id, dropped.version + 1, {"tags": ("mine",)})
    storage.user_books.delete(deleted.id)
    assert [e.id for e in walk(storage, reader.id, ListQuery(tag="club", limit=2))] == [e.id for e in reversed(tagged[2:])]
    assert len(walk(storage, reader.id, ListQuery(tag="mine", limit=3))) == len(tagged) - 1


def test_listings_follow_a_books_new_metadata(storage, reader):
    late = a_book(None, title=None, author=None)
    storage.books.add(late)
    storage.user_books.add(an_entry(reader, late))
    for title in ("Bravo", "Delta"):
        book = a_book(None, title=title, author="Zed")
        storage.books.add(book)
        storage.user_books.add(an_entry(reader, book))
    storage.books.update(replace(late, title="Charlie 10", author="Amy", isbn="9780261103344"))
    titles = [e.value("title") for e in walk(storage, reader.id, ListQuery(sort=Sort.TITLE, limit=1))]
    assert titles == ["Bravo", "Charlie 10", "Delta"]
    assert walk(storage, reader.id, ListQuery(sort=Sort.AUTHOR, limit=1))[0].value("title") == "Charlie 10"
    assert [e.value("title") for e in walk(storage, reader.id, ListQuery(q="charlie"))] == ["Charlie 10"]
    assert [e.value("title") for e in walk(storage, reader.id, ListQuery(q="978-0261"))] == ["Charlie 10"]
    assert [e.value("title") for e in walk(storage, reader.id, ListQuery(q="ie 1"))] == ["Charlie 10"]  # short-ish
    assert [e.value("title") for e in walk(storage, reader.id, ListQuery(q="10"))] == ["Charlie 10"]  # under 3


def test_the_readers_own_title_outranks_the_books_in_every_listing(storage, reader):
    book = a_book(None, title="Zulu", author="Zed")
    storage.books.add(book)
    entry = an_entry(reader, book)
    storage.user_books.add(entry)
    other = a_book(None, title="Mike", author="Mo")
    storage.books.add(other)
    storage.user_books.add(an_entry(reader, other))
    storage.user_books.update(entry.id, entry.version, {"title": "Alpha", "author": "Aaron"})
    storage.books.update(replace(book, title="Yankee"))  # the book's change does not undo the reader's
    assert [e.value("title") for e in walk(storage, reader.id, ListQuery(sort=Sort.TITLE))] == ["Alpha", "Mike"]
    assert [e.value("title") for e in walk(storage, reader.id, ListQuery(sort=Sort.AUTHOR))] == ["Alpha", "Mike"]
    assert walk(storage, reader.id, ListQuery(q="yankee")) == []
