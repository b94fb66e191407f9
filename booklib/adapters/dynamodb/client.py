"""How the DynamoDB client is configured; the container builds it once per process with these options."""

CLIENT_OPTIONS = dict(
    connect_timeout=3,
    read_timeout=10,
    retries={"mode": "standard", "max_attempts": 4},
    # Enough pooled connections for the thread pool and concurrent requests of one process.
    max_pool_connections=32,
)
