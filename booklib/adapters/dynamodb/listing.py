"""Pages of one user's library.

Newest first (the default): Query user-index for limit + 1 items from the cursor's position, then one
BatchGetItem for the page's books — 2 requests for a page of up to 100 entries.

Search and the other sorts depend on the effective title/author (the entry's own edit, else the shared
Book's), and a Book's fields change under every entry that shares it; copying them onto the entries
could not be kept fresh (no index finds a book's entries). So these listings read the user's whole
partition (one Query per MB) and its books (one BatchGetItem per 100), then order and cut in memory:
the same answers as the SQL adapter, at a cost bounded by the size of that one library."""

from __future__ import annotations

from botocore.exceptions import ClientError

from booklib.adapters.cursors import decode_cursor, encode_cursor, invalid_cursor, read_position
from booklib.domain.model import SORT_KEYS, Book, Entry, ListQuery, Page, Sort, UserBook, matches

from .batch import batch_get
from .items import book_from, format_time, user_book_from
from .tables import USER_INDEX, TableNames

# A status or tag filter is applied after Limit has counted the items read; read ahead so sparse filters
# still fill a page in one or two calls.
_FILTER_READ_AHEAD = 4


class LibraryPages:
    def __init__(self, client, tables: TableNames):
        self.client = client
        self.tables = tables

    def page(self, user_id: str, query: ListQuery) -> Page:
        position = decode_cursor(user_id, query)
        if query.q or query.sort is not Sort.DATE_ADDED:
            return self._ordered_in_memory(user_id, query, position)
        return self._newest_first(user_id, query, position)

    def _books(self, book_ids) -> dict[str, Book]:
        found = batch_get(self.client, self.tables.books, "book_id", book_ids)
        return {book_id: book_from(item) for book_id, item in found.items()}

    def _newest_first(self, user_id: str, query: ListQuery, position: dict | None) -> Page:
        start = _start_key(user_id, position) if position is not None else None
        try:
            items = self._query(user_id, query, start, want=query.limit + 1)
        except ClientError as exc:
            if start is not None and exc.response.get("Error", {}).get("Code") == "ValidationException":
                raise invalid_cursor() from None
            raise
        found = [user_book_from(item) for item in items]
        page = found[: query.limit]
        cursor = None
        if len(found) > query.limit:
            last = page[-1]
            cursor = encode_cursor(user_id, query, {"v": format_time(last.date_added), "id": last.id})
        return Page(self._entries(page), cursor)

    def _ordered_in_memory(self, user_id: str, query: ListQuery, position: dict | None) -> Page:
        value_of, descending = SORT_KEYS[query.sort]
        after = _after(position, query.sort, descending) if position is not None else None
        user_books = [user_book_from(item) for item in self._query(user_id, query, None, want=None)]
        # Search and title/author order need every book; rating and date order only the page's.
        needs_books = bool(query.q) or query.sort in (Sort.TITLE, Sort.AUTHOR)
        rows = self._entries(user_books) if needs_books else [Entry(ub, _NOT_FETCHED) for ub in user_books]
        if query.q:
            needle = query.q.lower()
            rows = [e for e in rows if matches(e, needle)]
        keyed = sorted((((value_of(e), e.id), e) for e in rows), key=lambda row: row[0], reverse=descending)
        if after is not None:
            keyed = [(key, e) for key, e in keyed if after(key)]
        page = keyed[: query.limit]
        cursor = None
        if len(keyed) > query.limit:
            (value, last_id), _ = page[-1]
            cursor = encode_cursor(user_id, query, {"v": _cursor_value(value), "id": last_id})
        if needs_books:
            return Page([e for _, e in page], cursor)
        return Page(self._entries([e.user_book for _, e in page]), cursor)

    def _entries(self, user_books: list[UserBook]) -> list[Entry]:
        books = self._books(ub.book_id for ub in user_books)
        return [Entry(ub, books[ub.book_id]) for ub in user_books if ub.book_id in books]

    def _query(self, user_id: str, query: ListQuery, start_key: dict | None, want: int | None) -> list[dict]:
        """user-index items of this user, newest first; stops once `want` matched (None: read them all)."""
        names, values = {"#u": "user_id"}, {":u": {"S": user_id}}
        params = {
            "TableName": self.tables.user_books,
            "IndexName": USER_INDEX,
            "ScanIndexForward": False,
            "KeyConditionExpression": "#u = :u",
        }
        filters = []
        if query.status is not None:
            names["#s"], values[":s"] = "status", {"S": query.status.value}
            filters.append("#s = :s")
        if query.tag:
            names["#t"], values[":t"] = "tag_keys", {"S": query.tag}
            filters.append("contains(#t, :t)")
        if filters:
            params["FilterExpression"] = " AND ".join(filters)
        params.update(ExpressionAttributeNames=names, ExpressionAttributeValues=values)
        items: list[dict] = []
        while True:
            if want is not None:
                missing = want - len(items)
                params["Limit"] = missing * _FILTER_READ_AHEAD if filters else missing
            if start_key is not None:
                params["ExclusiveStartKey"] = start_key
            answer = self.client.query(**params)
            items.extend(answer.get("Items", []))
            start_key = answer.get("LastEvaluatedKey")
            if start_key is None or (want is not None and len(items) >= want):
                return items


_NOT_FETCHED = Book(id="", isbn=None)  # stands in until the page's books are read




def _cursor_value(value):
    return format_time(value) if hasattr(value, "isoformat") else value


def _after(position: dict, sort: Sort, descending: bool):
    boundary = read_position(position, sort)
    return (lambda key: key < boundary) if descending else (lambda key: key > boundary)


def _start_key(user_id: str, position: dict) -> dict:
    # user_id is the caller's, never the cursor's: a cursor can only move within its owner's partition.
    date_added, last_id = read_position(position, Sort.DATE_ADDED)
    return {
        "user_id": {"S": user_id},
        "date_added": {"S": format_time(date_added)},
        "user_book_id": {"S": last_id},
    }
