"""DynamoDB requests for one page of a library, counted with botocore's event hooks (figures, not asserts).

    .venv/bin/python benchmarks/dynamodb_page_requests.py

Runs against a moto server it starts on 127.0.0.1, or against AWS_ENDPOINT_URL (LocalStack) when set."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from booklib.domain.model import ListQuery, ReadingStatus, Sort  # noqa: E402
from tests.contract.builders import a_book, a_user, an_entry  # noqa: E402
from tests.support.backends import dynamodb_storage_on  # noqa: E402
from tests.support.dynamodb import RequestCounter, client_for, fresh_tables  # noqa: E402
from tests.support.moto_server import MotoServer  # noqa: E402

LIBRARY_SIZE = 250
PAGES = (1, 50, 100)


def endpoint(stack: contextlib.ExitStack) -> str:
    return os.environ.get("AWS_ENDPOINT_URL") or stack.enter_context(MotoServer()).url


def fill(storage, n: int):
    user = a_user("benchmark")
    storage.users.add(user)
    for i in range(n):
        book = a_book(None, title=f"Title {i:03d}", author=f"Author {i % 17}")
        storage.books.add(book)
        status = ReadingStatus.READ if i % 3 else ReadingStatus.READING
        storage.user_books.add(an_entry(user, book, minutes=i, status=status))
    return user


def count(storage, user, query: ListQuery) -> tuple[int, dict, int]:
    with RequestCounter(storage.user_books.client) as counter:
        page = storage.user_books.list_entries(user.id, query)
    return counter.total, dict(counter.calls), len(page.items)


def main() -> None:
    with contextlib.ExitStack() as stack:
        url = endpoint(stack)
        client = client_for(url)
        names = stack.enter_context(fresh_tables(client))
        storage = dynamodb_storage_on(client, names)
        user = fill(storage, LIBRARY_SIZE)
        print(f"endpoint {url}; one library of {LIBRARY_SIZE} entries")
        print(f"{'page':<40} {'requests':>8}  calls")
        for size in PAGES:
            first = ListQuery(limit=size)
            cases = [(f"newest first, limit {size}", first)]
            cursor = storage.user_books.list_entries(user.id, first).next_cursor
            cases.append((f"newest first, limit {size}, second page", first.with_cursor(cursor)))
            cases.append((f"status=read, limit {size}", ListQuery(limit=size, status=ReadingStatus.READ)))
            cases.append((f"sort=title (whole library), limit {size}", ListQuery(limit=size, sort=Sort.TITLE)))
            for label, query in cases:
                total, calls, items = count(storage, user, query)
                print(f"{label:<40} {total:>8}  {calls} ({items} entries)")


if __name__ == "__main__":
    main()
