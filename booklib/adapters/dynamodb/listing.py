"""Pages of one user's library: one Query of the index for the listing's mode, then one BatchGetItem of
the page's entries and books together (entry_index.py says what each index holds).

    newest first      user-index (full entries; the BatchGetItem reads only the books)
    status=           user-status-index, newest first
    tag=              user-tag-index (the T# items), newest first
    sort=title/author user-title-index / user-author-index, natural order, ties by id
    sort=rating       user-rating-index backwards: best first, unrated last, ties by id
    q=                find-index, read whole (a few bytes per entry), matched and ordered in memory
A status filter on a sorted listing (or a tag's) is a FilterExpression on the index, read ahead. A tag with
another sort or a status reads that tag's T# items whole and the F# items, and orders in memory, as a
search does. Cursors carry (value, id) as on the other backends; the Query's start key is rebuilt from them
with the caller's user id, so a cursor can only move within its owner's library."""

from __future__ import annotations

from botocore.exceptions import ClientError

from booklib.adapters.cursors import (
    decode_cursor,
    encode_cursor,
    invalid_cursor,
    read_position,
)
from booklib.domain.model import Entry, ListQuery, Page, Sort, UserBook, natural_key
from booklib.domain.retrying import drain

from .batch import BATCH_GET_LIMIT, _fetch
from .entry_index import US, Found, rating_key, unpack_find
from .items import book_from, format_time, user_book_from
from .tables import (
    AUTHOR_INDEX,
    FIND_INDEX,
    RATING_INDEX,
    STATUS_INDEX,
    TAG_INDEX,
    TITLE_INDEX,
    USER_INDEX,
    TableNames,
)

# A status filter is applied after Limit has counted the items read; read ahead so that a sparse
# filter still fills a page in one or two calls.
_FILTER_READ_AHEAD = 4
_SORT_INDEX = {Sort.TITLE: (TITLE_INDEX, "title_key"), Sort.AUTHOR: (AUTHOR_INDEX, "author_key"),
               Sort.RATING: (RATING_INDEX, "rating_key")}


class LibraryPages:
    def __init__(self, client, tables: TableNames):
        self.client = client
        self.tables = tables

    def page(self, user_id: str, query: ListQuery) -> Page:
        position = decode_cursor(user_id, query)
        after = read_position(position, query.sort) if position is not None else None
        try:
            if query.q or (query.tag and (query.status or query.sort is not Sort.DATE_ADDED)):
                return self._in_memory(user_id, query, after)
            return self._indexed(user_id, query, after)
        except ClientError as exc:
            if after is not None and exc.response.get("Error", {}).get("Code") == "ValidationException":
                raise invalid_cursor() from None  # a start key the index refuses (a forged value)
            raise

    # -- one index, in its order ------------------------------------------------------------------
    def _indexed(self, user_id: str, query: ListQuery, after) -> Page:
        params, start, to_id = self._plan(user_id, query, after)
        items = self._query(params, start, want=query.limit + 1, filtered="FilterExpression" in params)
        rows = [(to_id(item), item) for item in items]
        page, more = rows[: query.limit], len(rows) > query.limit
        if params.get("IndexName") == USER_INDEX:
            entries = self._with_books([user_book_from(item) for _, item in page])
        else:
            entries = self._fetch(user_id, [(entry_id, item.get("book_id", item.get("tb"))["S"]) for entry_id, item in page])
            if query.tag:  # a T# item may outlive its tag for a moment (entry_index.py)
                entries = [e for e in entries if query.tag in e.user_book.tag_keys]
        cursor = None
        if more and page:
            last_id, last = page[-1]
            cursor = encode_cursor(user_id, query, {"v": _position_value(query.sort, last, params), "id": last_id})
        return Page(entries, cursor)

    def _plan(self, user_id: str, query: ListQuery, after):
        """The Query for the listing, its start key from the cursor's (value, id), and how to read an entry
        id off an index item."""
        names, values = {}, {}
        params = {"TableName": self.tables.user_books, "ScanIndexForward": False}
        to_id = _entry_id
        if query.tag:
            params.update(IndexName=TAG_INDEX, KeyConditionExpression="#h = :h")
            names["#h"], values[":h"] = "tu", {"S": f"{user_id}#{query.tag}"}
            to_id = _tagged_entry_id
            start = after and {"tu": values[":h"], "date_added": {"S": format_time(after[0])},
                               "user_book_id": {"S": f"T#{after[1]}#{query.tag}"}}
        elif query.sort is Sort.DATE_ADDED and query.status is not None:
            params.update(IndexName=STATUS_INDEX, KeyConditionExpression="#h = :h")
            names["#h"], values[":h"] = "user_status", {"S": f"{user_id}#{query.status.value}"}
            start = after and {"user_status": values[":h"], "date_added": {"S": format_time(after[0])},
                               "user_book_id": {"S": after[1]}}
        elif query.sort is Sort.DATE_ADDED:
            params.update(IndexName=USER_INDEX, KeyConditionExpression="#h = :h")
            names["#h"], values[":h"] = "user_id", {"S": user_id}
            start = after and {"user_id": {"S": user_id}, "date_added": {"S": format_time(after[0])},
                               "user_book_id": {"S": after[1]}}
        else:
            index, attribute = _SORT_INDEX[query.sort]
            params.update(IndexName=index, KeyConditionExpression="#h = :h", ScanIndexForward=query.sort is not Sort.RATING)
            names["#h"], values[":h"] = "user_id", {"S": user_id}
            start = None
            if after is not None:
                value, last_id = after
                key = rating_key(value, last_id) if query.sort is Sort.RATING else value + US + last_id
                start = {"user_id": {"S": user_id}, attribute: {"S": key}, "user_book_id": {"S": last_id}}
        if query.status is not None and params["IndexName"] != STATUS_INDEX:
            names["#s"], values[":s"] = "status", {"S": query.status.value}
            params["FilterExpression"] = "#s = :s"
        params.update(ExpressionAttributeNames=names, ExpressionAttributeValues=values)
        return params, start, to_id

    def _query(self, params: dict, start: dict | None, want: int | None, filtered: bool = False) -> list[dict]:
        """Items of one index query in its order; stops once `want` were found (None: reads them all)."""
        items: list[dict] = []
        while True:
            if want is not None:
                missing = want - len(items)
                params["Limit"] = missing * _FILTER_READ_AHEAD if filtered else missing
            if start is not None:
                params["ExclusiveStartKey"] = start
            answer = self.client.query(**params)
            items.extend(answer.get("Items", []))
            start = answer.get("LastEvaluatedKey")
            if start is None or (want is not None and len(items) >= want):
                return items[:want] if want is not None else items

    # -- a search, or a tag with another order: the narrow items whole, then in memory --------------
    def _in_memory(self, user_id: str, query: ListQuery, after) -> Page:
        found = self._found(user_id)
        if query.tag:
            tagged = self._tagged(user_id, query.tag)
            found = [f for f in found if f.id in tagged]
        if query.status is not None:
            found = [f for f in found if f.status is query.status]
        if query.q:
            needle = query.q.lower()
            found = [f for f in found if f.matches(needle)]
        value_of, descending = _FOUND_KEYS[query.sort]
        keyed = sorted((((value_of(f), f.id), f) for f in found), key=lambda row: row[0])
        if descending:
            keyed.reverse()
        if after is not None:
            keyed = [(key, f) for key, f in keyed if (key < after if descending else key > after)]
        page = keyed[: query.limit]
        cursor = None
        if len(keyed) > query.limit:
            (value, last_id), _ = page[-1]
            cursor = encode_cursor(user_id, query, {"v": format_time(value) if hasattr(value, "isoformat") else value,
                                                    "id": last_id})
        entries = self._fetch(user_id, [(f.id, f.book_id) for _, f in page])
        if query.tag:
            entries = [e for e in entries if query.tag in e.user_book.tag_keys]
        return Page(entries, cursor)

    def _found(self, user_id: str) -> list[Found]:
        params = {"TableName": self.tables.user_books, "IndexName": FIND_INDEX, "KeyConditionExpression": "#h = :h",
                  "ExpressionAttributeNames": {"#h": "fu"}, "ExpressionAttributeValues": {":h": {"S": user_id}}}
        return [unpack_find(item["user_book_id"]["S"], item["fx"]["S"]) for item in self._query(params, None, None)]

    def _tagged(self, user_id: str, tag: str) -> set[str]:
        params = {"TableName": self.tables.user_books, "IndexName": TAG_INDEX, "KeyConditionExpression": "#h = :h",
                  "ExpressionAttributeNames": {"#h": "tu"}, "ExpressionAttributeValues": {":h": {"S": f"{user_id}#{tag}"}}}
        return {_tagged_entry_id(item) for item in self._query(params, None, None)}

    # -- the page's entries and books: one BatchGetItem ----------------------------------------------
    def _fetch(self, user_id: str, ids: list[tuple[str, str]]) -> list[Entry]:
        """Entries and their books by (entry id, book id), in that order, in BatchGetItem calls of up to
        100 keys of both tables; an entry gone (or another user's) meanwhile is left out."""
        entry_items: dict[str, dict] = {}
        book_items: dict[str, dict] = {}
        keys = [(self.tables.user_books, "user_book_id", e) for e, _ in ids] + \
               [(self.tables.books, "book_id", b) for b in dict.fromkeys(b for _, b in ids)]
        for start in range(0, len(keys), BATCH_GET_LIMIT):
            request: dict[str, dict] = {}
            for table, attr, value in keys[start : start + BATCH_GET_LIMIT]:
                request.setdefault(table, {"Keys": []})["Keys"].append({attr: {"S": value}})
            _batch_get_both(self.client, request, self.tables, entry_items, book_items)
        entries = []
        for entry_id, book_id in ids:
            item, book = entry_items.get(entry_id), book_items.get(book_id)
            if item is None or book is None:
                continue
            user_book = user_book_from(item)
            if user_book.user_id == user_id:
                entries.append(Entry(user_book, book_from(book)))
        return entries

    def _with_books(self, user_books: list[UserBook]) -> list[Entry]:
        book_items: dict[str, dict] = {}
        unique = list(dict.fromkeys(ub.book_id for ub in user_books))
        for start in range(0, len(unique), BATCH_GET_LIMIT):
            keys = [{"book_id": {"S": b}} for b in unique[start : start + BATCH_GET_LIMIT]]
            _fetch(self.client, {self.tables.books: {"Keys": keys}}, self.tables.books, "book_id", book_items)
        return [Entry(ub, book_from(book_items[ub.book_id])) for ub in user_books if ub.book_id in book_items]


def _batch_get_both(client, request: dict, tables: TableNames, entry_items: dict, book_items: dict) -> None:
    """One BatchGetItem over both tables, retrying what comes back unprocessed."""
    def step(request: dict) -> dict:
        answer = client.batch_get_item(RequestItems=request)
        for item in answer.get("Responses", {}).get(tables.user_books, []):
            entry_items[item["user_book_id"]["S"]] = item
        for item in answer.get("Responses", {}).get(tables.books, []):
            book_items[item["book_id"]["S"]] = item
        return answer.get("UnprocessedKeys") or {}

    drain(step, request, attempts=8, gave_up="DynamoDB left keys of a page unprocessed after 8 attempts (throttled?).")


def _entry_id(item: dict) -> str:
    return item["user_book_id"]["S"]


def _tagged_entry_id(item: dict) -> str:
    return item["user_book_id"]["S"][len("T#"):].split("#", 1)[0]


def _position_value(sort: Sort, item: dict, params: dict):
    """The cursor's value for the last item of a page, in the form read_position checks for the sort."""
    if sort is Sort.DATE_ADDED:
        return item["date_added"]["S"]
    attribute = _SORT_INDEX[sort][1]
    key = item[attribute]["S"]
    if sort is Sort.RATING:
        return int(key.split("#", 1)[0]) / 10
    return key.rsplit(US, 1)[0]


# How a search orders what find-index holds, as booklib.domain.model.SORT_KEYS orders entries.
_FOUND_KEYS = {
    Sort.DATE_ADDED: (lambda f: f.date_added, True),
    Sort.TITLE: (lambda f: natural_key(f.title), False),
    Sort.AUTHOR: (lambda f: natural_key(f.author), False),
    Sort.RATING: (lambda f: f.rating, True),
}
