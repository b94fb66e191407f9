"""The DynamoDB adapters of the repository ports, handed to the container as one bundle."""

from booklib.domain.ports import Repositories


from .books import DynamoBookRepository
from .imports import DynamoImportRepository
from .login_attempts import DynamoLoginAttempts
from .probe import DynamoBackendProbe
from .sessions import DynamoSessionStore
from .stats import DynamoStatsRepository
from .tokens import DynamoTokenRepository
from .user_books import DynamoUserBookRepository
from .users import DynamoUserRepository


def make_repositories(client, tables) -> Repositories:
    return Repositories(
        users=DynamoUserRepository(client, tables),
        books=DynamoBookRepository(client, tables),
        user_books=DynamoUserBookRepository(client, tables),
        probe=DynamoBackendProbe(client, tables),
        sessions=DynamoSessionStore(client, tables),
        login_attempts=DynamoLoginAttempts(client, tables),
        imports=DynamoImportRepository(client, tables),
        tokens=DynamoTokenRepository(client, tables),
        stats=DynamoStatsRepository(client, tables.stats) if tables.stats else None,
    )

__all__ = ["make_repositories", "DynamoBackendProbe", "DynamoBookRepository", "DynamoUserBookRepository", "DynamoUserRepository",
           "DynamoSessionStore", "DynamoLoginAttempts"]
