"""The boto3 DynamoDB client: built once per process (the container holds it as a singleton)."""

from __future__ import annotations

import boto3
from botocore.config import Config

# Emulators (LocalStack, moto server) accept any region; real AWS gets its region from the
# environment (Lambda sets AWS_REGION), so this fallback only applies when an endpoint is given.
EMULATOR_REGION = "us-east-1"

CLIENT_CONFIG = Config(
    connect_timeout=3,
    read_timeout=10,
    retries={"mode": "standard", "max_attempts": 4},
    # Enough pooled connections for the thread pool and concurrent requests of one process.
    max_pool_connections=32,
)


def make_client(endpoint_url: str | None = None, *, session=None, config: Config | None = None):
    """session: a boto3 Session (default: a new one, reading the usual AWS environment)."""
    session = session or boto3.session.Session()
    region = session.region_name or (EMULATOR_REGION if endpoint_url else None)
    return session.client(
        "dynamodb", endpoint_url=endpoint_url, region_name=region, config=CLIENT_CONFIG.merge(config or Config())
    )
