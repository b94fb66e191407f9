"""What SQL listings sort and search by: columns kept on each entry from its effective title and author
(the entry's own edit, else the book's) and its book's ISBN, and the conditions that use their indexes.

The columns are written with the entry (add, update) and again for every entry of a book when the
book's metadata changes, in the same transaction. Search matches a lower-cased needle inside the title
or author, or the needle without hyphens inside the ISBN, like booklib.domain.model.matches: on
PostgreSQL through pg_trgm's GIN indexes on those columns, on SQLite through the FTS5 trigram table
of search.py (a needle under 3 characters has no trigram: it is matched on the reader's rows alone)."""

from __future__ import annotations

from sqlalchemy import and_, bindparam, delete, exists, insert, literal, literal_column, or_, select, table, text, \
    tuple_, update
from sqlalchemy.engine import Connection

from booklib.domain.model import Sort, natural_key

from .search import SQLITE_SEARCH_TABLE
from .tables import SORT_KEY_LENGTH, UTCDateTime, books, user_book_tags, user_books

DERIVED_COLUMNS = ("title_key", "author_key", "search_text", "search_isbn")
_TRIGRAM = 3
_ISBN_CHARS = frozenset("0123456789x")  # what a stored ISBN is made of (lower-cased)


def derived(own_title, own_author, book_title, book_author, isbn) -> dict:
    title = own_title if own_title is not None else book_title
    author = own_author if own_author is not None else book_author
    return {
        "title_key": natural_key(title)[:SORT_KEY_LENGTH],
        "author_key": natural_key(author)[:SORT_KEY_LENGTH],
        # Title and author apart (a needle never holds a newline), as matches() looks in each.
        "search_text": f"{(title or '').lower()}\n{(author or '').lower()}",
        "search_isbn": isbn or "",
    }


def derived_for_new_entry(conn: Connection, book_id: str, own_title, own_author) -> dict:
    row = conn.execute(select(books.c.title, books.c.author, books.c.isbn).where(books.c.id == book_id)).first()
    return derived(own_title, own_author, *(row or (None, None, None)))


def refresh(conn: Connection, condition) -> None:
    """Compute the listing columns again for the entries matching condition (one entry, or a book's)."""
    stmt = (select(user_books.c.id, user_books.c.title, user_books.c.author, books.c.title, books.c.author,
                   books.c.isbn, *(user_books.c[name] for name in DERIVED_COLUMNS))
            .select_from(user_books.join(books, user_books.c.book_id == books.c.id)).where(condition))
    changed = []
    for row in conn.execute(stmt):
        values = derived(*row[1:6])
        if tuple(values.values()) != tuple(row[6:]):
            changed.append({"entry_id": row[0], **{f"new_{k}": v for k, v in values.items()}})
    if changed:
        conn.execute(
            update(user_books).where(user_books.c.id == bindparam("entry_id"))
            .values({name: bindparam(f"new_{name}") for name in DERIVED_COLUMNS}),
            changed,
        )


def write_tags(conn: Connection, entry_id: str, user_id: str, date_added, tags, new: bool = False) -> None:
    """The entry's rows in user_book_tags: one per tag, case folded (a new entry has none to replace)."""
    if not new:
        conn.execute(delete(user_book_tags).where(user_book_tags.c.entry_id == entry_id))
    keys = {tag.casefold() for tag in tags or ()}
    if keys:
        conn.execute(insert(user_book_tags), [
            {"entry_id": entry_id, "tag_key": key, "user_id": user_id, "date_added": date_added} for key in keys])


def sort_key(sort: Sort):
    """The column (or expression) a listing orders by, and whether it runs highest first."""
    if sort is Sort.TITLE:
        return user_books.c.title_key, False
    if sort is Sort.AUTHOR:
        return user_books.c.author_key, False
    if sort is Sort.RATING:
        return user_books.c.rating_key, True
    return user_books.c.date_added, True


def narrowed(stmt, dialect: str, user_id: str, query):
    """stmt (user_books joined to books) narrowed to the listing's entries, with the columns it is
    ordered by: (stmt, sort column, id column, descending)."""
    key, descending = sort_key(query.sort)
    ids = user_books.c.id
    stmt = stmt.where(_owner(user_id, dialect, query.q))
    if query.status is not None:
        stmt = stmt.where(user_books.c.status == query.status.value)
    if query.q:
        stmt = stmt.where(_search(dialect, query.q)[0])
    if query.tag and query.sort is Sort.DATE_ADDED and not query.q:
        # Newest first with a tag: along the tag's own index, however few or many entries carry it.
        stmt = stmt.join(user_book_tags, and_(user_book_tags.c.entry_id == user_books.c.id,
                                              user_book_tags.c.user_id == user_id,
                                              user_book_tags.c.tag_key == query.tag))
        key, ids = user_book_tags.c.date_added, user_book_tags.c.entry_id
    elif query.tag:
        stmt = stmt.where(exists().where(user_book_tags.c.entry_id == user_books.c.id,
                                         user_book_tags.c.tag_key == query.tag))
    return stmt, key, ids, descending


def after(key, ids, descending: bool, sort: Sort, value, last_id: str):
    """Rows after the cursor's (value, id), in the listing's order: a row-value range on its index."""
    bound = literal(value, UTCDateTime()) if sort is Sort.DATE_ADDED else literal(value)
    pair, limit = tuple_(key, ids), tuple_(bound, literal(last_id))
    return pair < limit if descending else pair > limit


def rating_key(rating) -> float:
    return rating or 0


def _owner(user_id: str, dialect: str, q: str | None):
    """The reader's rows. When SQLite's trigram index answers a search, "+" keeps the planner from
    walking the reader's whole listing order: it starts from the few rows the index names."""
    column = user_books.c.user_id
    if q and _search(dialect, q)[1]:
        column = literal_column("+user_books.user_id")
    return column == user_id


def _search(dialect: str, q: str):
    """The condition, and whether SQLite's trigram index answers it."""
    needle = q.lower()
    digits = needle.replace("-", "")
    in_isbn = bool(digits) and _ISBN_CHARS.issuperset(digits)  # else it cannot be inside an ISBN
    found = user_books.c.search_text.like(_contains(needle), escape="\\")
    if in_isbn:
        found = or_(found, user_books.c.search_isbn.like(_contains(digits), escape="\\"))
    if dialect != "sqlite" or len(needle) < _TRIGRAM or (in_isbn and len(digits) < _TRIGRAM):
        return found, False  # no trigram to look up: the reader's rows are read
    # The trigram index finds the candidates; the LIKE above keeps the exact meaning on them.
    phrase = "search_text : " + _phrase(needle) + (" OR search_isbn : " + _phrase(digits) if in_isbn else "")
    candidates = (select(literal_column("rowid")).select_from(table(SQLITE_SEARCH_TABLE))
                  .where(text(f"{SQLITE_SEARCH_TABLE} MATCH :phrase").bindparams(phrase=phrase)))
    return and_(literal_column("user_books.rowid").in_(candidates), found), True


def _contains(needle: str) -> str:
    return "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _phrase(needle: str) -> str:
    return '"' + needle.replace('"', '""') + '"'
