"""Server-side login sessions: one item per session, keyed by the SHA-256 of its id, expiring by TTL.

TTL deletes lazily (up to days after expiry), so an expired item still present is treated as absent.
Ending every session of a reader Queries user-index, which is eventually consistent: a session started
within the last moment (typically under a second) may escape it."""

from __future__ import annotations

from datetime import datetime, timezone

from booklib.domain.model import Session, new_session_id, session_id_hash, utcnow

from .items import format_time, parse_time
from .tables import TTL_ATTRIBUTE, USER_INDEX, TableNames

KEY = "session_id"


def epoch_seconds(moment: datetime) -> int:
    """Whole epoch seconds, as TTL wants them (rounded down: a session never outlives its expiry)."""
    return int(moment.timestamp())


def from_epoch(seconds) -> datetime:
    return datetime.fromtimestamp(int(seconds), tz=timezone.utc)


class DynamoSessionStore:
    def __init__(self, client, tables: TableNames):
        self.client = client
        self.table = tables.sessions

    def create(self, user_id: str, expires_at: datetime) -> Session:
        session = Session(new_session_id(), user_id, utcnow(), expires_at)
        self.client.put_item(
            TableName=self.table,
            Item={
                KEY: {"S": session_id_hash(session.id)},
                "user_id": {"S": user_id},
                "created_at": {"S": format_time(session.created_at)},
                TTL_ATTRIBUTE: {"N": str(epoch_seconds(expires_at))},
            },
            ConditionExpression="attribute_not_exists(#k)",
            ExpressionAttributeNames={"#k": KEY},
        )
        return session

    def get(self, session_id: str) -> Session | None:
        item = self.client.get_item(
            TableName=self.table, Key={KEY: {"S": session_id_hash(session_id)}}, ConsistentRead=True
        ).get("Item")
        if item is None:
            return None
        expires_at = from_epoch(item[TTL_ATTRIBUTE]["N"])
        if expires_at <= utcnow():
            return None
        return Session(session_id, item["user_id"]["S"], parse_time(item["created_at"]["S"]), expires_at)

    def delete(self, session_id: str) -> None:
        self.client.delete_item(TableName=self.table, Key={KEY: {"S": session_id_hash(session_id)}})

    def delete_for_user(self, user_id: str, keep: str | None = None) -> None:
        kept = session_id_hash(keep) if keep is not None else None
        pages = self.client.get_paginator("query").paginate(
            TableName=self.table,
            IndexName=USER_INDEX,
            KeyConditionExpression="#u = :u",
            ProjectionExpression="#k",
            ExpressionAttributeNames={"#u": "user_id", "#k": KEY},
            ExpressionAttributeValues={":u": {"S": user_id}},
        )
        hashes = [item[KEY]["S"] for page in pages for item in page.get("Items", [])]
        for id_hash in hashes:  # a reader has a handful of sessions: one DeleteItem each
            if id_hash != kept:
                self.client.delete_item(TableName=self.table, Key={KEY: {"S": id_hash}})
