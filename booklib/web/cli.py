"""`flask --app booklib.web ...` commands."""

import click
from flask import current_app
from flask.cli import AppGroup

db_cli = AppGroup("db", help="The SQL database's schema (alembic).")


def _settings():
    return current_app.extensions["booklib.settings"]


@db_cli.command("upgrade")
def db_upgrade():
    """Bring the SQL schema to the latest version."""
    from booklib.adapters.sqlite.schema import current_revision, upgrade_to_head

    settings = _settings()
    upgrade_to_head(settings.database_url)
    engine = current_app.extensions["booklib.container"].sql_engine()
    click.echo(f"Database {engine.url.render_as_string(hide_password=True)} is at revision {current_revision(engine)}.")


def init_app(app) -> None:
    app.cli.add_command(db_cli)
