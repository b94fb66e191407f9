"""DynamoDB for tests: moto in-process, the session's moto server, or the user's AWS_ENDPOINT_URL."""

from __future__ import annotations

import contextlib
import uuid
from collections import Counter

import boto3
import moto.core.models  # noqa: F401  moto's botocore hook must exist before the shared session below
from botocore.config import Config

from booklib.adapters.dynamodb.client import CLIENT_OPTIONS
from booklib.adapters.dynamodb.tables import TableNames, ensure_tables

from .moto_atomic import serialize_dynamodb_requests

REGION = "us-east-1"
DUMMY_CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
# Endpoints come only from the argument: an AWS_ENDPOINT_URL in the environment must not redirect
# the in-process moto client (moto only intercepts AWS's own URLs).
_EXPLICIT_ENDPOINT = Config(ignore_configured_endpoint_urls=True)


def dummy_aws_env(monkeypatch) -> None:
    """Credentials and region that can only ever reach moto; no profile, no endpoint from the user."""
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", DUMMY_CREDENTIALS["aws_access_key_id"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", DUMMY_CREDENTIALS["aws_secret_access_key"])
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)


_session: boto3.session.Session | None = None


def client_for(endpoint_url: str | None, attempts: int | None = None):
    """A client with dummy credentials: moto and LocalStack accept them, real AWS never would."""
    global _session
    if _session is None:  # one session for all tests: it caches botocore's parsed service models
        _session = boto3.session.Session(region_name=REGION, **DUMMY_CREDENTIALS)
    config = Config(**CLIENT_OPTIONS).merge(_EXPLICIT_ENDPOINT)
    if attempts is not None:
        config = config.merge(Config(retries={"mode": "standard", "max_attempts": attempts}))
    return _session.client("dynamodb", endpoint_url=endpoint_url, config=config)


@contextlib.contextmanager
def moto_in_process():
    from moto import mock_aws

    serialize_dynamodb_requests()
    with mock_aws():
        yield


def unique_table_names() -> TableNames:
    prefix = f"test-{uuid.uuid4().hex[:12]}"
    return TableNames(f"{prefix}-Users", f"{prefix}-Books", f"{prefix}-UserBooks", f"{prefix}-Sessions",
                      f"{prefix}-LoginAttempts", f"{prefix}-Imports", f"{prefix}-Tokens", f"{prefix}-Stats")


@contextlib.contextmanager
def fresh_tables(client, names: TableNames | None = None):
    """Tables of their own for one test, deleted afterwards so a shared server stays small."""
    names = names or unique_table_names()
    ensure_tables(client, names)
    try:
        yield names
    finally:
        for name in names.all():
            with contextlib.suppress(Exception):
                client.delete_table(TableName=name)


class RequestCounter:
    """Counts DynamoDB API calls a client makes (botocore's before-call event: once per call, not per retry)."""

    def __init__(self, client):
        self.client = client
        self.calls: Counter[str] = Counter()

    def _count(self, model, **_):
        self.calls[model.name] += 1

    @property
    def total(self) -> int:
        return sum(self.calls.values())

    def __enter__(self) -> "RequestCounter":
        self.client.meta.events.register("before-call.dynamodb", self._count)
        return self

    def __exit__(self, *exc) -> None:
        self.client.meta.events.unregister("before-call.dynamodb", self._count)
