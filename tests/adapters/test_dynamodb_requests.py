"""A library page costs a fixed number of DynamoDB requests, never one per book (counted, not timed)."""

import pytest

from booklib.adapters.dynamodb.batch import batch_get
from booklib.adapters.dynamodb.entry_index import entry_items
from booklib.adapters.dynamodb.items import book_item
from booklib.domain.model import ListQuery, ReadingStatus, Sort
from tests.contract.builders import a_book, a_user, an_entry
from tests.support.backends import dynamodb_storage_on
from tests.support.dynamodb import RequestCounter, client_for, fresh_tables, moto_in_process
from tests.support.moto_server import shared_moto_server


@pytest.fixture(params=["moto-in-process", pytest.param("moto-server", marks=pytest.mark.slow)])
def storage(request):
    if request.param == "moto-server":
        client = client_for(shared_moto_server().url)
        with fresh_tables(client) as names:
            yield dynamodb_storage_on(client, names)
        return
    with moto_in_process():
        client = client_for(None)
        with fresh_tables(client) as names:
            yield dynamodb_storage_on(client, names)


def shelve(storage, n: int):
    """n entries (with their listing items) written straight into the tables (BatchWriteItem): only reads
    are counted here."""
    user = a_user("counted")
    storage.users.add(user)
    items = []
    for i in range(n):
        book = a_book(None, title=f"Title {i:03d}", author=f"Author {i % 7}")
        status = ReadingStatus.READ if i % 2 else ReadingStatus.READING
        items.append((storage.books.table, book_item(book)))
        items += [(storage.user_books.table, item) for item in entry_items(an_entry(user, book, minutes=i, status=status), book)]
    client = storage.user_books.client
    for start in range(0, len(items), 25):
        requests = {}
        for table, item in items[start : start + 25]:
            requests.setdefault(table, []).append({"PutRequest": {"Item": item}})
        assert not client.batch_write_item(RequestItems=requests).get("UnprocessedItems")
    return user


def counted(storage, user, query):
    with RequestCounter(storage.user_books.client) as counter:
        page = storage.user_books.list_entries(user.id, query)
    return page, counter


def test_a_100_entry_page_is_one_query_and_one_batch_get(storage):
    user = shelve(storage, 150)
    page, counter = counted(storage, user, ListQuery(limit=100))
    assert len(page.items) == 100 and page.next_cursor
    assert dict(counter.calls) == {"Query": 1, "BatchGetItem": 1}

    rest, counter = counted(storage, user, ListQuery(limit=100, cursor=page.next_cursor))
    assert len(rest.items) == 50 and rest.next_cursor is None
    assert dict(counter.calls) == {"Query": 1, "BatchGetItem": 1}


@pytest.mark.slow
def test_filtered_and_sorted_pages_stay_within_three_requests(storage):
    user = shelve(storage, 100)
    for query in (
        ListQuery(limit=50, status=ReadingStatus.READ),
        ListQuery(limit=100, sort=Sort.TITLE),
        ListQuery(limit=100, sort=Sort.RATING),
        ListQuery(limit=100, q="title"),
        ListQuery(limit=100, sort=Sort.AUTHOR, status=ReadingStatus.READING),
        ListQuery(limit=20, q="title 01", sort=Sort.TITLE),
    ):
        page, counter = counted(storage, user, query)
        assert page.items, query
        assert counter.total <= 3 and "GetItem" not in counter.calls, (query, counter.calls)


class _ThrottlingClient:
    """Answers BatchGetItem like DynamoDB under throttling: part of the keys come back unprocessed."""

    def __init__(self, per_call: int):
        self.per_call = per_call
        self.calls = []

    def batch_get_item(self, RequestItems):
        (table, request), = RequestItems.items()
        self.calls.append(len(request["Keys"]))
        keys, unprocessed = request["Keys"][: self.per_call], request["Keys"][self.per_call :]
        answer = {"Responses": {table: [dict(key, title={"S": "t"}) for key in keys]}}
        answer["UnprocessedKeys"] = {table: {"Keys": unprocessed}} if unprocessed else {}
        return answer


def test_batch_get_sends_at_most_100_keys_and_retries_unprocessed_ones(monkeypatch):
    monkeypatch.setattr("booklib.domain.retrying.time.sleep", lambda seconds: None)
    client = _ThrottlingClient(per_call=40)
    ids = [f"id-{i}" for i in range(130)] + ["id-0"]  # duplicates are asked once
    found = batch_get(client, "Books", "book_id", ids)
    assert sorted(found) == sorted(set(ids))
    assert max(client.calls) == 100 and client.calls == [100, 60, 20, 30]
