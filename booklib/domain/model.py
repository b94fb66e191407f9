"""Entities and value objects of a personal library. Plain Python only."""

from __future__ import annotations

import enum
import hashlib
import re
import secrets
import uuid
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timezone

from .covers import stored_cover
from .errors import ValidationError


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def new_id() -> str:
    return str(uuid.uuid4())


class ReadingStatus(str, enum.Enum):
    TO_READ = "to-read"
    READING = "reading"
    READ = "read"
    DID_NOT_FINISH = "did-not-finish"

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


def parse_rating(raw: object) -> int | float | None:
    """None, or 0.5 to 5 in half steps; whole numbers come back as int (4, not 4.0)."""
    if raw is None or raw == "":
        return None
    message = "Rating must be from 0.5 to 5 in half steps (4 or 4.5), or empty."
    if isinstance(raw, bool):
        raise ValidationError(message, field="rating")
    try:
        value = float(raw) if isinstance(raw, (int, float)) else float(str(raw).strip())
    except ValueError:
        raise ValidationError(message, field="rating") from None
    if not (0.5 <= value <= 5 and (value * 2).is_integer()):
        raise ValidationError(message, field="rating")
    return int(value) if value.is_integer() else value


@dataclass(frozen=True, slots=True)
class ReadThrough:
    """One reading of a book: started and finished on these days (either may be unknown)."""

    started_on: date | None = None
    finished_on: date | None = None

    def __post_init__(self):
        if self.started_on and self.finished_on and self.finished_on < self.started_on:
            raise ValidationError("A read cannot finish before it starts.", field="reads")

    @property
    def is_open(self) -> bool:
        return self.finished_on is None

    def to_dict(self) -> dict:
        return {"started_on": _iso(self.started_on), "finished_on": _iso(self.finished_on)}

    @classmethod
    def parse(cls, raw: object) -> "ReadThrough":
        if not isinstance(raw, dict) or set(raw) - {"started_on", "finished_on"}:
            raise ValidationError('Each read is {"started_on": "YYYY-MM-DD" or null, "finished_on": ...}.', field="reads")
        return cls(_parse_day(raw.get("started_on")), _parse_day(raw.get("finished_on")))


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _parse_day(raw: object) -> date | None:
    if raw in (None, ""):
        return None
    if isinstance(raw, date):
        return raw
    text = str(raw)
    try:
        if len(text) != 10:  # fromisoformat would also take "20260521"
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError(f"{text[:20]!r} is not a real date (YYYY-MM-DD).", field="reads") from None


MAX_READS = 200


def parse_reads(raw: object) -> tuple[ReadThrough, ...]:
    """A whole list of read-throughs, sorted oldest first (by start, else finish)."""
    if raw is None:
        return ()
    if not isinstance(raw, (list, tuple)) or len(raw) > MAX_READS:
        raise ValidationError(f"reads must be a list of at most {MAX_READS} reads.", field="reads")
    reads = [item if isinstance(item, ReadThrough) else ReadThrough.parse(item) for item in raw]
    return tuple(sorted(reads, key=_read_order))


def _read_order(read: ReadThrough) -> tuple:
    day = read.started_on or read.finished_on
    return (day is None, day or date.min, read.finished_on or date.max)


MAX_TAGS = 50
MAX_TAG_LENGTH = 50


def parse_tags(raw: object) -> tuple[str, ...]:
    """Trimmed, inner spaces folded, commas splitting, unique ignoring case (the first spelling wins),
    at most 50 of 50 characters."""
    if raw is None or raw == "":
        return ()
    if isinstance(raw, str):
        raw = raw.split(",")
    if not isinstance(raw, (list, tuple)):
        raise ValidationError("tags must be a list of short texts.", field="tags")
    if not all(isinstance(item, str) for item in raw):
        raise ValidationError("tags must be a list of short texts.", field="tags")
    tags: dict[str, str] = {}
    # A comma cannot live inside a tag: exports and forms separate tags with commas.
    for piece in (part for item in raw for part in item.split(",")):
        tag = " ".join(piece.split())
        if not tag:
            continue
        if len(tag) > MAX_TAG_LENGTH:
            raise ValidationError(f"A tag has at most {MAX_TAG_LENGTH} characters.", field="tags")
        tags.setdefault(tag.casefold(), tag)
    if len(tags) > MAX_TAGS:
        raise ValidationError(f"At most {MAX_TAGS} tags.", field="tags")
    return tuple(tags.values())


MAX_PAGE_COUNT = 100_000


def parse_page_count(raw: object) -> int | None:
    if raw in (None, ""):
        return None
    try:
        value = int(str(raw).strip()) if not isinstance(raw, bool) else None
    except ValueError:
        value = None
    if value is None or not 0 < value <= MAX_PAGE_COUNT:
        raise ValidationError(f"page_count is a whole number from 1 to {MAX_PAGE_COUNT}, or empty.", field="page_count")
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
    page_count: int | None = None


# The texts of a book a reader may set on their own entry (overriding the shared book's for them
# alone), with their longest length: the one list that the services, forms, API and both storage
# adapters take them from. page_count is overridden the same way.
FIELD_LIMITS = {"title": 500, "author": 500, "genre": 200, "description": 20000}
EDITABLE_FIELDS = tuple(FIELD_LIMITS)
# The reader's own texts about a book: a review, and private notes.
PERSONAL_LIMITS = {"review": 20000, "notes": 20000}
# Everything a reader sets on an entry.
ENTRY_FIELDS = (*EDITABLE_FIELDS, "page_count", "status", "rating", "reads", "tags", *PERSONAL_LIMITS)
# What a write may change on a stored entry (the repository adds updated_at and the version itself).
CHANGEABLE_ENTRY_FIELDS = (*ENTRY_FIELDS, "sync_status", "sync_error")


def check_changes(changes: dict) -> None:
    unknown = set(changes) - set(CHANGEABLE_ENTRY_FIELDS)
    if unknown:
        raise ValueError(f"not changeable on an entry: {', '.join(sorted(unknown))}")


def names(unknown) -> str:
    """Field names for an error message: a few, each cut short (they come from the client)."""
    listed = sorted(str(name)[:40] for name in unknown)
    return ", ".join(listed[:5]) + (f" and {len(listed) - 5} more" if len(listed) > 5 else "")


def parse_entry_fields(fields: dict) -> dict:
    """What a reader sends for an entry (ENTRY_FIELDS), checked and in domain types."""
    unknown = set(fields) - set(ENTRY_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown fields: {names(unknown)}.")
    parsers = {
        "status": lambda raw: ReadingStatus.parse(raw) if raw not in (None, "") else ReadingStatus.TO_READ,
        "rating": parse_rating,
        "reads": parse_reads,
        "tags": parse_tags,
        "page_count": parse_page_count,
        **{name: (lambda raw, n=name, limit=limit: clean_text(raw, n, limit)) for name, limit in PERSONAL_LIMITS.items()},
        **{name: (lambda raw, n=name, limit=limit: clean_text(raw, n, limit)) for name, limit in FIELD_LIMITS.items()},
    }
    return {name: parsers[name](raw) for name, raw in fields.items()}


def reads_after_status(reads: tuple[ReadThrough, ...], was: ReadingStatus, now: ReadingStatus,
                       today: date) -> tuple[ReadThrough, ...]:
    """Setting `reading` opens a read dated today when none is open; `read` closes the open one with
    today (or adds one finished today); `did-not-finish` closes it without a finish date. A read is
    open while the entry is being read and its last read has no finish date."""
    is_open = was is ReadingStatus.READING and bool(reads) and reads[-1].finished_on is None
    if now is was:
        return reads
    if now is ReadingStatus.READING and not is_open:
        return (*reads, ReadThrough(started_on=today))
    if now is ReadingStatus.READ:
        if is_open:
            return (*reads[:-1], ReadThrough(reads[-1].started_on, max(today, reads[-1].started_on or today)))
        return (*reads, ReadThrough(finished_on=today))
    return reads  # to-read and did-not-finish leave the dates as they are


def clean_fields(fields: dict) -> dict:
    """Editable fields trimmed and checked against their limits; unknown names are refused."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown fields: {names(unknown)}.")
    return {name: clean_text(value, name, FIELD_LIMITS[name]) for name, value in fields.items()}


@dataclass(slots=True)
class UserBook:
    """One book in one user's library. Edited fields override the shared Book's for this user only."""

    id: str
    user_id: str
    book_id: str
    status: ReadingStatus = ReadingStatus.TO_READ
    rating: int | float | None = None
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
    page_count: int | None = None
    reads: tuple[ReadThrough, ...] = ()
    tags: tuple[str, ...] = ()
    review: str | None = None
    notes: str | None = None

    def overrides(self) -> dict:
        return {name: getattr(self, name) for name in (*EDITABLE_FIELDS, "page_count")}

    @property
    def tag_keys(self) -> tuple[str, ...]:
        """Tags as the `tag=` filter compares them: case folded."""
        return tuple(tag.casefold() for tag in self.tags)


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
            "cover_image_url": stored_cover(book.cover_image_url),
            "description": self.value("description"),
            "page_count": self.value("page_count"),
            "status": ub.status.value,
            "rating": ub.rating,
            "reads": [read.to_dict() for read in ub.reads],
            "tags": list(ub.tags),
            "review": ub.review,
            "notes": ub.notes,
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
    page_count: int | None = None

    def is_empty(self) -> bool:
        return not (self.title or self.author)

    @classmethod
    def from_provider(cls, source: str, **fields) -> "BookMetadata":
        """What a provider answered, made safe to store: text only (anything else is dropped), trimmed,
        cut to the field limits, and a cover only as a web URL (where the job fetches it from; pages
        never load it)."""
        texts = {name: _clipped(fields.get(name), FIELD_LIMITS[name]) for name in EDITABLE_FIELDS}
        cover = _clipped(fields.get("cover_image_url"), MAX_COVER_URL_LENGTH)
        if cover and not cover.lower().startswith(("https://", "http://")):
            cover = None
        pages = fields.get("page_count")
        pages = pages if isinstance(pages, int) and not isinstance(pages, bool) and 0 < pages <= MAX_PAGE_COUNT else None
        return cls(**texts, cover_image_url=cover, source=source, page_count=pages)


MAX_COVER_URL_LENGTH = 2000


def _clipped(value: object, limit: int) -> str | None:
    if not isinstance(value, str):
        return None
    text = value.strip()[:limit].rstrip()
    return text or None


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


def folded(entry: Entry, name: str) -> str:
    """An entry's effective text (its own edit, else the book's), lower-cased: what search compares."""
    return (entry.value(name) or "").lower()


_DIGITS = re.compile(r"\d+")
_NATURAL_WIDTH = 12


def natural_key(text: str | None) -> str:
    """The text as listings order it: case-folded, accents kept, runs of digits zero-padded so that
    "Book 2" sorts before "Book 10" under plain string order (what an index on a column compares)."""
    folded_text = " ".join((text or "").casefold().split())
    return _DIGITS.sub(lambda m: m.group().lstrip("0").rjust(_NATURAL_WIDTH, "0"), folded_text)


def sort_text(entry: Entry, name: str) -> str:
    """An entry's effective title or author in listing order (see natural_key)."""
    return natural_key(entry.value(name))


def matches(entry: Entry, needle: str) -> bool:
    """The search of a listing: the needle (lower-cased) in the effective title, author or ISBN."""
    return (needle in folded(entry, "title") or needle in folded(entry, "author")
            or needle.replace("-", "") in (entry.book.isbn or ""))


# How a listing orders entries in memory: sort -> (key of an entry, descending). Ties are broken by
# entry id in the same direction, as the SQL adapter's ORDER BY does.
SORT_KEYS = {
    Sort.DATE_ADDED: (lambda e: e.user_book.date_added, True),
    Sort.TITLE: (lambda e: sort_text(e, "title"), False),
    Sort.AUTHOR: (lambda e: sort_text(e, "author"), False),
    Sort.RATING: (lambda e: e.user_book.rating or 0, True),
}


MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20


@dataclass(frozen=True, slots=True)
class ListQuery:
    status: ReadingStatus | None = None
    q: str | None = None
    sort: Sort = Sort.DATE_ADDED
    limit: int = DEFAULT_PAGE_SIZE
    cursor: str | None = None
    tag: str | None = None  # case folded: entries carrying this tag

    @classmethod
    def parse(cls, status=None, q=None, sort=None, limit=None, cursor=None, tag=None) -> "ListQuery":
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
            tag=" ".join(str(tag).split()).casefold()[:MAX_TAG_LENGTH] or None if tag is not None else None,
        )

    def with_cursor(self, cursor: str | None) -> "ListQuery":
        return replace(self, cursor=cursor)


@dataclass(frozen=True, slots=True)
class Page:
    items: list[Entry]
    next_cursor: str | None
