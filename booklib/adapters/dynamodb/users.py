"""Users: username and email unique case-insensitively through guard items."""

from __future__ import annotations

from booklib.domain.errors import ConflictError
from booklib.domain.model import User

from booklib.domain.retrying import retry_on

from .guards import RecordChanged, delete_guard, guard_key, is_guard_key, put_guard, put_new, write_atomically
from .items import user_from, user_item
from .stats import DynamoStatsRepository
from .tables import TableNames

KEY = "user_id"


def guard_keys(user: User) -> dict[str, str]:
    """The guard keys that make a user's username and email unique (case-insensitively)."""
    return {"username": guard_key("username", user.username_key), "email": guard_key("email", user.email.lower())}


class DynamoUserRepository:
    def __init__(self, client, tables: TableNames):
        self.client = client
        self.table = tables.users
        self.stats = DynamoStatsRepository(client, tables.stats) if getattr(tables, "stats", None) else None

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

    def update_password(self, user_id: str, password_hash: str) -> None:
        try:
            self.client.update_item(
                TableName=self.table,
                Key={KEY: {"S": user_id}},
                UpdateExpression="SET #p = :p",
                ConditionExpression="attribute_exists(#k)",
                ExpressionAttributeNames={"#p": "password_hash", "#k": KEY},
                ExpressionAttributeValues={":p": {"S": password_hash}},
            )
        except self.client.exceptions.ConditionalCheckFailedException:
            pass  # a missing user is left alone, like an SQL UPDATE of no row

    def delete(self, user_id: str) -> None:
        """Delete the user and free their username and email guards in one transaction."""
        def attempt() -> None:
            stored = self.get(user_id)
            if stored is None:
                return
            guards = guard_keys(stored)
            same_names = {
                "ConditionExpression": "#u = :u AND #e = :e",
                "ExpressionAttributeNames": {"#u": "username", "#e": "email"},
                "ExpressionAttributeValues": {":u": {"S": stored.username}, ":e": {"S": stored.email.lower()}},
            }
            operations = [
                {"Delete": {"TableName": self.table, "Key": {KEY: {"S": user_id}}, **same_names}},
                delete_guard(self.table, KEY, guards["username"], user_id),
                delete_guard(self.table, KEY, guards["email"], user_id),
            ]
            write_atomically(self.client, operations, [None, None, None])

        retry_on(RecordChanged, attempt, attempts=3, gave_up=f"User {user_id} kept changing during the delete; try again.")
        if self.stats:  # their counters and goals go with them
            self.stats.forget(user_id)

    def _item(self, key: str) -> dict | None:
        return self.client.get_item(TableName=self.table, Key={KEY: {"S": key}}, ConsistentRead=True).get("Item")
