"""The tables (names from settings; keys and indexes as in DESIGN.md) and their idempotent creation."""

from __future__ import annotations

import time
from dataclasses import dataclass

from botocore.exceptions import ClientError


@dataclass(frozen=True)
class TableNames:
    users: str
    books: str
    user_books: str
    sessions: str
    login_attempts: str
    imports: str
    tokens: str
    stats: str | None = None  # per-reader stats counters and goals (adapters/dynamodb/stats.py)

    def all(self) -> tuple[str, ...]:
        return (self.users, self.books, self.user_books, self.sessions, self.login_attempts, self.imports, self.tokens,
                *([self.stats] if self.stats else []))


USER_INDEX = "user-index"
USER_BOOK_INDEX = "user-book-index"
PENDING_INDEX = "pending-index"  # sparse: (pending, updated_at), present only on PENDING entries
# Listings (entry_index.py): each a Query of one of these, then one BatchGetItem of the page.
STATUS_INDEX = "user-status-index"
TITLE_INDEX = "user-title-index"
AUTHOR_INDEX = "user-author-index"
RATING_INDEX = "user-rating-index"
TAG_INDEX = "user-tag-index"  # over the T# items
FIND_INDEX = "find-index"  # over the F# items: what a search reads
BOOK_INDEX = "book-index"  # a book's entries, to carry a change of its title or author to them
_PAGE_ATTRIBUTES = ["book_id", "status"]  # the page's BatchGetItem needs the book; a status filter the status


def _index(name: str, *key: str, projection: str = "ALL", include: list[str] | None = None) -> dict:
    kinds = ("HASH", "RANGE")
    return {
        "IndexName": name,
        "KeySchema": [{"AttributeName": attr, "KeyType": kind} for attr, kind in zip(key, kinds)],
        "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": include} if include else {"ProjectionType": projection},
    }


def _table(name: str, key: str, indexes: list[dict], sort_key: str | None = None) -> dict:
    attributes = {key, *([sort_key] if sort_key else [])} | {k["AttributeName"] for index in indexes for k in index["KeySchema"]}
    definition = {
        "TableName": name,
        "KeySchema": [{"AttributeName": key, "KeyType": "HASH"}]
        + ([{"AttributeName": sort_key, "KeyType": "RANGE"}] if sort_key else []),
        "AttributeDefinitions": [{"AttributeName": a, "AttributeType": "S"} for a in sorted(attributes)],
        "GlobalSecondaryIndexes": indexes,
        "BillingMode": "PAY_PER_REQUEST",
    }
    if not indexes:  # CreateTable refuses an empty list
        del definition["GlobalSecondaryIndexes"]
    return definition


# Records that expire carry their expiry in this attribute (epoch seconds), which DynamoDB's TTL reads.
TTL_ATTRIBUTE = "expires_at"


def expiring_tables(names: TableNames) -> dict[str, str]:
    """Table name -> its TTL attribute, for the tables whose records expire."""
    return {names.sessions: TTL_ATTRIBUTE, names.login_attempts: TTL_ATTRIBUTE}


def table_definitions(names: TableNames) -> list[dict]:
    return [
        _table(names.users, "user_id", [_index("email-index", "email"), _index("username-index", "username")]),
        _table(names.books, "book_id", [_index("isbn-index", "isbn")]),
        _table(
            names.user_books,
            "user_book_id",
            [
                _index(USER_INDEX, "user_id", "date_added"),
                _index(USER_BOOK_INDEX, "user_id", "book_id"),
                _index(PENDING_INDEX, "pending", "updated_at", projection="KEYS_ONLY"),
                _index(STATUS_INDEX, "user_status", "date_added", include=_PAGE_ATTRIBUTES),
                _index(TITLE_INDEX, "user_id", "title_key", include=_PAGE_ATTRIBUTES),
                _index(AUTHOR_INDEX, "user_id", "author_key", include=_PAGE_ATTRIBUTES),
                _index(RATING_INDEX, "user_id", "rating_key", include=_PAGE_ATTRIBUTES),
                _index(TAG_INDEX, "tu", "date_added", include=["tb"]),
                _index(FIND_INDEX, "fu", include=["fx"]),
                _index(BOOK_INDEX, "book_id", projection="KEYS_ONLY"),
            ],
        ),
        _table(names.sessions, "session_id", [_index(USER_INDEX, "user_id")]),
        _table(names.login_attempts, "attempt_key", []),
        # An import's record (part "job") and its chunks ("chunk#00003"); only records carry user_id.
        _table(names.imports, "import_id", [_index(USER_INDEX, "user_id", "created_at")], sort_key="part"),
        # Personal access tokens, keyed by the SHA-256 of the secret (a consistent GetItem per API call).
        _table(names.tokens, "token_hash", [_index(USER_INDEX, "user_id", "created_at")]),
        # A reader's stats counters ("counters#0", ...) and goals ("goals").
        *([_table(names.stats, "user_id", [], sort_key="part")] if names.stats else []),
    ]


def missing_indexes(definition: dict, description: dict) -> list[str]:
    present = {index["IndexName"] for index in description.get("GlobalSecondaryIndexes", [])}
    wanted = definition.get("GlobalSecondaryIndexes", [])
    return [index["IndexName"] for index in wanted if index["IndexName"] not in present]


WAIT = {"Delay": 1, "MaxAttempts": 120}


def ensure_tables(client, names: TableNames) -> list[str]:
    """Create whichever tables are missing; return one line per table saying what exists now."""
    report = []
    expiring = expiring_tables(names)
    for definition in table_definitions(names):
        name = definition["TableName"]
        try:
            description = client.describe_table(TableName=name)["Table"]
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "ResourceNotFoundException":
                raise
            line = _create(client, definition)
        else:
            lacking = missing_indexes(definition, description)
            if lacking:
                line = _add_indexes(client, definition, lacking)
            else:
                line = f"Table {name} exists ({description.get('TableStatus', 'unknown status')})."
        if name in expiring:
            line = f"{line[:-1]}; {_enable_time_to_live(client, name, expiring[name])}."
        report.append(line)
    return report


def _add_indexes(client, definition: dict, lacking: list[str]) -> str:
    """Indexes added by a newer booklib, one UpdateTable at a time (DynamoDB builds one GSI per call)."""
    name = definition["TableName"]
    attribute_types = {a["AttributeName"]: a for a in definition["AttributeDefinitions"]}
    for index in definition["GlobalSecondaryIndexes"]:
        if index["IndexName"] not in lacking:
            continue
        keys = [k["AttributeName"] for k in index["KeySchema"]]
        try:
            client.update_table(
                TableName=name,
                AttributeDefinitions=[attribute_types[k] for k in keys],
                GlobalSecondaryIndexUpdates=[{"Create": index}],
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] not in ("ResourceInUseException", "LimitExceededException"):
                raise
        _wait_for_index(client, name, index["IndexName"])
    return f"Table {name} gained index(es) {', '.join(lacking)}."


def _wait_for_index(client, table: str, index: str) -> None:
    for _ in range(WAIT["MaxAttempts"]):
        described = client.describe_table(TableName=table)["Table"].get("GlobalSecondaryIndexes", [])
        status = next((i.get("IndexStatus") for i in described if i["IndexName"] == index), None)
        if status in (None, "ACTIVE"):  # some emulators report no status: they build at once
            return
        time.sleep(WAIT["Delay"])
    raise RuntimeError(f"Index {index} of {table} did not become ACTIVE in time.")


def _enable_time_to_live(client, name: str, attribute: str) -> str:
    """TTL on `attribute`, unless already on; emulators without TTL only get a note (the adapters also
    treat expired records as absent, since DynamoDB deletes them lazily anyway)."""
    try:
        status = client.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
        if status.get("TimeToLiveStatus") in ("ENABLED", "ENABLING"):
            return f"TTL on {status.get('AttributeName', attribute)}"
        client.update_time_to_live(
            TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": attribute}
        )
    except ClientError as exc:
        return f"TTL not enabled ({exc.response['Error'].get('Message') or exc})"
    return f"TTL on {attribute}"


def _create(client, definition: dict) -> str:
    name = definition["TableName"]
    indexes = ", ".join(index["IndexName"] for index in definition.get("GlobalSecondaryIndexes", [])) or "none"
    try:
        client.create_table(**definition)
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "ResourceInUseException":  # someone else is creating it right now
            raise
    client.get_waiter("table_exists").wait(TableName=name, WaiterConfig=WAIT)
    return f"Created table {name} (indexes: {indexes}); {_enable_point_in_time_recovery(client, name)}."


def _enable_point_in_time_recovery(client, name: str) -> str:
    try:
        client.update_continuous_backups(
            TableName=name, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
        )
    except ClientError as exc:  # some emulators do not implement backups; the table itself is fine
        return f"point-in-time recovery not enabled ({exc.response['Error'].get('Message') or exc})"
    return "point-in-time recovery on"


class DynamoTablesProvisioner:
    """Provisioner port: the tables of DESIGN.md with their indexes."""

    def __init__(self, client, tables: TableNames):
        self.client = client
        self.tables = tables

    def ensure(self) -> list[str]:
        from .listing_sync import backfill_once  # entries from before the listing indexes get their keys

        return [*ensure_tables(self.client, self.tables), backfill_once(self.client, self.tables)]
