"""The DynamoDB adapters of the repository ports, by the names the container asks for."""

from .books import DynamoBookRepository
from .probe import DynamoBackendProbe
from .user_books import DynamoUserBookRepository
from .users import DynamoUserRepository

__all__ = ["DynamoBackendProbe", "DynamoBookRepository", "DynamoUserBookRepository", "DynamoUserRepository"]
