"""alembic, driven from code: bring a database to head, or tell whether it is there.

The engine always comes from the caller (the container): migrations/env.py runs on its connection."""

from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: one process at a time is the user's business there
    fcntl = None

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

MIGRATIONS_DIR = Path(__file__).resolve().parents[3] / "migrations"


def alembic_config() -> Config:
    if not (MIGRATIONS_DIR / "env.py").exists():
        raise RuntimeError(f"alembic migrations not found at {MIGRATIONS_DIR}: run booklib from its source tree.")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


# Any 64-bit number, the same in every booklib process: PostgreSQL's advisory lock for upgrades.
_PG_UPGRADE_LOCK = 0x626F6F6B6C6962


def upgrade_to_head(engine: Engine) -> None:
    """Upgrade under a lock, so that several processes starting at once on a new database (gunicorn's
    workers, a CLI command beside the app) take turns: the first upgrades, the others find it done."""
    config = alembic_config()
    with _file_lock(engine), engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_UPGRADE_LOCK})
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


@contextmanager
def _file_lock(engine: Engine):
    """SQLite has no lock that outlives one statement across processes: a lock file beside the database."""
    database = engine.url.database if engine.url.drivername.startswith("sqlite") else None
    if not database or database == ":memory:" or fcntl is None:
        yield
        return
    with open(f"{database}.upgrade-lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@lru_cache(maxsize=1)
def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


class AlembicSchemaMigrator:
    """SchemaMigrator port for SQL databases."""

    def __init__(self, engine: Engine):
        self.engine = engine

    def upgrade(self) -> str:
        upgrade_to_head(self.engine)
        where = self.engine.url.render_as_string(hide_password=True)
        return f"Database {where} is at revision {self.revision()}."

    def revision(self) -> str | None:
        return current_revision(self.engine)

    def head(self) -> str | None:
        return head_revision()

    def is_current(self) -> bool:
        return self.revision() == self.head()
