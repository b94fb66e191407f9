"""alembic environment: the URL comes from the caller (booklib.adapters.sqlite.schema) or DATABASE_URL."""

import os

from alembic import context
from sqlalchemy import pool

from booklib.adapters.sqlite.engine import make_engine
from booklib.adapters.sqlite.tables import metadata

config = context.config
target_metadata = metadata


def database_url() -> str:
    url = config.get_main_option("sqlalchemy.url")
    if url:
        return url
    from booklib.config import Settings

    return os.environ.get("DATABASE_URL") or Settings.from_env().database_url


def run_migrations_offline() -> None:
    context.configure(url=database_url(), target_metadata=target_metadata, literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(database_url())
    try:
        with engine.connect() as conn:
            _run(conn)
    finally:
        engine.dispose()


def _run(connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
