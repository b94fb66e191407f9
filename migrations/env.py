"""alembic environment. booklib's schema migrator (booklib.adapters.sqlite.schema) passes its
connection; run as `alembic upgrade head`, the engine comes from the container, configured like the app."""

from alembic import context

from booklib.adapters.sqlite.tables import metadata

config = context.config
target_metadata = metadata


def _settings():
    from booklib.config import Settings

    return Settings.from_env()


def run_migrations_offline() -> None:
    url = config.get_main_option("sqlalchemy.url") or _settings().database_url
    context.configure(url=url, target_metadata=target_metadata, literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from booklib.container import build_container

    engine = build_container(_settings()).sql_engine()
    try:
        with engine.begin() as conn:
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
