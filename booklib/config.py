"""Settings read once from the environment and validated. Nothing else reads os.environ."""

from __future__ import annotations

import os
import re
import secrets
import tempfile
from dataclasses import dataclass, fields
from pathlib import Path

BACKENDS = ("sqlite", "dynamodb")
TASK_QUEUES = ("thread", "sqs", "inline")
AWS_TARGETS = ("aws", "localstack")
MIN_SECRET_KEY_LENGTH = 32


class ConfigError(RuntimeError):
    pass


def default_instance_path() -> Path:
    return Path(os.environ.get("BOOKLIB_INSTANCE_PATH") or Path.cwd() / "instance").resolve()


@dataclass(frozen=True)
class Settings:
    backend: str = "sqlite"
    tasks: str = "thread"
    environment: str = "local"
    instance_path: str = ""
    database_url: str = ""
    secret_key: str = ""
    # On AWS the api function reads its secret key from this SSM SecureString at cold start.
    secret_key_parameter: str | None = None
    users_table: str = ""
    books_table: str = ""
    user_books_table: str = ""
    sessions_table: str = ""
    login_attempts_table: str = ""
    imports_table: str = ""
    tokens_table: str = ""
    stats_table: str = ""
    # How long a login lasts (a server-side session: logging out ends it everywhere).
    session_lifetime_days: float = 30.0
    metadata_queue_url: str | None = None
    aws_endpoint_url: str | None = None
    # "localstack": boto3 clients come from localstack-client's session (LocalStack on its usual address).
    aws_target: str = "aws"
    google_books_api_url: str = "https://www.googleapis.com/books/v1"
    google_books_api_key: str | None = None
    open_library_url: str = "https://openlibrary.org"
    # Open Library's cover service: a book's cover by ISBN when its metadata names none.
    open_library_covers_url: str = "https://covers.openlibrary.org"
    # The S3 bucket covers are kept in on the DynamoDB backend (locally: <instance>/covers).
    covers_bucket: str = ""
    # Seconds between calls to Google Books; without an API key Google allows about one a second.
    google_books_min_interval: float | None = None
    metadata_timeout: float = 10.0
    # Seconds one metadata job may spend asking the providers (on Lambda, less if its time runs out).
    metadata_job_budget: float = 60.0
    metadata_retries: int = 3
    metadata_backoff: float = 0.5
    task_workers: int = 4
    # A job PENDING for longer than this was lost (a message dropped, a process killed): queue it again.
    pending_retry_minutes: float = 30.0
    barcode_readers: tuple[str, ...] = ("zxingcpp", "pyzbar")
    max_upload_bytes: int = 10 * 1024 * 1024
    max_image_pixels: int = 50_000_000  # a 48 MP phone photo passes; a decompression bomb does not

    @property
    def is_local(self) -> bool:
        return self.environment == "local"

    @property
    def upgrades_schema_at_start(self) -> bool:
        """The embedded default (a SQLite file) brings its own schema up to date; other databases are
        upgraded on purpose, with `flask --app booklib.web db upgrade`."""
        return self.backend == "sqlite" and self.database_url.startswith("sqlite")

    @property
    def google_interval(self) -> float:
        if self.google_books_min_interval is not None:
            return self.google_books_min_interval
        return 0.0 if self.google_books_api_key else 1.0

    def replace(self, **changes) -> "Settings":
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update(changes)
        return Settings(**values)._validated()

    @classmethod
    def from_env(cls, env: dict | None = None, **overrides) -> "Settings":
        env = dict(os.environ if env is None else env)
        environment = env.get("ENVIRONMENT", "local").strip() or "local"
        instance = Path(env.get("BOOKLIB_INSTANCE_PATH") or default_instance_path()).resolve()
        values = dict(
            backend=env.get("BOOKLIB_BACKEND", "sqlite").strip().lower(),
            tasks=env.get("BOOKLIB_TASKS", "thread").strip().lower(),
            environment=environment,
            instance_path=str(instance),
            database_url=env.get("DATABASE_URL") or f"sqlite:///{instance / 'booklib.db'}",
            secret_key=env.get("SECRET_KEY", ""),
            secret_key_parameter=env.get("SECRET_KEY_PARAMETER") or None,
            users_table=env.get("USERS_TABLE") or f"BookLibrary-Users-{environment}",
            books_table=env.get("BOOKS_TABLE") or f"BookLibrary-Books-{environment}",
            user_books_table=env.get("USER_BOOKS_TABLE") or f"BookLibrary-UserBooks-{environment}",
            sessions_table=env.get("SESSIONS_TABLE") or f"BookLibrary-Sessions-{environment}",
            login_attempts_table=env.get("LOGIN_ATTEMPTS_TABLE") or f"BookLibrary-LoginAttempts-{environment}",
            imports_table=env.get("IMPORTS_TABLE") or f"BookLibrary-Imports-{environment}",
            tokens_table=env.get("TOKENS_TABLE") or f"BookLibrary-Tokens-{environment}",
            stats_table=env.get("STATS_TABLE") or f"BookLibrary-Stats-{environment}",
            session_lifetime_days=_float(env, "SESSION_LIFETIME_DAYS") or cls.session_lifetime_days,
            metadata_queue_url=env.get("METADATA_QUEUE_URL") or None,
            aws_endpoint_url=env.get("AWS_ENDPOINT_URL") or None,
            aws_target=env.get("BOOKLIB_AWS_TARGET", "aws").strip().lower() or "aws",
            google_books_api_url=(env.get("GOOGLE_BOOKS_API_URL") or cls.google_books_api_url).rstrip("/"),
            google_books_api_key=env.get("GOOGLE_BOOKS_API_KEY") or None,
            open_library_url=(env.get("OPEN_LIBRARY_URL") or cls.open_library_url).rstrip("/"),
            open_library_covers_url=(env.get("OPEN_LIBRARY_COVERS_URL") or cls.open_library_covers_url).rstrip("/"),
            covers_bucket=env.get("COVERS_BUCKET") or default_bucket_name(f"booklib-covers-{environment}"),
            google_books_min_interval=_float(env, "GOOGLE_BOOKS_MIN_INTERVAL"),
            metadata_timeout=_float(env, "METADATA_TIMEOUT") or cls.metadata_timeout,
            metadata_job_budget=_float(env, "METADATA_JOB_BUDGET") or cls.metadata_job_budget,
            task_workers=_int(env, "BOOKLIB_TASK_WORKERS") or cls.task_workers,
            pending_retry_minutes=_float(env, "BOOKLIB_PENDING_RETRY_MINUTES") or cls.pending_retry_minutes,
            barcode_readers=tuple(
                name.strip().lower()
                for name in (env.get("BOOKLIB_BARCODE_READERS") or "zxingcpp,pyzbar").split(",")
                if name.strip()
            ),
        )
        values.update(overrides)
        return cls(**values)._validated()

    def _validated(self) -> "Settings":
        if self.backend not in BACKENDS:
            raise ConfigError(f"BOOKLIB_BACKEND must be one of {', '.join(BACKENDS)}, not {self.backend!r}.")
        if self.tasks not in TASK_QUEUES:
            raise ConfigError(f"BOOKLIB_TASKS must be one of {', '.join(TASK_QUEUES)}, not {self.tasks!r}.")
        if self.aws_target not in AWS_TARGETS:
            raise ConfigError(f"BOOKLIB_AWS_TARGET must be one of {', '.join(AWS_TARGETS)}, not {self.aws_target!r}.")
        if self.tasks == "sqs" and not self.metadata_queue_url:
            raise ConfigError("BOOKLIB_TASKS=sqs needs METADATA_QUEUE_URL.")
        if self.secret_key and not self.is_local and len(self.secret_key) < MIN_SECRET_KEY_LENGTH:
            raise ConfigError(
                f"SECRET_KEY must be at least {MIN_SECRET_KEY_LENGTH} characters outside local: "
                "make one with python3 -c 'import secrets; print(secrets.token_hex(32))'."
            )
        if self.session_lifetime_days <= 0:
            raise ConfigError("SESSION_LIFETIME_DAYS must be more than 0.")
        if self.task_workers < 1:
            raise ConfigError("BOOKLIB_TASK_WORKERS must be at least 1.")
        return self

    def require_secret_key(self) -> "Settings":
        """The web app signs sessions with the secret key: outside local it must be given (the worker,
        which signs nothing, runs without one)."""
        if not self.secret_key and not self.is_local:
            raise ConfigError(
                f"SECRET_KEY is required when ENVIRONMENT is {self.environment!r}: set it (or SECRET_KEY_PARAMETER, "
                "an SSM SecureString) to a long random value."
            )
        return self

    def with_local_secret_key(self) -> "Settings":
        """Locally, generate a secret key once and keep it in the instance folder."""
        if self.secret_key:
            return self
        path = Path(self.instance_path) / "secret_key"
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            # Written aside, then linked into place: a reader never sees a half-written key, and of two
            # processes starting together one key wins for both.
            fd, draft = tempfile.mkstemp(dir=path.parent, prefix=".secret_key.")
            try:
                with os.fdopen(fd, "w") as fh:
                    fh.write(secrets.token_hex(32))
                os.link(draft, path)
            except FileExistsError:
                pass
            finally:
                os.unlink(draft)
        return self.replace(secret_key=path.read_text().strip())


def default_bucket_name(name: str) -> str:
    """S3 names are lower-case letters, digits and hyphens."""
    return re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-")[:63]


def _float(env: dict, name: str) -> float | None:
    raw = env.get(name)
    if raw in (None, ""):
        return None
    try:
        return float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, not {raw!r}.") from None


def _int(env: dict, name: str) -> int | None:
    raw = env.get(name)
    if raw in (None, ""):
        return None
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}.") from None
