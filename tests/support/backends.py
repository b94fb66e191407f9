"""Storage backends the repository contract suites run against.

Each entry builds a fresh, empty set of repositories and tears it down. Adding a backend here
runs every contract test against it: the tests themselves never change for a backend."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, ContextManager


@dataclass
class Storage:
    users: Any
    books: Any
    user_books: Any
    probe: Any


@contextlib.contextmanager
def sqlite_storage(tmp_path: Path):
    from booklib.adapters.sqlite import repositories as sql
    from booklib.adapters.sqlite.engine import make_engine
    from booklib.adapters.sqlite.schema import upgrade_to_head

    url = f"sqlite:///{tmp_path / 'contract.db'}"
    upgrade_to_head(url)
    engine = make_engine(url)
    try:
        yield Storage(
            sql.SqlUserRepository(engine),
            sql.SqlBookRepository(engine),
            sql.SqlUserBookRepository(engine),
            sql.SqlBackendProbe(engine),
        )
    finally:
        engine.dispose()


STORAGE_BACKENDS: dict[str, Callable[[Path], ContextManager[Storage]]] = {
    "sqlite": sqlite_storage,
}
