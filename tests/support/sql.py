"""SQL engines for tests, from the container like the app's (nothing else creates one)."""

from booklib.config import Settings
from booklib.container import build_container


def migrated_engine(database_url: str):
    """The engine for this URL, with the schema brought to head."""
    container = build_container(Settings(database_url=database_url))
    container.sql_schema().upgrade()
    return container.sql_engine()
