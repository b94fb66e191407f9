"""Users: username and email unique case-insensitively through guard items."""

from __future__ import annotations

from booklib.domain.errors import ConflictError
from booklib.domain.model import User

from .guards import guard_key, is_guard_key, put_guard, put_new, write_atomically
from .items import user_from, user_item
from .tables import TableNames

KEY = "user_id"


def guard_keys(user: User) -> dict[str, str]:
    """The guard keys that make a user's username and email unique (case-insensitively)."""
    return {"username": guard_key("username", user.username_key), "email": guard_key("email", user.email.lower())}


class DynamoUserRepository:
    def __init__(self, client, tables: TableNames):
        self.client = client
        self.table = tables.users

    def add(self, user: User) -> None:
        guards = guard_keys(user)
        write_atomically(
            self.client,
            [
                put_new(self.table, user_item(user), KEY),
                put_guard(self.table, KEY, guards["username"], user.id),
                put_guard(self.table, KEY, guards["email"], user.id),
            ],
            [
                ConflictError(f"A user with id {user.id} exists already.", field="id"),
                ConflictError(f"The username '{user.username}' is taken.", field="username"),
                ConflictError("An account with this email already exists.", field="email"),
            ],
        )

    def get(self, user_id: str) -> User | None:
        if is_guard_key(user_id):
            return None
        item = self._item(user_id)
        return user_from(item) if item else None

    def get_by_email(self, email: str) -> User | None:
        # Through the guard rather than email-index: a strongly consistent read, so a login right
        # after registering always finds the account (a GSI is only eventually consistent).
        guard = self._item(guard_key("email", email.strip().lower()))
        if guard is None:
            return None
        return self.get(guard["owner"]["S"])

    def _item(self, key: str) -> dict | None:
        return self.client.get_item(TableName=self.table, Key={KEY: {"S": key}}, ConsistentRead=True).get("Item")
