"""Ports: what the services need from the outside world. Adapters implement these."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from .model import Book, BookMetadata, Entry, ListQuery, LoginFailures, Page, Session, User, UserBook

if TYPE_CHECKING:  # named in signatures only: a request that imports or tokens nothing does not load them
    from .imports.jobs import ImportJob, ImportStatus, RowResult
    from .imports.reader import ImportRow
    from .tokens import AccessToken


class UserRepository(Protocol):
    def add(self, user: User) -> None:
        """Store a new user; ConflictError(field='username'|'email') if either is taken (case-insensitive)."""

    def get(self, user_id: str) -> User | None: ...

    def get_by_email(self, email: str) -> User | None:
        """Look up by email, case-insensitively."""

    def update_password(self, user_id: str, password_hash: str) -> None:
        """Replace the stored password hash (nothing else changes)."""

    def delete(self, user_id: str) -> None:
        """Delete the user and free their username and email; a missing user is no error."""


class BookRepository(Protocol):
    def add(self, book: Book) -> None:
        """Store a new book; ConflictError(field='isbn') if a book with its ISBN exists."""

    def get(self, book_id: str) -> Book | None: ...

    def get_by_isbn(self, isbn: str) -> Book | None: ...

    def get_many_by_isbn(self, isbns: list[str]) -> dict[str, Book]:
        """The stored books of these ISBNs, by ISBN (absent ISBNs are left out): one lookup for many."""

    def update(self, book: Book) -> None:
        """Replace the stored fields of an existing book."""

    def delete(self, book_id: str) -> None: ...


class UserBookRepository(Protocol):
    def add(self, user_book: UserBook) -> None:
        """Store a new entry; ConflictError(field='book') if the user already has this book."""

    def add_many(self, entries: list[Entry], new_book_ids: set[str]) -> set[str]:
        """Store many entries at once (an import's rows), each with its book when that book's id is in
        new_book_ids (a book not stored yet). An entry whose user has its book already, or whose new
        book's ISBN is taken meanwhile, is not stored, nor is its new book: their entry ids are returned.
        Each entry is stored whole or not at all; a failure part-way may leave some stored."""

    def get(self, user_book_id: str) -> UserBook | None: ...

    def get_entry(self, user_id: str, user_book_id: str) -> Entry | None:
        """The entry joined with its book, or None when missing or another user's."""

    def list_entries(self, user_id: str, query: ListQuery) -> Page:
        """One page of a user's library. Raises InvalidCursorError for a cursor it did not issue."""

    def update(self, user_book_id: str, version: int, changes: dict) -> UserBook:
        """Write only `changes` (names from CHANGEABLE_ENTRY_FIELDS) with a new updated_at, and bump the
        version, if the stored entry is still at `version`; return the entry as stored now.

        Raises StaleWriteError when another write came first, NotFoundError when the entry is gone."""

    def delete(self, user_book_id: str) -> None: ...

    def pending_ids(self, updated_before: datetime | None = None) -> list[str]:
        """Ids of the entries whose metadata job has not finished (across users), oldest first;
        with `updated_before`, only those left PENDING since before then."""


class SessionStore(Protocol):
    """Server-side login sessions. Ids are kept only as hashes (model.session_id_hash)."""

    def create(self, user_id: str, expires_at: datetime) -> Session:
        """Start a session with a new random id (model.new_session_id); the returned Session holds it."""

    def get(self, session_id: str) -> Session | None:
        """The session, or None when unknown, deleted or expired (expiry is checked on read)."""

    def delete(self, session_id: str) -> None:
        """End one session; an unknown id is no error."""

    def delete_for_user(self, user_id: str, keep: str | None = None) -> None:
        """End every session of the user, except the one with id `keep` if given."""


class LoginAttempts(Protocol):
    """Failed-login counters by throttling key ("account:<email>", "address:<ip>"), shared by all processes."""

    def failures(self, key: str, now: datetime) -> LoginFailures:
        """The key's failures; LoginFailures() when none, reset, or forgotten (expires_at passed)."""

    def record_failure(self, key: str, now: datetime, expires_at: datetime) -> LoginFailures:
        """Count one more failure at `now`, atomically (concurrent failures are all counted); the count is
        forgotten at `expires_at` (a count already past its expiry starts again from 1)."""

    def reset(self, key: str) -> None:
        """Forget the key's failures."""


class BackendProbe(Protocol):
    def check(self) -> None:
        """Raise with a readable reason when the storage backend cannot serve requests."""


class ImportRepository(Protocol):
    """Imports with their rows kept in chunks (the job reads one chunk at a time) and each row's outcome."""

    def add(self, job: ImportJob, chunks: list[list[ImportRow]]) -> None: ...

    def get(self, user_id: str, import_id: str) -> ImportJob | None:
        """None when missing or another user's."""

    def find(self, import_id: str) -> ImportJob | None: ...

    def list(self, user_id: str, limit: int = 50) -> list[ImportJob]:
        """The user's imports, newest first."""

    def rows(self, import_id: str, chunk: int) -> tuple[list[ImportRow], list[RowResult]]:
        """A chunk's rows, and the results recorded for it so far (a chunk run again skips those)."""

    def record(self, import_id: str, chunk: int, results: list[RowResult]) -> ImportJob:
        """Store a chunk's results and add them to the counts, once: a chunk recorded already changes
        nothing. The job is DONE when every row is processed. Returns the job as it is now."""

    def results(self, import_id: str) -> list[RowResult]:
        """Every recorded row result, by row number."""

    def set_status(self, import_id: str, status: ImportStatus, error: str | None = None) -> None: ...

    def unfinished(self) -> list[ImportJob]:
        """Imports queued or running, of every user (a stopped process leaves them)."""


class TokenRepository(Protocol):
    """Personal access tokens, found by the SHA-256 of their secret (tokens.token_hash)."""

    def add(self, token: AccessToken) -> None: ...

    def get_by_hash(self, token_hash: str) -> AccessToken | None:
        """None when unknown or revoked (read consistently: a revoked token stops at once)."""

    def list_for_user(self, user_id: str) -> list[AccessToken]:
        """The user's tokens, newest first."""

    def touch(self, token_hash: str, when: datetime) -> None:
        """Set last_used_at; a token revoked meanwhile stays revoked (nothing is written back)."""

    def delete(self, user_id: str, token_id: str) -> bool:
        """Revoke; False when there is no such token of this user (another user's included)."""

    def delete_for_user(self, user_id: str) -> None: ...


@dataclass(frozen=True)
class StoredStats:
    """A reader's stats as storage keeps them: counters (booklib.domain.stats), None while never built
    for this reader; yearly goals; and a token for store_built (what it saw of later writes)."""

    counters: dict[str, int] | None
    goals: dict[int, int]
    token: object = None


class StatsRepository(Protocol):
    """Per-user stats counters, changed by the entry repositories in the same transaction as every
    entry write (so the stats are never read from the library), and yearly goals."""

    def load(self, user_id: str, year: int | None = None) -> StoredStats:
        """With a year, the month counters (stats.is_month) of other years may be left out."""

    def store_built(self, user_id: str, counters: dict[str, int], token: object) -> bool:
        """Store counters built from the whole library, unless an entry write came since the load that
        gave `token` (then False: the next view builds them again)."""

    def set_goal(self, user_id: str, year: int, books: int | None) -> None:
        """Set the year's goal in books; None removes it."""


@dataclass(frozen=True)
class Repositories:
    """The repositories of one storage backend, handed out together by the container's storage selector."""

    users: UserRepository
    books: BookRepository
    user_books: UserBookRepository
    probe: BackendProbe
    sessions: SessionStore
    login_attempts: LoginAttempts
    imports: ImportRepository
    tokens: TokenRepository
    stats: StatsRepository | None = None


class TaskQueue(Protocol):
    def enqueue_metadata_job(self, user_book_id: str, bulk: bool = False) -> None:
        """bulk: one of many (an import's books), run behind the jobs of books a reader adds by hand."""

    def enqueue_import_chunk(self, import_id: str, chunk: int, lookups: bool = False) -> None:
        """Run a chunk of an import; lookups=True: queue the metadata lookups of the books it added."""


class MetadataProvider(Protocol):
    name: str

    def lookup(self, isbn: str, deadline: float | None = None) -> BookMetadata | None:
        """Metadata for the ISBN, None when the provider knows no such book. With a deadline
        (time.monotonic() seconds) no attempt runs past it.

        Raises MetadataUnavailableError when the provider cannot answer now (timeouts, 429, 5xx, an
        answer of the wrong shape, no time left)."""


class CoverSource(Protocol):
    """Where covers come from: the book services, over the network."""

    def fetch(self, isbn: str, hint: str | None = None, deadline: float | None = None) -> bytes | None:
        """The best cover image of the book, as the service sent it: from `hint` (the URL its metadata
        gave) when there is one there, else from the cover services by ISBN; None when none has one
        (a missing cover is never a placeholder image). With a deadline (time.monotonic() seconds) no
        attempt runs past it.

        Raises MetadataUnavailableError when no image came and a service could not answer now."""


class CoverImaging(Protocol):
    def renditions(self, image: bytes) -> dict[str, bytes] | None:
        """JPEG images of every size in booklib.domain.covers.COVER_SIZES, each fitting its box; None
        when the image is a placeholder (a few pixels wide).

        Raises InvalidImageError for data that is not an image, ImageTooLargeError for one whose pixel
        count is over the limit (checked before decoding)."""


class CoverStore(Protocol):
    """Cover images kept at home, by book id and size (booklib.domain.covers.COVER_SIZES): JPEG bytes.
    Keys are checked (check_cover_key): a key that is not a cover raises ValueError, never reaches storage."""

    def put(self, book_id: str, images: dict[str, bytes]) -> None:
        """Store these sizes of the book's cover, each replacing the one before; a reader never sees
        half an image."""

    def get(self, book_id: str, size: str) -> bytes | None:
        """The image, or None when none is stored."""

    def delete(self, book_id: str) -> None:
        """Forget every size of the book's cover; none stored is no error."""


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str: ...

    def verify(self, password_hash: str, password: str) -> bool: ...


@runtime_checkable
class BarcodeReader(Protocol):
    name: str

    def read(self, image: bytes) -> list[str]:
        """Texts of all barcodes found in the image (may be empty).

        Raises InvalidImageError for data that is not an image, ImageTooLargeError for
        images whose pixel count is over the limit (checked before decoding)."""


class SchemaMigrator(Protocol):
    """Brings a store's schema to the version this code needs (alembic for SQL)."""

    def upgrade(self) -> str:
        """Upgrade to the latest version; return one line saying where the store is now."""

    def is_current(self) -> bool: ...


class Provisioner(Protocol):
    """Creates the cloud resources one technology needs (tables, queues), idempotently."""

    def ensure(self) -> list[str]:
        """Create what is missing; return one line per resource saying what exists now."""


class Lease(Protocol):
    """Held by one process at a time: the one that runs the periodic sweep of pending jobs."""

    def try_acquire(self) -> bool:
        """True when this process holds the lease (now or already); never waits."""
