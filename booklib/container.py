"""The composition root: configuration picks the adapters; services get them through their ports.

Everything that talks to the outside world is built here and nowhere else: the SQL engine, the
boto3 session and clients, table names, queues, the SQS poller, schema migrators, provisioners.
Adapters are imported inside the factories below so that only the chosen backend's libraries load
(a Lambda on DynamoDB never imports SQLAlchemy; the local app never imports boto3)."""

from __future__ import annotations

import dataclasses

from dependency_injector import containers, providers

from booklib.config import Settings
from booklib.domain import services

EMULATOR_REGION = "us-east-1"  # emulators accept any region; AWS itself gets it from the environment


def _service(name: str):
    """Builds the service `name`, imported only then: a request loads the services it uses, no others."""

    def build(*args, **kwargs):
        return getattr(services, name)(*args, **kwargs)

    build.__qualname__ = build.__name__ = name
    return build


def _sql_engine(database_url: str):
    from sqlalchemy import create_engine

    from booklib.adapters.sqlite.engine import configure, engine_options

    url, options = engine_options(database_url)
    return configure(create_engine(url, **options))


def _sql_repositories(engine):
    from booklib.adapters.sqlite.repositories import make_repositories

    return make_repositories(engine)


def _sql_schema(engine):
    from booklib.adapters.sqlite.schema import AlembicSchemaMigrator

    return AlembicSchemaMigrator(engine)


def _aws_session():
    from booklib.adapters.boto_session import new_session

    # boto3's default session is not thread-safe while it creates clients: use a private one.
    return new_session()


def _localstack_session():
    try:
        from localstack_client.session import Session
    except ImportError:
        raise RuntimeError("BOOKLIB_AWS_TARGET=localstack needs the extra: pip install -e '.[localstack]'") from None
    return Session()


def _aws_client(session, service: str, endpoint_url: str | None, options: dict):
    from botocore.config import Config

    region = session.region_name or (EMULATOR_REGION if endpoint_url else None)
    kwargs = {"region_name": region, "config": Config(**options)}
    if endpoint_url:
        kwargs["endpoint_url"] = endpoint_url
    return session.client(service, **kwargs)


def _dynamodb_client(session, endpoint_url: str | None):
    from booklib.adapters.dynamodb.client import CLIENT_OPTIONS

    return _aws_client(session, "dynamodb", endpoint_url, CLIENT_OPTIONS)


def _sqs_client(session, endpoint_url: str | None, long_poll: bool):
    from booklib.adapters.tasks.sqs import POLL_CLIENT_OPTIONS, SEND_CLIENT_OPTIONS

    return _aws_client(session, "sqs", endpoint_url, POLL_CLIENT_OPTIONS if long_poll else SEND_CLIENT_OPTIONS)


def _ssm_client(session, endpoint_url: str | None):
    from booklib.adapters.secrets.ssm import CLIENT_OPTIONS

    return _aws_client(session, "ssm", endpoint_url, CLIENT_OPTIONS)


def _secret_key_store(client, name: str | None):
    from booklib.adapters.secrets.ssm import SsmSecret

    return SsmSecret(client, name)


def _dynamodb_tables(*names: str):
    from booklib.adapters.dynamodb.tables import TableNames

    return TableNames(*names)


def _dynamodb_repositories(client, tables):
    from booklib.adapters.dynamodb.repositories import make_repositories

    return make_repositories(client, tables)


def _dynamodb_provisioner(client, tables):
    from booklib.adapters.dynamodb.tables import DynamoTablesProvisioner

    return DynamoTablesProvisioner(client, tables)


def _sqs_provisioner(client, environment: str):
    from booklib.adapters.tasks.sqs import SqsQueuesProvisioner

    return SqsQueuesProvisioner(client, environment)


def _password_hasher():
    from booklib.adapters.passwords.werkzeug import WerkzeugPasswordHasher

    return WerkzeugPasswordHasher()


def _metadata_session(settings: dict):
    from booklib.adapters.metadata.http import make_session

    config = Settings(**settings)
    return make_session(retries=config.metadata_retries, backoff=config.metadata_backoff)


def _metadata_provider(settings: dict, session):
    from booklib.adapters.metadata.chain import ChainProvider
    from booklib.adapters.metadata.google_books import GoogleBooksProvider
    from booklib.adapters.metadata.open_library import OpenLibraryProvider

    config = Settings(**settings)
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


def _cover_source(session, covers_url: str, timeout: float):
    from booklib.adapters.metadata.covers import HttpCoverSource

    return HttpCoverSource(session, covers_url, timeout=timeout)


def _cover_imaging():
    from booklib.adapters.covers.pillow import PillowCoverImaging

    return PillowCoverImaging()


def _filesystem_covers(instance_path: str):
    from booklib.adapters.covers.filesystem import FilesystemCoverStore

    return FilesystemCoverStore(f"{instance_path}/covers")


def _s3_client(session, endpoint_url: str | None):
    from booklib.adapters.covers.s3 import CLIENT_OPTIONS

    return _aws_client(session, "s3", endpoint_url, CLIENT_OPTIONS)


def _s3_covers(client, bucket: str):
    from booklib.adapters.covers.s3 import S3CoverStore

    return S3CoverStore(client, bucket)


def _s3_provisioner(client, bucket: str):
    from booklib.adapters.covers.s3 import S3BucketProvisioner

    return S3BucketProvisioner(client, bucket)


def _thread_queue(container, max_workers: int):
    from booklib.adapters.tasks.thread import ThreadTaskQueue

    return ThreadTaskQueue(_runner(container), max_workers=max_workers)


def _inline_queue(container):
    from booklib.adapters.tasks.inline import InlineTaskQueue

    return InlineTaskQueue(_runner(container))


def _runner(container):
    """The job runner's services need the queue to queue follow-ups: the runner is reached when a job
    runs, not when the queue is built, so the two can depend on each other."""
    return lambda message: container.jobs().handle_message(message)


def _sqs_queue(client_provider, queue_url: str):
    from booklib.adapters.tasks.sqs import SqsTaskQueue

    return SqsTaskQueue(queue_url=queue_url, connect=client_provider)


def _sqs_poller(client_provider, default_queue_url: str | None, service_provider, queue_url: str | None = None, **options):
    from booklib.adapters.tasks.sqs_poller import SqsPoller

    queue_url = queue_url or default_queue_url
    if not queue_url:  # said before any client is built: without a queue, AWS settings do not matter yet
        raise ValueError("No queue: set METADATA_QUEUE_URL (see `flask --app booklib.web aws bootstrap`).")
    return SqsPoller(client_provider(), queue_url, service_provider(), **options)


def _job_lease(instance_path: str):
    from booklib.adapters.flock import FlockLease

    return FlockLease(f"{instance_path}/jobs.lease")


def _sweeper(library, imports, lease, retry_minutes: float):
    from datetime import timedelta

    from booklib.adapters.tasks.sweeper import PeriodicSweeper

    stale_after = timedelta(minutes=retry_minutes)
    return PeriodicSweeper(library, imports, lease, stale_after, interval=min(300.0, stale_after.total_seconds() / 2))


def _barcode_reader(names, max_pixels: int):
    from booklib.adapters.barcode import make_barcode_reader

    return make_barcode_reader(tuple(names), max_pixels)


class Container(containers.DeclarativeContainer):
    __self__ = providers.Self()
    config = providers.Configuration()

    # SQL
    sql_engine = providers.Singleton(_sql_engine, config.database_url)
    sql_schema = providers.Singleton(_sql_schema, sql_engine)

    # AWS: one session and one client of each kind per process (clients are thread-safe).
    aws_session = providers.Selector(
        config.aws_target,
        aws=providers.Singleton(_aws_session),
        localstack=providers.Singleton(_localstack_session),
    )
    dynamodb_client = providers.Singleton(_dynamodb_client, aws_session, config.aws_endpoint_url)
    sqs_client = providers.Singleton(_sqs_client, aws_session, config.aws_endpoint_url, False)
    sqs_poll_client = providers.Singleton(_sqs_client, aws_session, config.aws_endpoint_url, True)
    ssm_client = providers.Singleton(_ssm_client, aws_session, config.aws_endpoint_url)
    s3_client = providers.Singleton(_s3_client, aws_session, config.aws_endpoint_url)
    secret_key_store = providers.Singleton(_secret_key_store, ssm_client, config.secret_key_parameter)
    dynamodb_tables = providers.Singleton(
        _dynamodb_tables,
        config.users_table,
        config.books_table,
        config.user_books_table,
        config.sessions_table,
        config.login_attempts_table,
        config.imports_table,
        config.tokens_table,
        config.stats_table,
    )
    aws_provisioners = providers.List(
        providers.Factory(_dynamodb_provisioner, dynamodb_client, dynamodb_tables),
        providers.Factory(_sqs_provisioner, sqs_client, config.environment),
        providers.Factory(_s3_provisioner, s3_client, config.covers_bucket),
    )

    # The chosen backend's repositories, as one bundle (booklib.domain.ports.Repositories).
    storage = providers.Selector(
        config.backend,
        sqlite=providers.Singleton(_sql_repositories, sql_engine),
        dynamodb=providers.Singleton(_dynamodb_repositories, dynamodb_client, dynamodb_tables),
    )
    backend_probe = storage.provided.probe

    password_hasher = providers.Singleton(_password_hasher)
    metadata_session = providers.Singleton(_metadata_session, config)
    metadata_provider = providers.Singleton(_metadata_provider, config, metadata_session)

    # Covers kept at home: a folder beside the SQL database, an S3 bucket beside DynamoDB.
    cover_store = providers.Selector(
        config.backend,
        sqlite=providers.Singleton(_filesystem_covers, config.instance_path),
        dynamodb=providers.Singleton(_s3_covers, s3_client, config.covers_bucket),
    )
    cover_source = providers.Singleton(_cover_source, metadata_session, config.open_library_covers_url,
                                       config.metadata_timeout)
    cover_imaging = providers.Singleton(_cover_imaging)
    covers = providers.Singleton(_service("CoverService"), cover_store, cover_source, cover_imaging)
    # What pages read: the store alone (the api function never loads Pillow or an HTTP session for it).
    cover_images = providers.Singleton(_service("CoverService"), cover_store)
    metadata_sync = providers.Singleton(
        _service("MetadataSyncService"), storage.provided.books, storage.provided.user_books, metadata_provider,
        config.metadata_job_budget, covers=covers,
    )
    task_queue = providers.Selector(
        config.tasks,
        thread=providers.Singleton(_thread_queue, __self__, config.task_workers),
        inline=providers.Singleton(_inline_queue, __self__),
        sqs=providers.Singleton(_sqs_queue, sqs_client.provider, config.metadata_queue_url),
    )
    barcode_reader = providers.Singleton(_barcode_reader, config.barcode_readers, config.max_image_pixels)

    accounts = providers.Singleton(
        _service("AccountService"),
        storage.provided.users,
        password_hasher,
        storage.provided.sessions,
        storage.provided.login_attempts,
        books=storage.provided.books,
        user_books=storage.provided.user_books,
        tokens=storage.provided.tokens,
        session_lifetime_days=config.session_lifetime_days,
    )
    library = providers.Singleton(_service("LibraryService"), storage.provided.books, storage.provided.user_books, task_queue)
    stats = providers.Singleton(_service("StatsService"), storage.provided.stats, storage.provided.user_books)
    imports = providers.Singleton(_service("ImportService"), storage.provided.imports, library, task_queue)
    # Every job a queue delivers (metadata lookups, import chunks) goes through this one runner.
    jobs = providers.Singleton(_service("JobRunner"), metadata_sync, imports)
    sqs_poller = providers.Factory(_sqs_poller, sqs_poll_client.provider, config.metadata_queue_url, jobs.provider)
    scanner = providers.Singleton(_service("ScanService"), barcode_reader)
    tokens = providers.Singleton(_service("TokenService"), storage.provided.tokens, storage.provided.users)
    # Locally: a thread in the serving process requeues pending jobs (on AWS a scheduled Lambda does).
    # Thread-safe: a gunicorn worker's threads meet its first requests together, and two sweepers in one
    # process would both resume the jobs left pending.
    job_lease = providers.ThreadSafeSingleton(_job_lease, config.instance_path)
    sweeper = providers.ThreadSafeSingleton(_sweeper, library, imports, job_lease, config.pending_retry_minutes)


def build_container(settings: Settings) -> Container:
    container = Container()
    container.config.from_dict(dataclasses.asdict(settings))
    return container
