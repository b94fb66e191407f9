"""The composition root: configuration picks the adapters; services get them through their ports.

Adapters are imported inside the factories below so that only the chosen backend's libraries load
(a Lambda on DynamoDB never imports SQLAlchemy; the local app never imports boto3)."""

from __future__ import annotations

import dataclasses

from dependency_injector import containers, providers

from booklib.config import Settings
from booklib.domain.services import AccountService, LibraryService, MetadataSyncService, ScanService


def _sql_engine(database_url: str):
    from booklib.adapters.sqlite.engine import make_engine

    return make_engine(database_url)


def _sql(name: str):
    def build(engine):
        from booklib.adapters.sqlite import repositories

        return getattr(repositories, name)(engine)

    return build


def _dynamodb_client(endpoint_url: str | None):
    from booklib.adapters.dynamodb.client import make_client

    return make_client(endpoint_url)


def _dynamodb_tables(users: str, books: str, user_books: str):
    from booklib.adapters.dynamodb.tables import TableNames

    return TableNames(users, books, user_books)


def _dynamo(name: str):
    def build(client, tables):
        from booklib.adapters.dynamodb import repositories

        return getattr(repositories, name)(client, tables)

    return build


def _password_hasher():
    from booklib.adapters.passwords.werkzeug import WerkzeugPasswordHasher

    return WerkzeugPasswordHasher()


def _metadata_provider(settings: dict):
    from booklib.adapters.metadata.chain import ChainProvider
    from booklib.adapters.metadata.google_books import GoogleBooksProvider
    from booklib.adapters.metadata.http import make_session
    from booklib.adapters.metadata.open_library import OpenLibraryProvider

    config = Settings(**settings)
    session = make_session(retries=config.metadata_retries, backoff=config.metadata_backoff)
    return ChainProvider(
        [
            GoogleBooksProvider(
                config.google_books_api_url,
                session,
                api_key=config.google_books_api_key,
                timeout=config.metadata_timeout,
                min_interval=config.google_interval,
            ),
            OpenLibraryProvider(config.open_library_url, session, timeout=config.metadata_timeout),
        ]
    )


def _thread_queue(handler, max_workers: int):
    from booklib.adapters.tasks.thread import ThreadTaskQueue

    return ThreadTaskQueue(handler, max_workers=max_workers)


def _inline_queue(handler):
    from booklib.adapters.tasks.inline import InlineTaskQueue

    return InlineTaskQueue(handler)


def _sqs_queue(queue_url: str, endpoint_url: str | None):
    from booklib.adapters.tasks.sqs import SqsTaskQueue

    return SqsTaskQueue(queue_url, endpoint_url=endpoint_url)


def _barcode_reader(names, max_pixels: int):
    from booklib.adapters.barcode import make_barcode_reader

    return make_barcode_reader(tuple(names), max_pixels)


class Container(containers.DeclarativeContainer):
    config = providers.Configuration()

    sql_engine = providers.Singleton(_sql_engine, config.database_url)
    # One boto3 client per process, shared by every repository (clients are thread-safe).
    dynamodb_client = providers.Singleton(_dynamodb_client, config.aws_endpoint_url)
    dynamodb_tables = providers.Singleton(
        _dynamodb_tables, config.users_table, config.books_table, config.user_books_table
    )

    user_repository = providers.Selector(
        config.backend,
        sqlite=providers.Singleton(_sql("SqlUserRepository"), sql_engine),
        dynamodb=providers.Singleton(_dynamo("DynamoUserRepository"), dynamodb_client, dynamodb_tables),
    )
    book_repository = providers.Selector(
        config.backend,
        sqlite=providers.Singleton(_sql("SqlBookRepository"), sql_engine),
        dynamodb=providers.Singleton(_dynamo("DynamoBookRepository"), dynamodb_client, dynamodb_tables),
    )
    user_book_repository = providers.Selector(
        config.backend,
        sqlite=providers.Singleton(_sql("SqlUserBookRepository"), sql_engine),
        dynamodb=providers.Singleton(_dynamo("DynamoUserBookRepository"), dynamodb_client, dynamodb_tables),
    )
    backend_probe = providers.Selector(
        config.backend,
        sqlite=providers.Singleton(_sql("SqlBackendProbe"), sql_engine),
        dynamodb=providers.Singleton(_dynamo("DynamoBackendProbe"), dynamodb_client, dynamodb_tables),
    )

    password_hasher = providers.Singleton(_password_hasher)
    metadata_provider = providers.Singleton(_metadata_provider, config)
    metadata_sync = providers.Singleton(
        MetadataSyncService, book_repository, user_book_repository, metadata_provider
    )
    task_queue = providers.Selector(
        config.tasks,
        thread=providers.Singleton(_thread_queue, metadata_sync.provided.handle_message, config.task_workers),
        inline=providers.Singleton(_inline_queue, metadata_sync.provided.handle_message),
        sqs=providers.Singleton(_sqs_queue, config.metadata_queue_url, config.aws_endpoint_url),
    )
    barcode_reader = providers.Singleton(_barcode_reader, config.barcode_readers, config.max_image_pixels)

    accounts = providers.Singleton(AccountService, user_repository, password_hasher)
    library = providers.Singleton(LibraryService, book_repository, user_book_repository, task_queue)
    scanner = providers.Singleton(ScanService, barcode_reader)


def build_container(settings: Settings) -> Container:
    container = Container()
    container.config.from_dict(dataclasses.asdict(settings))
    return container
