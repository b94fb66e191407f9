"""A SQLite library built through the services, and DynamoDB targets to migrate it to."""

from __future__ import annotations

import contextlib
import shutil
from types import SimpleNamespace

import pytest
from dependency_injector import providers

from booklib.container import build_container
from booklib.domain.isbn import ean13_check_digit
from booklib.web import create_app
from tests.conftest import JAPANESE_ISBN, KNOWN_ISBN, OPEN_LIBRARY_ISBN
from tests.support.dynamodb import client_for, dummy_aws_env, fresh_tables, moto_in_process

STATUSES = ("to-read", "reading", "read")


def isbn(n: int) -> str:
    body = f"978100{n:06d}"
    return body + ean13_check_digit(body)


def build_library(settings, users: int = 3, entries_each: int = 70):
    """Several users, hundreds of entries: every status, ratings, synced, failed and hand-entered books,
    shared books, and per-user edits."""
    container = build_container(settings)
    container.sql_schema().upgrade()
    accounts, library = container.accounts(), container.library()
    people = []
    for u in range(users):
        user = accounts.register(f"Reader_{u}", f"Reader{u}@Example.org", f"password-{u}")
        _, token = container.tokens().create(user.id, f"script of reader {u}")
        people.append(SimpleNamespace(user=user, password=f"password-{u}", token=token))
        for i, code in enumerate([KNOWN_ISBN, JAPANESE_ISBN, OPEN_LIBRARY_ISBN]):  # synced, shared by all
            library.add_by_isbn(user.id, code, status=STATUSES[i], rating=i + 3)
        for i in range(entries_each):
            status, rating = STATUSES[i % 3], (i % 6) or None
            if i % 4 == 0:
                entry = library.add_manual(user.id, f"Notebook {u}-{i}", author="Me", status=status, rating=rating)
            else:  # unknown to the stub: FAILED with a reason; some shared between users
                entry = library.add_by_isbn(user.id, isbn(i if i % 3 == 0 else u * 1000 + i), status=status, rating=rating)
            if i % 10 == 1:
                library.update_entry(user.id, entry.id, {"title": f"My title {i}", "description": "mine"})
    return container, people


@pytest.fixture(scope="session")
def library_template(tmp_path_factory, metadata_stub):
    """Built once (hashing passwords and running 200+ jobs takes a while); each test gets a copy."""
    from booklib.config import Settings

    folder = tmp_path_factory.mktemp("library-template")
    settings = Settings.from_env(
        env={}, instance_path=str(folder), database_url=f"sqlite:///{folder / 'library.db'}", secret_key="t",
        tasks="inline", google_books_api_url=metadata_stub.google_url, open_library_url=metadata_stub.open_library_url,
        google_books_min_interval=0.0, metadata_backoff=0.01,
    )
    container, people = build_library(settings)
    container.sql_engine().dispose()
    return folder / "library.db", people


@pytest.fixture
def sqlite_library(settings, library_template):
    """(people, ...) with the template library copied to this test's DATABASE_URL."""
    template, people = library_template
    shutil.copyfile(template, settings.database_url.removeprefix("sqlite:///"))
    return people


@pytest.fixture
def aws_env(monkeypatch):
    dummy_aws_env(monkeypatch)
    return monkeypatch


@contextlib.contextmanager
def dynamodb_target(endpoint_url: str | None, monkeypatch):
    """Fresh tables on moto (in-process when endpoint_url is None) with the app's variables set for them."""
    with contextlib.ExitStack() as stack:
        if endpoint_url is None:
            stack.enter_context(moto_in_process())
        else:
            monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint_url)
        client = client_for(endpoint_url)
        names = stack.enter_context(fresh_tables(client))
        monkeypatch.setenv("USERS_TABLE", names.users)
        monkeypatch.setenv("BOOKS_TABLE", names.books)
        monkeypatch.setenv("USER_BOOKS_TABLE", names.user_books)
        monkeypatch.setenv("SESSIONS_TABLE", names.sessions)
        monkeypatch.setenv("LOGIN_ATTEMPTS_TABLE", names.login_attempts)
        monkeypatch.setenv("TOKENS_TABLE", names.tokens)
        monkeypatch.setenv("STATS_TABLE", names.stats)
        yield SimpleNamespace(client=client, names=names, endpoint_url=endpoint_url)


def dynamodb_app(settings, target):
    settings = settings.replace(
        backend="dynamodb",
        aws_endpoint_url=target.endpoint_url,
        users_table=target.names.users,
        books_table=target.names.books,
        user_books_table=target.names.user_books,
        sessions_table=target.names.sessions,
        login_attempts_table=target.names.login_attempts,
        tokens_table=target.names.tokens,
        stats_table=target.names.stats,
    )
    container = build_container(settings)
    container.dynamodb_client.override(providers.Object(target.client))
    app = create_app(settings, container)
    app.config.update(TESTING=True)
    return app
