"""SQLAlchemy Core repositories for any SQL database (SQLite by default)."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import Engine, case, delete, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from booklib.adapters.cursors import decode_cursor, encode_cursor, read_position
from booklib.domain.errors import (
    BackendNotReadyError,
    ConflictError,
    NotFoundError,
    StaleWriteError,
)
from booklib.domain.model import (
    EDITABLE_FIELDS,
    Book,
    Entry,
    ListQuery,
    LoginFailures,
    Page,
    ReadingStatus,
    Session,
    SyncStatus,
    User,
    UserBook,
    check_changes,
    new_session_id,
    parse_reads,
    session_id_hash,
    utcnow,
)
from booklib.domain.ports import Repositories

from . import listing, schema
from . import stats as stats_counters
from .imports import SqlImportRepository
from .tables import books, login_attempts, sessions, user_books, users
from .tokens import SqlTokenRepository


class SqlUserRepository:
    def __init__(self, engine: Engine):
        self.engine = engine

    def add(self, user: User) -> None:
        row = {
            "id": user.id,
            "username": user.username,
            "username_key": user.username_key,
            "email": user.email.lower(),
            "password_hash": user.password_hash,
            "created_at": user.created_at,
        }
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(users), row)  # parameters apart: the statement is compiled once
        except IntegrityError:
            with self.engine.connect() as conn:
                taken = conn.execute(select(users.c.id).where(users.c.username_key == user.username_key)).first()
            if taken:
                raise ConflictError(f"The username '{user.username}' is taken.", field="username") from None
            raise ConflictError("An account with this email already exists.", field="email") from None

    def get(self, user_id: str) -> User | None:
        return self._one(users.c.id == user_id)

    def get_by_email(self, email: str) -> User | None:
        return self._one(users.c.email == email.strip().lower())

    def update_password(self, user_id: str, password_hash: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(users).where(users.c.id == user_id).values(password_hash=password_hash))

    def delete(self, user_id: str) -> None:
        # Sessions go with the user (ON DELETE CASCADE); entries are the caller's to delete first.
        with self.engine.begin() as conn:
            conn.execute(delete(sessions).where(sessions.c.user_id == user_id))
            conn.execute(delete(users).where(users.c.id == user_id))

    def _one(self, condition) -> User | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(users).where(condition)).mappings().first()
        if row is None:
            return None
        return row_to_user(row)


def row_to_user(row) -> User:
    return User(row["id"], row["username"], row["email"], row["password_hash"], row["created_at"])


def row_to_book(row) -> Book:
    return Book(**{c.name: row[c.name] for c in books.c})


class SqlBookRepository:
    def __init__(self, engine: Engine):
        self.engine = engine

    def add(self, book: Book) -> None:
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(books), _book_row(book))
        except IntegrityError:
            raise ConflictError(f"A book with ISBN {book.isbn} exists already.", field="isbn") from None

    def get(self, book_id: str) -> Book | None:
        return self._one(books.c.id == book_id)

    def get_by_isbn(self, isbn: str) -> Book | None:
        return self._one(books.c.isbn == isbn)

    def get_many_by_isbn(self, isbns: list[str]) -> dict[str, Book]:
        found: dict[str, Book] = {}
        unique = list(dict.fromkeys(isbns))
        with self.engine.connect() as conn:
            for start in range(0, len(unique), 500):  # within every database's bound-parameter limit
                stmt = select(books).where(books.c.isbn.in_(unique[start : start + 500]))
                found.update((row["isbn"], row_to_book(row)) for row in conn.execute(stmt).mappings())
        return found

    def update(self, book: Book) -> None:
        with self.engine.begin() as conn:
            old = stats_counters.book_before_update(conn, book.id)
            conn.execute(update(books).where(books.c.id == book.id).values(_book_row(book)))
            listing.refresh(conn, user_books.c.book_id == book.id)  # its entries list by its new title
            stats_counters.record_book_change(conn, old, book)

    def delete(self, book_id: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(books).where(books.c.id == book_id))

    def _one(self, condition) -> Book | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(books).where(condition)).mappings().first()
        return row_to_book(row) if row else None


def _book_row(book: Book) -> dict:
    return {c.name: getattr(book, c.name) for c in books.c}


_UB_PREFIX = "ub_"
_OWN = EDITABLE_FIELDS


# Columns kept for listings, not fields of an entry.
_KEPT = {"tag_keys", "rating_key", *listing.DERIVED_COLUMNS}


def _user_book_row(ub: UserBook) -> dict:
    return _column_values({c.name: getattr(ub, c.name) for c in user_books.c if c.name not in _KEPT})


def _column_values(values: dict) -> dict:
    """Entry values (any subset) as columns: enums as text, reads and tags as JSON, tags also as the
    newline-framed folded keys the tag filter matches (a tag never holds a newline)."""
    row = {name: getattr(value, "value", value) for name, value in values.items()}
    if "rating" in values:
        row["rating_key"] = listing.rating_key(values["rating"])
    if "reads" in values:
        row["reads"] = json.dumps([read.to_dict() for read in values["reads"]]) if values["reads"] else None
    if "tags" in values:
        tags = values["tags"]
        row["tags"] = json.dumps(list(tags)) if tags else None
        row["tag_keys"] = "".join(f"\n{tag.casefold()}" for tag in tags) + "\n" if tags else None
    return row


def row_to_user_book(row, prefix: str = "") -> UserBook:
    values = {c.name: row[prefix + c.name] for c in user_books.c if c.name not in _KEPT}
    values["status"] = ReadingStatus(values["status"])
    values["sync_status"] = SyncStatus(values["sync_status"])
    values["rating"] = _number(values["rating"])
    values["reads"] = parse_reads(json.loads(values["reads"])) if values["reads"] else ()
    values["tags"] = tuple(json.loads(values["tags"])) if values["tags"] else ()
    return UserBook(**values)


def _number(value):
    return int(value) if isinstance(value, float) and value.is_integer() else value


class SqlUserBookRepository:
    def __init__(self, engine: Engine):
        self.engine = engine

    def add(self, user_book: UserBook) -> None:
        try:
            with self.engine.begin() as conn:
                _insert_entry(conn, user_book)
        except IntegrityError:
            raise ConflictError("This book is already in the library.", field="book") from None

    def add_many(self, entries: list[Entry], new_book_ids: set[str]) -> set[str]:
        """All in one transaction; when anything clashes (rare: the import looked the ISBNs up first)
        nothing of it stays, and each entry goes in a transaction of its own, a clash undoing it alone."""
        try:
            with self.engine.begin() as conn:
                for entry in entries:
                    _insert_with_book(conn, entry, new_book_ids)
            return set()
        except IntegrityError:
            pass
        taken = set()
        for entry in entries:
            try:
                with self.engine.begin() as conn:
                    _insert_with_book(conn, entry, new_book_ids)
            except IntegrityError:
                taken.add(entry.id)
        return taken

    def get(self, user_book_id: str) -> UserBook | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(user_books).where(user_books.c.id == user_book_id)).mappings().first()
        return row_to_user_book(row) if row else None

    def get_entry(self, user_id: str, user_book_id: str) -> Entry | None:
        stmt = _joined().where(user_books.c.id == user_book_id, user_books.c.user_id == user_id)
        with self.engine.connect() as conn:
            row = conn.execute(stmt).mappings().first()
        return _entry(row) if row else None

    def list_entries(self, user_id: str, query: ListQuery) -> Page:
        stmt, key, ids, descending = listing.narrowed(_joined(), self.engine.dialect.name, user_id, query)
        position = decode_cursor(user_id, query)
        if position is not None:
            stmt = stmt.where(listing.after(key, ids, descending, query.sort, *read_position(position, query.sort)))
        order = (key.desc(), ids.desc()) if descending else (key.asc(), ids.asc())
        stmt = stmt.add_columns(key.label("sort_key")).order_by(*order).limit(query.limit + 1)
        with self.engine.connect() as conn:
            rows = conn.execute(stmt).mappings().all()
        items = [_entry(row) for row in rows[: query.limit]]
        next_cursor = None
        if len(rows) > query.limit:
            last = rows[query.limit - 1]
            value = last["sort_key"]
            next_cursor = encode_cursor(
                user_id,
                query,
                {"v": value.isoformat() if isinstance(value, datetime) else value, "id": last[_UB_PREFIX + "id"]},
            )
        return Page(items, next_cursor)

    def update(self, user_book_id: str, version: int, changes: dict) -> UserBook:
        check_changes(changes)
        before = self.get(user_book_id) if stats_counters.stats.touches_stats(changes) else None
        values = _column_values(changes)
        stmt = (
            update(user_books)
            .where(user_books.c.id == user_book_id, user_books.c.version == version)
            .values(**values, updated_at=utcnow(), version=user_books.c.version + 1)
        )
        with self.engine.begin() as conn:
            if conn.execute(stmt).rowcount == 1:
                if "title" in changes or "author" in changes:
                    listing.refresh(conn, user_books.c.id == user_book_id)
                row = conn.execute(select(user_books).where(user_books.c.id == user_book_id)).mappings().one()
                stored = row_to_user_book(row)
                if "tags" in changes:
                    listing.write_tags(conn, stored.id, stored.user_id, stored.date_added, stored.tags)
                if before is not None:  # the version matched: `before` is what this write changed
                    stats_counters.record_entry_write(conn, before, stored)
                return stored
        if self.get(user_book_id) is None:
            raise NotFoundError(f"No entry {user_book_id}.")
        raise StaleWriteError(f"Entry {user_book_id} changed since version {version}.")

    def delete(self, user_book_id: str) -> None:
        with self.engine.begin() as conn:
            gone = conn.execute(delete(user_books).where(user_books.c.id == user_book_id).returning(*user_books.c))
            for row in gone.mappings().all():
                stats_counters.record_entry_write(conn, row_to_user_book(row), None)

    def pending_ids(self, updated_before: datetime | None = None) -> list[str]:
        stmt = select(user_books.c.id).where(user_books.c.sync_status == SyncStatus.PENDING.value)
        if updated_before is not None:
            stmt = stmt.where(user_books.c.updated_at < updated_before)
        with self.engine.connect() as conn:
            return list(conn.execute(stmt.order_by(user_books.c.date_added)).scalars())


def _joined():
    ub_cols = [c.label(_UB_PREFIX + c.name) for c in user_books.c]
    return select(*ub_cols, *books.c).select_from(user_books.join(books, user_books.c.book_id == books.c.id))


def _entry(row) -> Entry:
    return Entry(row_to_user_book(row, _UB_PREFIX), row_to_book(row))


class SqlSessionStore:
    """SessionStore port: one row per session, keyed by the SHA-256 of its id."""

    def __init__(self, engine: Engine):
        self.engine = engine

    def create(self, user_id: str, expires_at) -> Session:
        session = Session(new_session_id(), user_id, utcnow(), expires_at)
        with self.engine.begin() as conn:
            # Expired sessions are swept as new ones start (a range delete on the expiry index).
            conn.execute(delete(sessions).where(sessions.c.expires_at <= session.created_at))
            conn.execute(
                insert(sessions).values(
                    id_hash=session_id_hash(session.id),
                    user_id=user_id,
                    created_at=session.created_at,
                    expires_at=expires_at,
                )
            )
        return session

    def get(self, session_id: str) -> Session | None:
        stmt = select(sessions).where(sessions.c.id_hash == session_id_hash(session_id), sessions.c.expires_at > utcnow())
        with self.engine.connect() as conn:
            row = conn.execute(stmt).mappings().first()
        return Session(session_id, row["user_id"], row["created_at"], row["expires_at"]) if row else None

    def delete(self, session_id: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(sessions).where(sessions.c.id_hash == session_id_hash(session_id)))

    def delete_for_user(self, user_id: str, keep: str | None = None) -> None:
        stmt = delete(sessions).where(sessions.c.user_id == user_id)
        if keep is not None:
            stmt = stmt.where(sessions.c.id_hash != session_id_hash(keep))
        with self.engine.begin() as conn:
            conn.execute(stmt)


class SqlLoginAttempts:
    """LoginAttempts port: one row per key; a failure is one conditional UPDATE (or the first INSERT)."""

    def __init__(self, engine: Engine):
        self.engine = engine

    def failures(self, key: str, now) -> LoginFailures:
        stmt = select(login_attempts).where(login_attempts.c.key == key, login_attempts.c.expires_at > now)
        with self.engine.connect() as conn:
            row = conn.execute(stmt).mappings().first()
        return LoginFailures(row["failures"], row["last_failure_at"]) if row else LoginFailures()

    def record_failure(self, key: str, now, expires_at) -> LoginFailures:
        counted = case((login_attempts.c.expires_at <= now, 1), else_=login_attempts.c.failures + 1)
        bump = (
            update(login_attempts)
            .where(login_attempts.c.key == key)
            .values(failures=counted, last_failure_at=now, expires_at=expires_at)
        )
        for _ in range(3):
            try:
                with self.engine.begin() as conn:
                    # Counts nobody came back for are swept as others are made (by the expiry index).
                    conn.execute(
                        delete(login_attempts).where(login_attempts.c.expires_at <= now, login_attempts.c.key != key)
                    )
                    if conn.execute(bump).rowcount == 0:
                        conn.execute(
                            insert(login_attempts).values(key=key, failures=1, last_failure_at=now, expires_at=expires_at)
                        )
                    count = conn.execute(select(login_attempts.c.failures).where(login_attempts.c.key == key)).scalar_one()
                return LoginFailures(count, now)
            except IntegrityError:  # another process inserted the first failure meanwhile: update it instead
                continue
        raise RuntimeError(f"Could not count a failed login for {key}.")

    def reset(self, key: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(login_attempts).where(login_attempts.c.key == key))


class SqlBackendProbe:
    def __init__(self, engine: Engine):
        self.engine = engine

    def check(self) -> None:
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        if not schema.AlembicSchemaMigrator(self.engine).is_current():
            raise BackendNotReadyError("The database schema is not at the latest version: run 'flask --app booklib.web db upgrade'.")


def make_repositories(engine: Engine) -> Repositories:
    return Repositories(
        users=SqlUserRepository(engine),
        books=SqlBookRepository(engine),
        user_books=SqlUserBookRepository(engine),
        probe=SqlBackendProbe(engine),
        sessions=SqlSessionStore(engine),
        login_attempts=SqlLoginAttempts(engine),
        imports=SqlImportRepository(engine),
        tokens=SqlTokenRepository(engine),
        stats=stats_counters.SqlStatsRepository(engine),
    )


def _insert_entry(conn, user_book: UserBook) -> None:
    """A new entry with what listings and stats keep beside it (sort keys, tag rows, counters), in `conn`'s transaction."""
    keys = listing.derived_for_new_entry(conn, user_book.book_id, user_book.title, user_book.author)
    conn.execute(insert(user_books), {**_user_book_row(user_book), **keys})
    listing.write_tags(conn, user_book.id, user_book.user_id, user_book.date_added, user_book.tags, new=True)
    stats_counters.record_entry_write(conn, None, user_book)


def _insert_with_book(conn, entry: Entry, new_book_ids: set[str]) -> None:
    if entry.book.id in new_book_ids:
        conn.execute(insert(books), _book_row(entry.book))
    _insert_entry(conn, entry.user_book)
