"""Shared fixtures: settings pointing at a temp instance and the metadata stub, apps, clients."""

from __future__ import annotations

import itertools

import pytest

from booklib.config import Settings
from booklib.web import create_app
from tests.support.metadata_stub import MetadataStub
from tests.support.moto_server import stop_shared_moto_server
from tests.support.postgres import postgres_database, stop_shared_postgres

KNOWN_ISBN = "9781761186769"  # Google Books fixture
JAPANESE_ISBN = "9784815602666"  # Google Books fixture, no publisher
OPEN_LIBRARY_ISBN = "9780316030571"  # only Open Library knows it
UNKNOWN_ISBN = "9780306406157"  # valid, found nowhere


@pytest.fixture(scope="session")
def metadata_stub():
    with MetadataStub() as stub:
        yield stub


@pytest.fixture
def stub(metadata_stub):
    """The metadata stub, clean for this test."""
    metadata_stub.reset()
    yield metadata_stub
    metadata_stub.reset()


@pytest.fixture(scope="session", autouse=True)
def _stop_moto_server_at_the_end():
    """The contract suites start one moto server on first use (tests/support/moto_server.py)."""
    yield
    stop_shared_moto_server()


@pytest.fixture(scope="session", autouse=True)
def _stop_postgres_at_the_end():
    """The PostgreSQL server of the tests starts on first use (tests/support/postgres.py)."""
    yield
    stop_shared_postgres()


@pytest.fixture
def settings(tmp_path, stub) -> Settings:
    return Settings.from_env(
        env={},
        instance_path=str(tmp_path / "instance"),
        database_url=f"sqlite:///{tmp_path / 'booklib.db'}",
        secret_key="test-secret",
        tasks="inline",
        google_books_api_url=stub.google_url,
        open_library_url=stub.open_library_url,
        open_library_covers_url=stub.open_library_url,
        google_books_min_interval=0.0,
        metadata_timeout=5.0,
        metadata_backoff=0.01,
    )


@pytest.fixture(params=["sqlite", "dynamodb", pytest.param("postgresql", marks=pytest.mark.slow)])
def backend(request) -> str:
    """Every web test runs once per storage backend (PostgreSQL is the SQL backend on another URL)."""
    return request.param


@pytest.fixture
def app(settings, backend, monkeypatch):
    if backend == "postgresql":
        with postgres_database() as url:
            yield _testing(create_app(settings.replace(backend="sqlite", database_url=url)))
        return
    settings = settings.replace(backend=backend)
    if backend != "dynamodb":
        yield _testing(create_app(settings))
        return
    from dependency_injector import providers

    from booklib.adapters.dynamodb.tables import ensure_tables
    from booklib.container import build_container
    from tests.support.dynamodb import client_for, dummy_aws_env, moto_in_process

    dummy_aws_env(monkeypatch)
    with moto_in_process():
        container = build_container(settings)
        # The same client the container would build, from a session shared by the tests (faster).
        container.dynamodb_client.override(providers.Object(client_for(settings.aws_endpoint_url)))
        ensure_tables(container.dynamodb_client(), container.dynamodb_tables())
        container.s3_client().create_bucket(Bucket=settings.covers_bucket)  # covers beside DynamoDB
        yield _testing(create_app(settings, container))


def _testing(app):
    from tests.support.openapi import ValidatingClient

    app.config.update(TESTING=True, WTF_CSRF_ENABLED=False)
    app.test_client_class = ValidatingClient  # every API answer checked against the OpenAPI document
    return app


@pytest.fixture
def client(app):
    return app.test_client()


_names = itertools.count()


class ApiUser:
    """A registered, logged-in API client."""

    def __init__(self, client, username: str, email: str, password: str):
        self.client, self.username, self.email, self.password = client, username, email, password

    def add(self, **body):
        return self.client.post("/api/v1/books", json=body)


@pytest.fixture
def make_user(app):
    def make(username: str | None = None, password: str = "correct horse") -> ApiUser:
        username = username or f"reader{next(_names)}"
        email = f"{username}@example.org"
        client = app.test_client()
        assert client.post("/api/v1/auth/register", json={"username": username, "email": email, "password": password}).status_code == 201
        assert client.post("/api/v1/auth/login", json={"email": email, "password": password}).status_code == 200
        return ApiUser(client, username, email, password)

    return make


@pytest.fixture
def user(make_user) -> ApiUser:
    return make_user()
