"""How a SQL engine is configured: SQLite gets WAL, a busy timeout and foreign keys so concurrent
writers queue. The container creates the engine with these options; nothing else creates one."""

from pathlib import Path

from sqlalchemy import Engine, event
from sqlalchemy.engine import URL, make_url


def engine_options(database_url: str) -> tuple[URL, dict]:
    """The URL and the create_engine() keyword arguments for it."""
    url = make_url(database_url)
    if url.drivername in ("postgresql", "postgres"):  # the driver booklib installs ('.[postgres]'): psycopg 3
        url = url.set(drivername="postgresql+psycopg")
    if url.drivername.startswith("postgresql"):
        # Plans made for each query's values: a generic plan, which psycopg's prepared statements get
        # after a few runs, knows neither the reader nor the needle, and may walk every reader's rows.
        return url, {"pool_pre_ping": True, "connect_args": {"options": "-c plan_cache_mode=force_custom_plan"}}
    if not url.drivername.startswith("sqlite"):
        return url, {"pool_pre_ping": True}
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    return url, {"connect_args": {"timeout": 30, "check_same_thread": False}}


def configure(engine: Engine) -> Engine:
    if engine.url.drivername.startswith("sqlite"):
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection, _record):
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
