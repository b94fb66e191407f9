"""Stats counters on SQL: a row per reader and counter (booklib.domain.stats), changed by an upsert
in the transaction of every entry write, and a row per reader and year for goals.

"~seq" counts the writes that changed a reader's counters and "~built" marks counters built from
the library; before that (a library from before stats existed) writes still add to the counters,
and the first view replaces them with the library's, unless a write came meanwhile (see ~seq)."""

from __future__ import annotations

from sqlalchemy import Engine, delete, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from booklib.domain import stats
from booklib.domain.model import Book, Entry, UserBook
from booklib.domain.ports import StoredStats

from .tables import books, reading_goals, stats_counters, user_books

SEQ, BUILT = "~seq", "~built"
_UPSERTS = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}


def add_counters(conn, user_id: str, change: dict[str, int]) -> None:
    """Add each amount to the reader's counter of that name (a new one starts from 0)."""
    if not change:
        return
    rows = [{"user_id": user_id, "name": name, "value": amount} for name, amount in change.items()]
    upsert = _UPSERTS.get(conn.dialect.name)
    if upsert is not None:
        stmt = upsert(stats_counters)
        stmt = stmt.on_conflict_do_update(index_elements=["user_id", "name"],
                                          set_={"value": stats_counters.c.value + stmt.excluded.value})
        conn.execute(stmt, rows)
        return
    for row in rows:  # other databases: update, else insert (the transaction holds the entry's row)
        bump = (update(stats_counters)
                .where(stats_counters.c.user_id == user_id, stats_counters.c.name == row["name"])
                .values(value=stats_counters.c.value + row["value"]))
        if conn.execute(bump).rowcount == 0:
            conn.execute(insert(stats_counters), row)


def record_entry_write(conn, before: UserBook | None, after: UserBook | None) -> None:
    """Change the reader's counters by what an entry write did; call inside the write's transaction,
    after the write (so the book read here is the one the write saw)."""
    either = after or before
    row = conn.execute(select(books).where(books.c.id == either.book_id)).mappings().first()
    if row is None:
        return
    book = Book(**{c.name: row[c.name] for c in books.c})
    change = stats.delta(before and Entry(before, book), after and Entry(after, book))
    if change:
        add_counters(conn, either.user_id, {**change, SEQ: 1})


def record_entries_added(conn, added: list[UserBook]) -> None:
    """Entries added in one transaction (a bulk insert): their changes summed per reader."""
    ids = {ub.book_id for ub in added}
    found = {row["id"]: Book(**{c.name: row[c.name] for c in books.c})
             for row in conn.execute(select(books).where(books.c.id.in_(ids))).mappings()}
    totals: dict[str, dict[str, int]] = {}
    for ub in added:
        if ub.book_id in found:
            stats.add_into(totals.setdefault(ub.user_id, {}), stats.delta(None, Entry(ub, found[ub.book_id])))
    for user_id, change in totals.items():
        change = {name: amount for name, amount in change.items() if amount}
        if change:
            add_counters(conn, user_id, {**change, SEQ: 1})


def book_before_update(conn, book_id: str) -> Book | None:
    """The stored book, read after taking the write lock on it (a no-op write), so nobody changes it
    between this read and the caller's update."""
    conn.execute(update(books).where(books.c.id == book_id).values(id=books.c.id))
    row = conn.execute(select(books).where(books.c.id == book_id)).mappings().first()
    return Book(**{c.name: row[c.name] for c in books.c}) if row else None


def record_book_change(conn, old: Book | None, new: Book) -> None:
    """A shared book's page count or genre is every owner's unless they set their own."""
    if old is None or (old.page_count, old.genre) == (new.page_count, new.genre):
        return
    from .repositories import row_to_user_book  # the repositories module imports this one

    changes: dict[str, dict[str, int]] = {}
    for row in conn.execute(select(user_books).where(user_books.c.book_id == new.id)).mappings():
        ub = row_to_user_book(row)
        stats.add_into(changes.setdefault(ub.user_id, {}), stats.delta(Entry(ub, old), Entry(ub, new)))
    for user_id, change in changes.items():
        change = {name: amount for name, amount in change.items() if amount}
        if change:
            add_counters(conn, user_id, {**change, SEQ: 1})


class SqlStatsRepository:
    def __init__(self, engine: Engine):
        self.engine = engine

    def load(self, user_id: str, year: int | None = None) -> StoredStats:
        wanted = stats_counters.c.user_id == user_id
        if year is not None:  # a reader of many years has many month counters: this year's are enough
            name = stats_counters.c.name
            wanted &= or_(~name.like("read:%") & ~name.like("pages:%"), name.in_(stats.month_names(year)))
        with self.engine.connect() as conn:
            rows = dict(conn.execute(select(stats_counters.c.name, stats_counters.c.value).where(wanted)).all())
            goals = dict(conn.execute(select(reading_goals.c.year, reading_goals.c.books)
                                      .where(reading_goals.c.user_id == user_id)).all())
        counters = {name: value for name, value in rows.items() if not name.startswith("~") and value}
        return StoredStats(counters if BUILT in rows else None, goals, rows.get(SEQ, 0))

    def store_built(self, user_id: str, counters: dict[str, int], token: object) -> bool:
        mine = stats_counters.c.user_id == user_id
        with self.engine.begin() as conn:
            add_counters(conn, user_id, {SEQ: 0})  # a write first: the transaction holds the lock from here
            seen = dict(conn.execute(select(stats_counters.c.name, stats_counters.c.value)
                                     .where(mine, stats_counters.c.name.in_((SEQ, BUILT)))).all())
            if BUILT in seen or seen.get(SEQ, 0) != token:
                return False
            conn.execute(delete(stats_counters).where(mine))
            rows = {**counters, SEQ: token, BUILT: 1}
            conn.execute(insert(stats_counters), [{"user_id": user_id, "name": n, "value": v} for n, v in rows.items()])
        return True

    def set_goal(self, user_id: str, year: int, books: int | None) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(reading_goals).where(reading_goals.c.user_id == user_id, reading_goals.c.year == year))
            if books is not None:
                conn.execute(insert(reading_goals).values(user_id=user_id, year=year, books=books))


def all_goals(engine: Engine) -> dict[str, dict[int, int]]:
    """Every reader's goals (for the copy to DynamoDB)."""
    goals: dict[str, dict[int, int]] = {}
    with engine.connect() as conn:
        for user_id, year, target in conn.execute(select(reading_goals.c.user_id, reading_goals.c.year, reading_goals.c.books)):
            goals.setdefault(user_id, {})[year] = target
    return goals
