"""Entities and value objects of a personal library. Plain Python only."""

from __future__ import annotations

import enum
import hashlib
import re
import secrets
import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone

from .errors import ValidationError


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def new_id() -> str:
    return str(uuid.uuid4())


class ReadingStatus(str, enum.Enum):
    TO_READ = "to-read"
    READING = "reading"
    READ = "read"

    @classmethod
    def parse(cls, raw: object) -> "ReadingStatus":
        try:
            return cls(str(raw).strip().lower())
        except ValueError:
            allowed = ", ".join(s.value for s in cls)
            raise ValidationError(f"Status must be one of: {allowed}.", field="status") from None


class SyncStatus(str, enum.Enum):
    PENDING = "PENDING"
    SYNCED = "SYNCED"
    FAILED = "FAILED"


def parse_rating(raw: object) -> int | None:
    if raw is None or raw == "":
        return None
    message = "Rating must be a whole number from 1 to 5, or empty."
    if isinstance(raw, bool) or (isinstance(raw, float) and not raw.is_integer()):
        raise ValidationError(message, field="rating")
    try:
        value = int(raw) if isinstance(raw, (int, float)) else int(str(raw).strip())
    except ValueError:
        raise ValidationError(message, field="rating") from None
    if not 1 <= value <= 5:
        raise ValidationError("Rating must be from 1 to 5.", field="rating")
    return value


USERNAME_RE = re.compile(r"^[A-Za-z0-9_.\-]{3,30}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD_LENGTH = 8


def normalize_username(raw: object) -> str:
    username = str(raw or "").strip()
    if not USERNAME_RE.match(username):
        raise ValidationError(
            "Username must be 3 to 30 characters: letters, digits, '_', '.' or '-'.", field="username"
        )
    return username


def normalize_email(raw: object) -> str:
    email = str(raw or "").strip().lower()
    if len(email) > 254 or not EMAIL_RE.match(email):
        raise ValidationError("Enter a valid email address.", field="email")
    return email


def check_password(raw: object) -> str:
    password = str(raw or "")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(f"Password must be at least {MIN_PASSWORD_LENGTH} characters.", field="password")
    return password


def clean_text(raw: object, field_name: str, max_length: int) -> str | None:
    if raw is None:
        return None
    text = str(raw).strip()
    if len(text) > max_length:
        raise ValidationError(f"{field_name.capitalize()} is longer than {max_length} characters.", field=field_name)
    return text or None


@dataclass(slots=True)
class User:
    id: str
    username: str
    email: str
    password_hash: str
    created_at: datetime

    @property
    def username_key(self) -> str:
        return self.username.lower()

    def to_dict(self) -> dict:
        return {"id": self.id, "username": self.username, "email": self.email, "created_at": self.created_at.isoformat()}


def new_session_id() -> str:
    """A session id: 256 random bits, URL-safe. Only the reader's cookie ever holds it."""
    return secrets.token_urlsafe(32)


def session_id_hash(session_id: str) -> str:
    """What a store keeps instead of the session id (a stolen table cannot be replayed as cookies)."""
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Session:
    """A server-side login session: the reader's cookie holds `id`; stores keep only its hash."""

    id: str
    user_id: str
    created_at: datetime
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class LoginFailures:
    """Failed logins counted under one throttling key since the last reset (or since they were forgotten)."""

    count: int = 0
    last_failure_at: datetime | None = None


@dataclass(slots=True)
class Book:
    """A work by ISBN, shared by every user who owns it; or a hand-entered book (no ISBN)."""

    id: str
    isbn: str | None
    title: str | None = None
    author: str | None = None
    genre: str | None = None
    cover_image_url: str | None = None
    description: str | None = None
    created_at: datetime = field(default_factory=utcnow)
    updated_at: datetime = field(default_factory=utcnow)


# The fields a reader may set on their own entry, with their longest length: the one list that the
# services, forms, API and both storage adapters take them from.
FIELD_LIMITS = {"title": 500, "author": 500, "genre": 200, "description": 20000}
EDITABLE_FIELDS = tuple(FIELD_LIMITS)
# Everything a reader sets on an entry: the editable texts, and their reading status and rating.
ENTRY_FIELDS = (*EDITABLE_FIELDS, "status", "rating")


def clean_fields(fields: dict) -> dict:
    """Editable fields trimmed and checked against their limits; unknown names are refused."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown fields: {', '.join(sorted(unknown))}.")
    return {name: clean_text(value, name, FIELD_LIMITS[name]) for name, value in fields.items()}


@dataclass(slots=True)
class UserBook:
    """One book in one user's library. Edited fields override the shared Book's for this user only."""

    id: str
    user_id: str
    book_id: str
    status: ReadingStatus = ReadingStatus.TO_READ
    rating: int | None = None
    sync_status: SyncStatus = SyncStatus.SYNCED
    sync_error: str | None = None
    title: str | None = None
    author: str | None = None
    genre: str | None = None
    description: str | None = None
    date_added: datetime = field(default_factory=utcnow)
    updated_at: datetime = field(default_factory=utcnow)
    # Bumped by every write; a write names the version it read and fails if another came first.
    version: int = 0

    def overrides(self) -> dict:
        return {name: getattr(self, name) for name in EDITABLE_FIELDS}


@dataclass(frozen=True, slots=True)
class Entry:
    """What a user sees of one book in their library: their UserBook joined with its Book."""

    user_book: UserBook
    book: Book

    @property
    def id(self) -> str:
        return self.user_book.id

    def value(self, name: str) -> str | None:
        own = getattr(self.user_book, name)
        return own if own is not None else getattr(self.book, name)

    def to_dict(self) -> dict:
        ub, book = self.user_book, self.book
        return {
            "id": ub.id,
            "book_id": book.id,
            "isbn": book.isbn,
            "title": self.value("title"),
            "author": self.value("author"),
            "genre": self.value("genre"),
            "cover_image_url": book.cover_image_url,
            "description": self.value("description"),
            "status": ub.status.value,
            "rating": ub.rating,
            "sync_status": ub.sync_status.value,
            "sync_error": ub.sync_error,
            "date_added": ub.date_added.isoformat(),
            "updated_at": ub.updated_at.isoformat(),
        }


@dataclass(frozen=True, slots=True)
class BookMetadata:
    title: str | None = None
    author: str | None = None
    genre: str | None = None
    cover_image_url: str | None = None
    description: str | None = None
    source: str = ""

    def is_empty(self) -> bool:
        return not (self.title or self.author)


class Sort(str, enum.Enum):
    DATE_ADDED = "date_added"  # newest first
    TITLE = "title"
    AUTHOR = "author"
    RATING = "rating"  # highest first, unrated last

    @classmethod
    def parse(cls, raw: object) -> "Sort":
        if raw in (None, ""):
            return cls.DATE_ADDED
        try:
            return cls(str(raw))
        except ValueError:
            allowed = ", ".join(s.value for s in cls)
            raise ValidationError(f"Sort must be one of: {allowed}.", field="sort") from None


MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20


@dataclass(frozen=True, slots=True)
class ListQuery:
    status: ReadingStatus | None = None
    q: str | None = None
    sort: Sort = Sort.DATE_ADDED
    limit: int = DEFAULT_PAGE_SIZE
    cursor: str | None = None

    @classmethod
    def parse(cls, status=None, q=None, sort=None, limit=None, cursor=None) -> "ListQuery":
        if limit in (None, ""):
            size = DEFAULT_PAGE_SIZE
        else:
            try:
                size = int(limit)
            except (TypeError, ValueError):
                raise ValidationError("limit must be a whole number.", field="limit") from None
            if not 1 <= size <= MAX_PAGE_SIZE:
                raise ValidationError(f"limit must be from 1 to {MAX_PAGE_SIZE}.", field="limit")
        return cls(
            status=ReadingStatus.parse(status) if status not in (None, "") else None,
            q=(str(q).strip() or None) if q is not None else None,
            sort=Sort.parse(sort),
            limit=size,
            cursor=cursor or None,
        )

    def with_cursor(self, cursor: str | None) -> "ListQuery":
        return replace(self, cursor=cursor)


@dataclass(frozen=True, slots=True)
class Page:
    items: list[Entry]
    next_cursor: str | None
