"""The SQL schema. alembic's migrations/ must match this metadata."""

from datetime import datetime, timezone

from sqlalchemy import (
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.types import TypeDecorator

from booklib.domain.model import FIELD_LIMITS, MAX_TAG_LENGTH


class UTCDateTime(TypeDecorator):
    """Stores UTC, always hands back timezone-aware datetimes (SQLite keeps no zone)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


# Sort keys compare as code points everywhere, whatever the database's locale (as Python's sorted() does).
SORT_KEY_LENGTH = 400
SORT_KEY = String(SORT_KEY_LENGTH).with_variant(String(SORT_KEY_LENGTH, collation="C"), "postgresql")

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

STATUS_CHECK = "status IN ('to-read', 'reading', 'read', 'did-not-finish')"
RATING_CHECK = "rating IS NULL OR (rating BETWEEN 0.5 AND 5 AND rating * 2 = CAST(rating * 2 AS INTEGER))"


def _editable_columns() -> list[Column]:
    """One column per editable field, sized by the domain's limits (long texts are TEXT)."""
    return [Column(name, Text if limit > 2000 else String(limit)) for name, limit in FIELD_LIMITS.items()]


users = Table(
    "users",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("username", String(30), nullable=False),
    Column("username_key", String(30), nullable=False, unique=True),
    Column("email", String(254), nullable=False, unique=True),
    Column("password_hash", String(255), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
)

books = Table(
    "books",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("isbn", String(13), unique=True),
    *_editable_columns(),
    Column("cover_image_url", String(2000)),
    Column("page_count", Integer),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
)

user_books = Table(
    "user_books",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("user_id", String(36), ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("book_id", String(36), ForeignKey("books.id"), nullable=False),
    Column("status", String(20), nullable=False),
    Column("rating", Float),
    Column("sync_status", String(10), nullable=False),
    Column("sync_error", Text),
    *_editable_columns(),
    Column("version", Integer, nullable=False, server_default="0"),
    Column("page_count", Integer),
    Column("reads", Text),  # JSON: [{"started_on": "YYYY-MM-DD" | null, "finished_on": ...}], oldest first
    Column("tags", Text),  # JSON: ["tag", ...] as the reader spelled them
    Column("tag_keys", Text),  # "\nfolded tag\n...\n": what the tag= filter matches
    Column("review", Text),
    Column("notes", Text),
    Column("date_added", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    # What listings sort and search by, from the effective title and author (the entry's own, else the
    # book's): kept by the repository on every write of the entry or of its book (listing.py).
    Column("title_key", SORT_KEY, nullable=False, server_default=""),
    Column("author_key", SORT_KEY, nullable=False, server_default=""),
    Column("search_text", Text, nullable=False, server_default=""),
    Column("search_isbn", String(13), nullable=False, server_default=""),
    Column("rating_key", Float, nullable=False, server_default="0"),  # the rating, 0 when unrated
    UniqueConstraint("user_id", "book_id", name="uq_user_books_user_id_book_id"),
    CheckConstraint(STATUS_CHECK, name="status"),
    CheckConstraint(RATING_CHECK, name="rating"),
    CheckConstraint("sync_status IN ('PENDING', 'SYNCED', 'FAILED')", name="sync_status"),
    Index("ix_user_books_sync_status", "sync_status"),
    Index("ix_user_books_book_id", "book_id"),
    # One index per listing order, each per user and ending in the id that breaks ties.
    Index("ix_user_books_newest", "user_id", "date_added", "id"),
    Index("ix_user_books_status", "user_id", "status", "date_added", "id"),
    Index("ix_user_books_title", "user_id", "title_key", "id"),
    Index("ix_user_books_author", "user_id", "author_key", "id"),
    Index("ix_user_books_rating", "user_id", "rating_key", "id"),
    # Search: PostgreSQL's pg_trgm indexes search_text and search_isbn (migration 0006); SQLite keeps
    # an FTS5 trigram table beside user_books, kept by triggers (search.py).
)

# One row per tag of an entry, so that a tag's listing, newest first, is a range of one index.
user_book_tags = Table(
    "user_book_tags",
    metadata,
    Column("entry_id", String(36), ForeignKey("user_books.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_key", String(4 * MAX_TAG_LENGTH), primary_key=True),  # case folded (which may lengthen it)
    Column("user_id", String(36), nullable=False),
    Column("date_added", UTCDateTime(), nullable=False),
    Index("ix_user_book_tags_listing", "user_id", "tag_key", "date_added", "entry_id"),
)

# Server-side login sessions: the cookie holds the id, the table only its SHA-256.
sessions = Table(
    "sessions",
    metadata,
    Column("id_hash", String(64), primary_key=True),
    Column("user_id", String(36), ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("expires_at", UTCDateTime(), nullable=False),
    Index("ix_sessions_user_id", "user_id"),
    Index("ix_sessions_expires_at", "expires_at"),
)

# Failed-login counters by throttling key ("account:<email>", "address:<ip>").
login_attempts = Table(
    "login_attempts",
    metadata,
    Column("key", String(300), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("last_failure_at", UTCDateTime(), nullable=False),
    Column("expires_at", UTCDateTime(), nullable=False),
    Index("ix_login_attempts_expires_at", "expires_at"),
)

# Imports: the job with its counts, and its rows in chunks (JSON) with each chunk's results once run.
imports = Table(
    "imports",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("user_id", String(36), ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("source", String(20), nullable=False),
    Column("status", String(10), nullable=False),
    Column("total", Integer, nullable=False),
    Column("chunks", Integer, nullable=False),
    Column("processed", Integer, nullable=False),
    Column("added", Integer, nullable=False),
    Column("updated", Integer, nullable=False),
    Column("unchanged", Integer, nullable=False),
    Column("skipped", Integer, nullable=False),
    Column("error", Text),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Index("ix_imports_user_id_created_at", "user_id", "created_at"),
    Index("ix_imports_status", "status"),
)

import_chunks = Table(
    "import_chunks",
    metadata,
    Column("import_id", String(36), ForeignKey("imports.id", ondelete="CASCADE"), primary_key=True),
    Column("chunk", Integer, primary_key=True),
    Column("rows", Text, nullable=False),
    Column("results", Text),  # NULL until the chunk has run
)

# Reading stats: each reader's counters (booklib.domain.stats), changed in the transaction of every
# entry write; "~seq" counts those writes and "~built" marks counters built from the library.
stats_counters = Table(
    "stats_counters",
    metadata,
    Column("user_id", String(36), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("name", String(300), primary_key=True),
    Column("value", Integer, nullable=False),
)

reading_goals = Table(
    "reading_goals",
    metadata,
    Column("user_id", String(36), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("books", Integer, nullable=False),
)

# Personal access tokens: the secret is shown once; the table keeps only its SHA-256.
access_tokens = Table(
    "access_tokens",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("user_id", String(36), ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(100), nullable=False),
    Column("prefix", String(16), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("last_used_at", UTCDateTime()),
    Index("ix_access_tokens_user_id", "user_id"),
)
