"""In-memory repositories: one thread-safe store behind the four repository ports.

For fast service tests and throw-away runs. It passes the same contract suites as the SQL and
DynamoDB adapters (tests/contract), and follows the SQL adapter wherever the contract is silent."""

from .repositories import (
    MemoryBackendProbe,
    MemoryBookRepository,
    MemoryStore,
    MemoryUserBookRepository,
    MemoryUserRepository,
    make_repositories,
)

__all__ = [
    "MemoryBackendProbe",
    "MemoryBookRepository",
    "MemoryStore",
    "MemoryUserBookRepository",
    "MemoryUserRepository",
    "make_repositories",
]
