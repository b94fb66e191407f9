"""`flask --app booklib.web db upgrade` on a database that is not at head."""

from sqlalchemy import inspect, text

from booklib.web import create_app


def test_db_upgrade_brings_the_schema_to_head(settings):
    app = create_app(settings.replace(backend="sqlite"))
    engine = app.extensions["booklib.container"].sql_engine()
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE user_books"))
        conn.execute(text("DROP TABLE books"))
        conn.execute(text("DROP TABLE users"))
        conn.execute(text("DELETE FROM alembic_version"))
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    from booklib.adapters.sqlite.schema import head_revision

    assert f"is at revision {head_revision()}" in result.output
    assert {"users", "books", "user_books"} <= set(inspect(engine).get_table_names())
