"""`flask --app booklib.web db upgrade` on a database that is not at head."""

from sqlalchemy import inspect, text

from booklib.adapters.sqlite.schema import head_revision
from booklib.web import create_app


def test_db_upgrade_brings_the_schema_to_head(settings):
    app = create_app(settings.replace(backend="sqlite"))
    engine = app.extensions["booklib.container"].sql_engine()
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE access_tokens"))
        conn.execute(text("DROP TABLE import_chunks"))
        conn.execute(text("DROP TABLE imports"))
        conn.execute(text("DROP TABLE login_attempts"))
        conn.execute(text("DROP TABLE sessions"))
        conn.execute(text("DROP TABLE user_books"))
        conn.execute(text("DROP TABLE books"))
        conn.execute(text("DROP TABLE users"))
        conn.execute(text("DELETE FROM alembic_version"))
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert f"is at revision {head_revision()}" in result.output
    assert {"users", "books", "user_books", "sessions", "login_attempts", "imports", "import_chunks"} <= set(
        inspect(engine).get_table_names())


def test_the_migrations_build_exactly_the_schema_of_tables_py(settings):
    """alembic's migrations/ and booklib/adapters/sqlite/tables.py describe the same schema."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from booklib.adapters.sqlite.tables import metadata

    app = create_app(settings.replace(backend="sqlite"))
    engine = app.extensions["booklib.container"].sql_engine()
    with engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    assert differences == []
