"""The AWS shape end to end over a real HTTP endpoint: AWS_ENDPOINT_URL when set (LocalStack, or
any AWS-compatible endpoint), else a moto server process on 127.0.0.1 for the session.

Each test gets tables and queues of its own (unique names), deleted afterwards."""

from __future__ import annotations

import contextlib
import os
import uuid
from types import SimpleNamespace

import boto3
import pytest
from botocore.config import Config

from booklib.adapters.dynamodb.tables import TableNames, ensure_tables
from booklib.adapters.covers.s3 import S3BucketProvisioner
from booklib.adapters.tasks.sqs import ensure_queues
from booklib.entrypoints import lambda_worker
from booklib.web import create_app

REGION = os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


@pytest.fixture(scope="session")
def aws_endpoint() -> str:
    endpoint = os.environ.get("AWS_ENDPOINT_URL")
    if endpoint:
        return endpoint
    from tests.support.moto_server import shared_moto_server  # stopped by tests/conftest.py

    return shared_moto_server().url


@pytest.fixture
def aws(aws_endpoint, monkeypatch, settings, stub):
    """Tables + queue + DLQ on the endpoint, the app configured as on AWS, and the environment the
    worker Lambda would see (its handler builds its own container from it)."""
    name = f"it{uuid.uuid4().hex[:10]}"
    tables = TableNames(*(f"BookLibrary-{kind}-{name}" for kind in ("Users", "Books", "UserBooks", "Sessions", "LoginAttempts", "Imports",
                                                                       "Tokens", "Stats")))
    session = boto3.session.Session(region_name=REGION, **CREDENTIALS)
    explicit = Config(ignore_configured_endpoint_urls=True, retries={"mode": "standard", "max_attempts": 3})
    dynamodb = session.client("dynamodb", endpoint_url=aws_endpoint, config=explicit)
    sqs = session.client("sqs", endpoint_url=aws_endpoint, config=explicit)
    ensure_tables(dynamodb, tables)
    # No visibility timeout: a message a worker handed back is visible again at once (on AWS it
    # waits 6x the worker's timeout). Tests that hold messages ask for a timeout when receiving.
    queues = ensure_queues(name, client=sqs, visibility_timeout=0)
    s3 = session.client("s3", endpoint_url=aws_endpoint, config=explicit)
    bucket = f"booklib-covers-{name}"
    S3BucketProvisioner(s3, bucket).ensure()

    env = {
        "AWS_ENDPOINT_URL": aws_endpoint,
        "AWS_ACCESS_KEY_ID": CREDENTIALS["aws_access_key_id"],
        "AWS_SECRET_ACCESS_KEY": CREDENTIALS["aws_secret_access_key"],
        "AWS_DEFAULT_REGION": REGION,
        "BOOKLIB_BACKEND": "dynamodb",
        "BOOKLIB_TASKS": "sqs",
        "ENVIRONMENT": "local",
        "SECRET_KEY": "integration-secret-at-least-32-characters",
        "BOOKLIB_INSTANCE_PATH": settings.instance_path,
        "USERS_TABLE": tables.users,
        "BOOKS_TABLE": tables.books,
        "USER_BOOKS_TABLE": tables.user_books,
        "SESSIONS_TABLE": tables.sessions,
        "LOGIN_ATTEMPTS_TABLE": tables.login_attempts,
        "STATS_TABLE": tables.stats,
        "METADATA_QUEUE_URL": queues.queue_url,
        "COVERS_BUCKET": bucket,
        "GOOGLE_BOOKS_API_URL": stub.google_url,
        "OPEN_LIBRARY_URL": stub.open_library_url,
        "OPEN_LIBRARY_COVERS_URL": stub.open_library_url,
        "GOOGLE_BOOKS_MIN_INTERVAL": "0",
        "METADATA_TIMEOUT": "5",
    }
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr(lambda_worker, "_service", None)  # a fresh "Lambda container" per test

    app_settings = settings.replace(
        backend="dynamodb",
        tasks="sqs",
        aws_endpoint_url=aws_endpoint,
        users_table=tables.users,
        books_table=tables.books,
        user_books_table=tables.user_books,
        sessions_table=tables.sessions,
        login_attempts_table=tables.login_attempts,
        stats_table=tables.stats,
        metadata_queue_url=queues.queue_url,
        covers_bucket=bucket,
    )
    app = create_app(app_settings)
    app.config.update(TESTING=True, WTF_CSRF_ENABLED=False)
    try:
        yield SimpleNamespace(app=app, settings=app_settings, sqs=sqs, dynamodb=dynamodb, queues=queues,
                              tables=tables, name=name, endpoint=aws_endpoint, s3=s3, bucket=bucket)
    finally:
        lambda_worker._service = None
        for url in (queues.queue_url, queues.dlq_url):
            with contextlib.suppress(Exception):
                sqs.delete_queue(QueueUrl=url)
        for table in tables.all():
            with contextlib.suppress(Exception):
                dynamodb.delete_table(TableName=table)
        with contextlib.suppress(Exception):
            for item in s3.list_objects_v2(Bucket=bucket).get("Contents", []):
                s3.delete_object(Bucket=bucket, Key=item["Key"])
            s3.delete_bucket(Bucket=bucket)
