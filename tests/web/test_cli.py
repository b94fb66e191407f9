"""`flask --app booklib.web db upgrade` on a database that is not at head."""

from sqlalchemy import inspect, text

from booklib.adapters.sqlite.schema import head_revision
from booklib.adapters.sqlite.search import drop_sqlite_search
from booklib.web import create_app


def drop_every_table(conn) -> None:
    """An empty database: the full-text table and its triggers first (it takes its shadow tables along)."""
    drop_sqlite_search(conn.exec_driver_sql)
    for (name,) in conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")).all():
        conn.execute(text(f'DROP TABLE "{name}"'))


def test_db_upgrade_brings_the_schema_to_head(settings):
    app = create_app(settings.replace(backend="sqlite"))
    engine = app.extensions["booklib.container"].sql_engine()
    with engine.begin() as conn:
        drop_every_table(conn)
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert f"is at revision {head_revision()}" in result.output
    assert {"users", "books", "user_books", "sessions", "login_attempts", "imports", "import_chunks", "stats_counters",
            "reading_goals"} <= set(
        inspect(engine).get_table_names())


def test_the_migrations_build_exactly_the_schema_of_tables_py(settings):
    """alembic's migrations/ and booklib/adapters/sqlite/tables.py describe the same schema."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from booklib.adapters.sqlite.search import SQLITE_SEARCH_TABLE
    from booklib.adapters.sqlite.tables import metadata

    def managed(name, kind, _parent):
        """The full-text table and its shadow tables are made by raw DDL (search.py), outside tables.py."""
        return not (kind == "table" and name.startswith(SQLITE_SEARCH_TABLE))

    app = create_app(settings.replace(backend="sqlite"))
    engine = app.extensions["booklib.container"].sql_engine()
    with engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn, opts={"include_name": managed}), metadata)
    assert differences == []
