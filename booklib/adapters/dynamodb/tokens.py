"""TokenRepository on DynamoDB: one item per token keyed by the SHA-256 of its secret (so checking a
bearer token is one consistent GetItem: a revoked token stops at once); user-index lists a reader's."""

from __future__ import annotations

from datetime import datetime

from botocore.exceptions import ClientError

from booklib.domain.tokens import AccessToken

from .items import format_time, parse_time
from .tables import USER_INDEX, TableNames

KEY = "token_hash"


def token_item(token: AccessToken) -> dict:
    item = {
        KEY: {"S": token.token_hash},
        "token_id": {"S": token.id},
        "user_id": {"S": token.user_id},
        "name": {"S": token.name},
        "prefix": {"S": token.prefix},
        "created_at": {"S": format_time(token.created_at)},
    }
    if token.last_used_at is not None:
        item["last_used_at"] = {"S": format_time(token.last_used_at)}
    return item


def _token(item: dict) -> AccessToken:
    used = item.get("last_used_at")
    return AccessToken(
        id=item["token_id"]["S"],
        user_id=item["user_id"]["S"],
        name=item["name"]["S"],
        token_hash=item[KEY]["S"],
        prefix=item["prefix"]["S"],
        created_at=parse_time(item["created_at"]["S"]),
        last_used_at=parse_time(used["S"]) if used else None,
    )


def _conditional_failed(exc: ClientError) -> bool:
    return exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException"


class DynamoTokenRepository:
    def __init__(self, client, tables: TableNames):
        self.client = client
        self.table = tables.tokens

    def add(self, token: AccessToken) -> None:
        self.client.put_item(TableName=self.table, Item=token_item(token),
                             ConditionExpression="attribute_not_exists(#k)", ExpressionAttributeNames={"#k": KEY})

    def get_by_hash(self, token_hash: str) -> AccessToken | None:
        item = self.client.get_item(TableName=self.table, Key={KEY: {"S": token_hash}}, ConsistentRead=True).get("Item")
        return _token(item) if item else None

    def _items_of(self, user_id: str) -> list[dict]:
        pages = self.client.get_paginator("query").paginate(
            TableName=self.table,
            IndexName=USER_INDEX,
            KeyConditionExpression="user_id = :u",
            ExpressionAttributeValues={":u": {"S": user_id}},
            ScanIndexForward=False,
        )
        return [item for page in pages for item in page.get("Items", [])]

    def list_for_user(self, user_id: str) -> list[AccessToken]:
        tokens = [_token(item) for item in self._items_of(user_id)]
        return sorted(tokens, key=lambda t: (t.created_at, t.id), reverse=True)

    def touch(self, token_hash: str, when: datetime) -> None:
        try:
            self.client.update_item(
                TableName=self.table, Key={KEY: {"S": token_hash}},
                UpdateExpression="SET last_used_at = :t", ConditionExpression="attribute_exists(#k)",
                ExpressionAttributeNames={"#k": KEY}, ExpressionAttributeValues={":t": {"S": format_time(when)}},
            )
        except ClientError as exc:
            if not _conditional_failed(exc):  # revoked meanwhile: it stays revoked
                raise

    def delete(self, user_id: str, token_id: str) -> bool:
        # The index is eventually consistent: a token made a moment ago may not be listed yet; the
        # delete itself is conditional on the owner, so another reader's token is never touched.
        found = next((item for item in self._items_of(user_id) if item["token_id"]["S"] == token_id), None)
        if found is None:
            return False
        try:
            self.client.delete_item(
                TableName=self.table, Key={KEY: found[KEY]}, ConditionExpression="user_id = :u AND token_id = :i",
                ExpressionAttributeValues={":u": {"S": user_id}, ":i": {"S": token_id}},
            )
        except ClientError as exc:
            if _conditional_failed(exc):
                return False
            raise
        return True

    def delete_for_user(self, user_id: str) -> None:
        for item in self._items_of(user_id):
            self.client.delete_item(TableName=self.table, Key={KEY: item[KEY]})
