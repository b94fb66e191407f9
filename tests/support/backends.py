"""Storage backends the repository contract suites run against.

Each entry builds a fresh, empty set of repositories and tears it down. Adding a backend here
runs every contract test against it: the tests themselves never change for a backend."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, ContextManager


@dataclass
class Storage:
    users: Any
    books: Any
    user_books: Any
    probe: Any
    sessions: Any = None
    login_attempts: Any = None
    imports: Any = None
    tokens: Any = None
    stats: Any = None

    @classmethod
    def of(cls, repositories) -> "Storage":
        """The bundle an adapter hands the container (booklib.domain.ports.Repositories)."""
        return cls(**{name: getattr(repositories, name) for name in cls.__dataclass_fields__})


@contextlib.contextmanager
def sqlite_storage(tmp_path: Path):
    from booklib.adapters.sqlite import repositories as sql
    from .sql import migrated_engine

    engine = migrated_engine(f"sqlite:///{tmp_path / 'contract.db'}")
    try:
        yield Storage.of(sql.make_repositories(engine))
    finally:
        engine.dispose()


@contextlib.contextmanager
def postgres_storage(tmp_path: Path):
    """A database of its own on the session's PostgreSQL server (tests/support/postgres.py)."""
    from booklib.adapters.sqlite import repositories as sql
    from .postgres import postgres_database

    with postgres_database() as url:
        engine = sql_engine(url)
        try:
            yield Storage.of(sql.make_repositories(engine))
        finally:
            engine.dispose()


def sql_engine(database_url: str):
    from booklib.config import Settings
    from booklib.container import build_container

    return build_container(Settings(database_url=database_url)).sql_engine()


def dynamodb_storage_on(client, names) -> Storage:
    from booklib.adapters.dynamodb import repositories as dynamo

    return Storage.of(dynamo.make_repositories(client, names))


@contextlib.contextmanager
def dynamodb_moto_storage(tmp_path: Path):
    """moto in-process: a fresh mock per test."""
    from .dynamodb import client_for, fresh_tables, moto_in_process

    with moto_in_process():
        client = client_for(None)
        with fresh_tables(client) as names:
            yield dynamodb_storage_on(client, names)


_clients: dict[str, Any] = {}


@contextlib.contextmanager
def dynamodb_http_storage(endpoint_url: str):
    """A real HTTP endpoint shared by the session; each test gets tables with names of its own."""
    from .dynamodb import client_for, fresh_tables

    client = _clients.get(endpoint_url) or _clients.setdefault(endpoint_url, client_for(endpoint_url))
    with fresh_tables(client) as names:
        yield dynamodb_storage_on(client, names)


def dynamodb_server_storage(tmp_path: Path):
    from .moto_server import shared_moto_server

    return dynamodb_http_storage(shared_moto_server().url)


@contextlib.contextmanager
def memory_storage(tmp_path: Path):
    from booklib.adapters.memory import make_repositories

    yield Storage.of(make_repositories())


STORAGE_BACKENDS: dict[str, Callable[[Path], ContextManager[Storage]]] = {
    "memory": memory_storage,
    "sqlite": sqlite_storage,
    "postgresql": postgres_storage,
    "dynamodb-moto": dynamodb_moto_storage,
    "dynamodb-server": dynamodb_server_storage,
}

# LocalStack (or any AWS-compatible endpoint) when the user points AWS_ENDPOINT_URL at one.
if os.environ.get("AWS_ENDPOINT_URL"):
    STORAGE_BACKENDS["dynamodb-endpoint"] = lambda tmp_path: dynamodb_http_storage(os.environ["AWS_ENDPOINT_URL"])
