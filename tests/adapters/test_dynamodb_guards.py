"""Guard items stay consistent with the records they protect, through deletes and changes."""

from dataclasses import replace

import pytest
from botocore.exceptions import ClientError

from booklib.adapters.dynamodb.guards import GUARD_PREFIX, RecordChanged, write_atomically
from booklib.domain.errors import ConflictError
from tests.contract.builders import a_book, a_user, an_entry
from tests.support.backends import STORAGE_BACKENDS


@pytest.fixture(params=["dynamodb-moto", pytest.param("dynamodb-server", marks=pytest.mark.slow)])
def storage(request, tmp_path):
    with STORAGE_BACKENDS[request.param](tmp_path) as storage:
        yield storage


def guards(storage, table: str) -> list[str]:
    key = {storage.users.table: "user_id", storage.books.table: "book_id"}.get(table, "user_book_id")
    items = storage.books.client.scan(TableName=table)["Items"]
    return sorted(item[key]["S"] for item in items if item[key]["S"].startswith(GUARD_PREFIX))


def test_a_user_has_a_username_and_an_email_guard(storage):
    storage.users.add(a_user("Alice", "Alice@Example.org"))
    assert guards(storage, storage.users.table) == ["GUARD#email#alice@example.org", "GUARD#username#alice"]


def test_deleting_an_entry_frees_its_guard(storage):
    user, book = a_user(), a_book()
    storage.users.add(user)
    storage.books.add(book)
    entry = an_entry(user, book)
    storage.user_books.add(entry)
    assert guards(storage, storage.user_books.table) == [f"GUARD#entry#{user.id}#{book.id}"]
    storage.user_books.delete(entry.id)
    assert guards(storage, storage.user_books.table) == []


def test_deleting_a_book_frees_its_isbn_guard(storage):
    book = a_book("9784815602666")
    storage.books.add(book)
    storage.books.delete(book.id)
    assert guards(storage, storage.books.table) == []


def test_changing_an_isbn_moves_its_guard(storage):
    book = a_book("9781761186769")
    storage.books.add(book)
    storage.books.update(replace(book, isbn="9780306406157", title="Moved"))
    assert guards(storage, storage.books.table) == ["GUARD#isbn#9780306406157"]
    assert storage.books.get_by_isbn("9780306406157").title == "Moved"
    assert storage.books.get_by_isbn("9781761186769") is None
    storage.books.add(a_book("9781761186769"))  # the old ISBN is free again


def test_changing_to_a_taken_isbn_is_refused_and_changes_nothing(storage):
    first, second = a_book("9781761186769"), a_book("9780306406157")
    storage.books.add(first)
    storage.books.add(second)
    with pytest.raises(ConflictError) as caught:
        storage.books.update(replace(second, isbn=first.isbn, title="Clash"))
    assert caught.value.field == "isbn"
    assert storage.books.get(second.id) == second
    assert storage.books.get_by_isbn(first.isbn) == first


def test_guards_are_not_records(storage):
    user, book = a_user("alice"), a_book()
    storage.users.add(user)
    storage.books.add(book)
    entry = an_entry(user, book)
    storage.user_books.add(entry)
    assert storage.users.get("GUARD#username#alice") is None
    assert storage.books.get(f"GUARD#isbn#{book.isbn}") is None
    assert storage.user_books.get_entry(user.id, f"GUARD#entry#{user.id}#{book.id}") is None


def test_numbers_and_times_come_back_as_plain_python(storage):
    user, book = a_user(), a_book()
    storage.users.add(user)
    storage.books.add(book)
    entry = an_entry(user, book, rating=4)
    storage.user_books.add(entry)
    stored = storage.user_books.get(entry.id)
    assert type(stored.rating) is int
    assert stored.date_added.utcoffset().total_seconds() == 0 and stored.date_added == entry.date_added


class _CancellingClient:
    """Cancels transactions with the given reason codes and a message that says nothing useful."""

    def __init__(self, *reason_lists):
        self.reason_lists = list(reason_lists)
        self.calls = 0
        self.tokens = []

    def transact_write_items(self, TransactItems, ClientRequestToken):
        self.calls += 1
        self.tokens.append(ClientRequestToken)
        if not self.reason_lists:
            return {}
        codes = self.reason_lists.pop(0)
        error = {"Error": {"Code": "TransactionCanceledException", "Message": "ConditionalCheckFailed[email]"},
                 "CancellationReasons": [{"Code": code} for code in codes]}
        raise ClientError(error, "TransactWriteItems")


def test_conflicts_are_told_by_cancellation_reason_codes_not_messages():
    conflicts = [None, ConflictError("taken", field="username"), ConflictError("taken", field="email")]
    with pytest.raises(ConflictError) as caught:
        write_atomically(_CancellingClient(["None", "ConditionalCheckFailed", "None"]), [{}, {}, {}], conflicts)
    assert caught.value.field == "username"
    with pytest.raises(RecordChanged):
        write_atomically(_CancellingClient(["ConditionalCheckFailed", "None", "None"]), [{}, {}, {}], conflicts)


def test_a_transaction_conflict_is_retried(monkeypatch):
    monkeypatch.setattr("booklib.adapters.dynamodb.guards.time.sleep", lambda seconds: None)
    client = _CancellingClient(["TransactionConflict", "None"])
    write_atomically(client, [{}, {}], [None, None])
    assert client.calls == 2
    # A conflicted transaction did not happen: the next try is a new request, with a token of its own
    # (botocore's own retries of one call reuse that call's token, which makes them idempotent).
    assert len(set(client.tokens)) == 2
