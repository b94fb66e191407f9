"""What an entry keeps so that every listing is one Query plus one BatchGetItem.

On the entry item, each the key of an index keyed by user (tables.py), all from the entry and its book:
  user_status  "<user_id>#<status>"            user-status-index (with date_added): a status, newest first
  title_key    natural_key(title) + US + id    user-title-index: natural, case-blind order, ties by id
  author_key   natural_key(author) + US + id   user-author-index
  rating_key   "<rating x10, 2 digits>#<id>"   user-rating-index (queried backwards): best first, unrated last
  lk           LISTING_VERSION                 the item carries all of the above (the backfill looks for its absence)
Items derived from the entry, in the same table and written in the same transaction as the entry:
  F#<id>          fu = user_id, fx = book id, date added, status, rating and the lower-cased title, author
                  and ISBN packed in one short string: find-index projects only these, so a search reads
                  ~170 bytes per entry, not the entry and its book.
  T#<id>#<tag>    tu = "<user_id>#<tag>", date_added, tb = book id: user-tag-index, a tag newest first.
The entry's effective title and author depend on its book: a book's change is carried to its entries
(books.py, through book-index)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from booklib.domain.model import Book, ReadingStatus, UserBook, natural_key

from .items import format_time, to_item, user_book_item

KEY = "user_book_id"
LISTING_VERSION = 1
US = "\x1f"  # below every character natural_key can hold (it splits on \x1f), so "Book" < "Book 2"
SORT_TEXT_CHARS = 200  # index sort keys hold at most 1 KB
FIND_PREFIX, TAG_PREFIX = "F#", "T#"
STATUS_CODES = {status: str(i) for i, status in enumerate(ReadingStatus)}
STATUS_OF_CODE = {code: status for status, code in STATUS_CODES.items()}
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
# Entry fields the derived values depend on: a change of any other field leaves them alone.
LISTED_FIELDS = frozenset({"title", "author", "status", "rating", "tags"})


def is_derived_key(key: str) -> bool:
    return key.startswith((FIND_PREFIX, TAG_PREFIX))


def effective(user_book: UserBook, book: Book, name: str) -> str | None:
    own = getattr(user_book, name)
    return own if own is not None else getattr(book, name)


def text_key(text: str | None, entry_id: str) -> str:
    return natural_key(text)[:SORT_TEXT_CHARS] + US + entry_id


def rating_key(rating, entry_id: str) -> str:
    return f"{round((rating or 0) * 10):02d}#{entry_id}"


def entry_keys(user_book: UserBook, book: Book) -> dict:
    """The listing attributes of the entry item (plain values)."""
    return {
        "user_status": f"{user_book.user_id}#{user_book.status.value}",
        "title_key": text_key(effective(user_book, book, "title"), user_book.id),
        "author_key": text_key(effective(user_book, book, "author"), user_book.id),
        "rating_key": rating_key(user_book.rating, user_book.id),
        "lk": LISTING_VERSION,
    }


def find_key(entry_id: str) -> str:
    return FIND_PREFIX + entry_id


def tag_item_key(entry_id: str, tag_key: str) -> str:
    return f"{TAG_PREFIX}{entry_id}#{tag_key}"


def _clean(text: str | None) -> str:
    return (text or "").lower().replace(US, " ")


def pack_find(user_book: UserBook, book: Book) -> str:
    return _pack(user_book.book_id, user_book.date_added, user_book.status, user_book.rating,
                 _clean(effective(user_book, book, "title")), _clean(effective(user_book, book, "author")), book.isbn or "")


def _pack(book_id: str, date_added: datetime, status: ReadingStatus, rating, title: str, author: str, isbn: str) -> str:
    micros = (date_added - EPOCH) // timedelta(microseconds=1)
    return US.join([book_id, f"{micros:014x}", STATUS_CODES[status], f"{round((rating or 0) * 10):02d}", title, author, isbn])


@dataclass(frozen=True)
class Found:
    """One entry as find-index holds it."""

    id: str
    book_id: str
    date_added: datetime
    status: ReadingStatus
    rating: float
    title: str
    author: str
    isbn: str

    def repack(self, status: ReadingStatus, rating) -> str:
        """The packed text again with a new status and rating (title, author and ISBN as they were)."""
        return _pack(self.book_id, self.date_added, status, rating, self.title, self.author, self.isbn)

    def matches(self, needle: str) -> bool:
        """As booklib.domain.model.matches: the needle (lower-cased) in title, author or ISBN."""
        return needle in self.title or needle in self.author or needle.replace("-", "") in self.isbn


def unpack_find(key: str, packed: str) -> Found:
    book_id, micros, status, rating, title, author, isbn = packed.split(US)
    return Found(key[len(FIND_PREFIX):], book_id, EPOCH + timedelta(microseconds=int(micros, 16)),
                 STATUS_OF_CODE[status], int(rating) / 10, title, author, isbn)


def find_item(user_book: UserBook, packed: str) -> dict:
    key = find_key(user_book.id)
    return to_item({KEY: key, "fu": user_book.user_id, "fx": packed})


def tag_items(user_book: UserBook) -> dict[str, dict]:
    items = {}
    for tag in dict.fromkeys(user_book.tag_keys):
        key = tag_item_key(user_book.id, tag)
        items[key] = to_item({KEY: key, "tu": f"{user_book.user_id}#{tag}",
                              "date_added": format_time(user_book.date_added), "tb": user_book.book_id})
    return items


def derived_items(user_book: UserBook, book: Book) -> dict[str, dict]:
    """The entry's derived items (wire form) by key."""
    return {find_key(user_book.id): find_item(user_book, pack_find(user_book, book)), **tag_items(user_book)}


def derived_keys(user_book: UserBook) -> list[str]:
    """The keys of an entry's derived items, from the entry alone (what a delete removes)."""
    return [find_key(user_book.id), *tag_items(user_book)]


def derived_writes(table: str, before: dict[str, dict], after: dict[str, dict]) -> list[dict]:
    """Transaction operations turning the derived items `before` into `after`."""
    puts = [{"Put": {"TableName": table, "Item": item}} for key, item in after.items() if before.get(key) != item]
    deletes = [{"Delete": {"TableName": table, "Key": {KEY: {"S": key}}}} for key in before if key not in after]
    return puts + deletes


def entry_items(user_book: UserBook, book: Book) -> list[dict]:
    """The entry's item with its listing keys, and its derived items: all an entry stands for but its
    guard, for bulk writes (BatchWriteItem in benchmarks and tests)."""
    return [user_book_item(user_book, entry_keys(user_book, book)), *derived_items(user_book, book).values()]
