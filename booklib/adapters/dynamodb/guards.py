"""Uniqueness through guard items, written in the same TransactWriteItems as the record they protect.

A guard lives in the table of the record it protects, keyed `GUARD#<kind>#<value>` in that table's key
attribute (a UUID never starts so), and holds only `owner` (the protected record's id). Guards carry none
of the indexed attributes, so no index ever sees them."""

from __future__ import annotations

import json
import random
import time
import uuid

from botocore.exceptions import ClientError

from booklib.domain.errors import ConflictError

GUARD_PREFIX = "GUARD#"
_CONFLICT_ATTEMPTS = 5


def is_guard_key(key: str) -> bool:
    return key.startswith(GUARD_PREFIX)


def guard_key(kind: str, value: str) -> str:
    return f"{GUARD_PREFIX}{kind}#{value}"


def put_new(table: str, item: dict, key_attr: str) -> dict:
    """A transaction Put that fails when an item with the same key exists."""
    return {
        "Put": {
            "TableName": table,
            "Item": item,
            "ConditionExpression": "attribute_not_exists(#k)",
            "ExpressionAttributeNames": {"#k": key_attr},
        }
    }


def guard_item(key_attr: str, key: str, owner: str) -> dict:
    return {key_attr: {"S": key}, "owner": {"S": owner}}


def put_guard(table: str, key_attr: str, key: str, owner: str) -> dict:
    return put_new(table, guard_item(key_attr, key, owner), key_attr)


def delete_guard(table: str, key_attr: str, key: str, owner: str) -> dict:
    """Delete a guard if it is this owner's (or already gone); never someone else's."""
    return {
        "Delete": {
            "TableName": table,
            "Key": {key_attr: {"S": key}},
            "ConditionExpression": "attribute_not_exists(#o) OR #o = :owner",
            "ExpressionAttributeNames": {"#o": "owner"},
            "ExpressionAttributeValues": {":owner": {"S": owner}},
        }
    }


def put_if(client, table: str, item: dict, condition: dict) -> bool:
    """A single conditional put; False when the condition does not hold."""
    try:
        client.put_item(TableName=table, Item=item, **condition)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
            return False
        raise
    return True


class RecordChanged(Exception):
    """A condition on the record itself (not on a guard) failed: someone changed it meanwhile; re-read."""


def write_atomically(client, operations: list[dict], conflicts: list[ConflictError | None]) -> None:
    """Run the operations as one transaction.

    conflicts[i] is raised when operations[i]'s condition fails (None: RecordChanged is raised instead)."""
    failed = transact(client, operations)
    if failed:
        raise (conflicts[failed[0]] or RecordChanged()) from None


TRANSACTION_ITEMS = 100
TRANSACTION_BYTES = 3_000_000  # under the 4 MB a transaction may carry, with room for names and framing


def transaction_groups(planned: list[tuple[str, list[dict]]]) -> list[list[tuple[str, list[dict]]]]:
    """(owner, operations) pairs packed in order into groups that each fit one transaction."""
    groups, current, items, size = [], [], 0, 0
    for owner, operations in planned:
        weight = len(json.dumps(operations))
        if current and (items + len(operations) > TRANSACTION_ITEMS or size + weight > TRANSACTION_BYTES):
            groups.append(current)
            current, items, size = [], 0, 0
        current.append((owner, operations))
        items, size = items + len(operations), size + weight
    return groups + ([current] if current else [])


def transact(client, operations: list[dict]) -> list[int]:
    """Run the operations as one transaction; the indexes of the operations whose condition failed
    (nothing was written then), or [] when all were written.

    Reasons are read from CancellationReasons codes, never from messages. A TransactionConflict (another
    transaction on the same items in flight) is retried a few times with jittered backoff."""
    for attempt in range(_CONFLICT_ATTEMPTS):
        try:
            # botocore retries a call whose answer it lost; with a token DynamoDB answers such a retry
            # with the first call's success instead of failing its conditions against its own writes.
            client.transact_write_items(TransactItems=operations, ClientRequestToken=uuid.uuid4().hex)
            return []
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "TransactionCanceledException":
                raise
            codes = [reason.get("Code") for reason in exc.response.get("CancellationReasons", [])]
            failed = [i for i, code in enumerate(codes) if code == "ConditionalCheckFailed"]
            if failed:
                return failed
            if "TransactionConflict" not in codes or attempt == _CONFLICT_ATTEMPTS - 1:
                raise
        time.sleep(random.uniform(0, 0.02 * 2**attempt))
    raise AssertionError("unreachable")
