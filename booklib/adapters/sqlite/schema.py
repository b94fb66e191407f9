"""alembic, driven from code: bring a database to head, or tell whether it is there.

The engine always comes from the caller (the container): migrations/env.py runs on its connection."""

from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

MIGRATIONS_DIR = Path(__file__).resolve().parents[3] / "migrations"


def alembic_config() -> Config:
    if not (MIGRATIONS_DIR / "env.py").exists():
        raise RuntimeError(f"alembic migrations not found at {MIGRATIONS_DIR}: run booklib from its source tree.")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def upgrade_to_head(engine: Engine) -> None:
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


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
