"""SQLite's search index: an FTS5 table with the trigram tokenizer (any substring of 3 characters or
more is found through it) over user_books' search_text and search_isbn, as external content keyed by
user_books' rowid and kept in step by triggers, so every write of an entry updates it in its transaction.

A migration that rebuilds user_books on SQLite (alembic's batch "move and copy") drops the triggers and
renumbers rowids: it must call drop_sqlite_search() before and create_sqlite_search() after."""

SQLITE_SEARCH_TABLE = "user_books_search"

_COLUMNS = "search_text, search_isbn"
_NEW = "new.rowid, new.search_text, new.search_isbn"
_OLD = "'delete', old.rowid, old.search_text, old.search_isbn"

CREATE = [
    f"CREATE VIRTUAL TABLE {SQLITE_SEARCH_TABLE} USING fts5({_COLUMNS}, content='user_books', "
    "content_rowid='rowid', tokenize='trigram')",
    f"CREATE TRIGGER {SQLITE_SEARCH_TABLE}_insert AFTER INSERT ON user_books BEGIN "
    f"INSERT INTO {SQLITE_SEARCH_TABLE}(rowid, {_COLUMNS}) VALUES ({_NEW}); END",
    f"CREATE TRIGGER {SQLITE_SEARCH_TABLE}_delete AFTER DELETE ON user_books BEGIN "
    f"INSERT INTO {SQLITE_SEARCH_TABLE}({SQLITE_SEARCH_TABLE}, rowid, {_COLUMNS}) VALUES ({_OLD}); END",
    f"CREATE TRIGGER {SQLITE_SEARCH_TABLE}_update AFTER UPDATE OF {_COLUMNS} ON user_books BEGIN "
    f"INSERT INTO {SQLITE_SEARCH_TABLE}({SQLITE_SEARCH_TABLE}, rowid, {_COLUMNS}) VALUES ({_OLD}); "
    f"INSERT INTO {SQLITE_SEARCH_TABLE}(rowid, {_COLUMNS}) VALUES ({_NEW}); END",
    # Index what is there already.
    f"INSERT INTO {SQLITE_SEARCH_TABLE}({SQLITE_SEARCH_TABLE}) VALUES ('rebuild')",
]

DROP = [
    f"DROP TRIGGER IF EXISTS {SQLITE_SEARCH_TABLE}_update",
    f"DROP TRIGGER IF EXISTS {SQLITE_SEARCH_TABLE}_delete",
    f"DROP TRIGGER IF EXISTS {SQLITE_SEARCH_TABLE}_insert",
    f"DROP TABLE IF EXISTS {SQLITE_SEARCH_TABLE}",
]


def create_sqlite_search(execute) -> None:
    """execute: a function running one SQL string (alembic's op.execute, or a connection's exec_driver_sql)."""
    for statement in CREATE:
        execute(statement)


def drop_sqlite_search(execute) -> None:
    for statement in DROP:
        execute(statement)
