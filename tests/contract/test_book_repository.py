"""Contract of the BookRepository port."""

from dataclasses import replace
from datetime import timedelta

import pytest

from booklib.domain.errors import ConflictError

from .builders import T0, a_book, race


def test_added_book_reads_back_by_id_and_isbn(storage):
    book = a_book("9781761186769", title="Everything", author="Mark Manson", description="Long\ntext")
    storage.books.add(book)
    assert storage.books.get(book.id) == book
    assert storage.books.get_by_isbn("9781761186769") == book
    assert storage.books.get_by_isbn("9780306406157") is None


def test_one_book_per_isbn(storage):
    storage.books.add(a_book("9781761186769"))
    with pytest.raises(ConflictError) as caught:
        storage.books.add(a_book("9781761186769"))
    assert caught.value.field == "isbn"


def test_books_without_isbn_do_not_clash(storage):
    first, second = a_book(None, title="Notes"), a_book(None, title="Notes")
    storage.books.add(first)
    storage.books.add(second)
    assert storage.books.get(first.id) and storage.books.get(second.id)


def test_update_replaces_fields(storage):
    book = a_book()
    storage.books.add(book)
    changed = replace(book, title="New", genre="Essays", cover_image_url="https://x/c.jpg", updated_at=T0 + timedelta(days=1))
    storage.books.update(changed)
    assert storage.books.get(book.id) == changed


def test_delete_removes_book_and_frees_its_isbn(storage):
    book = a_book("9784815602666")
    storage.books.add(book)
    storage.books.delete(book.id)
    assert storage.books.get(book.id) is None
    assert storage.books.get_by_isbn("9784815602666") is None
    storage.books.add(a_book("9784815602666"))


def test_simultaneous_adds_of_one_isbn_create_one_book(storage):
    outcomes = race(storage.books.add, [a_book("9780316030571") for _ in range(30)])
    assert outcomes.count("won") == 1


def test_books_are_found_by_many_isbns_at_once(storage):
    one, two = a_book("9780261103344", title="One"), a_book("9780316030571", title="Two")
    storage.books.add(one)
    storage.books.add(two)
    storage.books.add(a_book(None, title="No ISBN"))
    found = storage.books.get_many_by_isbn(["9780261103344", "9780316030571", "9784815602666", "9780261103344"])
    assert found == {"9780261103344": one, "9780316030571": two}
    assert storage.books.get_many_by_isbn([]) == {}
