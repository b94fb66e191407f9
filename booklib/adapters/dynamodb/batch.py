"""BatchGetItem in calls of at most 100 keys, retrying UnprocessedKeys with backoff."""

from __future__ import annotations

from booklib.domain.retrying import drain

BATCH_GET_LIMIT = 100
_ATTEMPTS = 8


def batch_get(client, table: str, key_attr: str, ids, consistent: bool = False) -> dict[str, dict]:
    """Items by id; ids that do not exist are simply absent from the answer."""
    unique = list(dict.fromkeys(ids))
    found: dict[str, dict] = {}
    for start in range(0, len(unique), BATCH_GET_LIMIT):
        keys = [{key_attr: {"S": value}} for value in unique[start : start + BATCH_GET_LIMIT]]
        _fetch(client, {table: {"Keys": keys, **({"ConsistentRead": True} if consistent else {})}}, table, key_attr, found)
    return found


def _fetch(client, request: dict, table: str, key_attr: str, found: dict) -> None:
    def step(request: dict) -> dict:
        answer = client.batch_get_item(RequestItems=request)
        for item in answer.get("Responses", {}).get(table, []):
            found[item[key_attr]["S"]] = item
        return answer.get("UnprocessedKeys") or {}

    drain(step, request, attempts=_ATTEMPTS,
          gave_up=f"DynamoDB left keys of {table} unprocessed after {_ATTEMPTS} attempts (throttled?).")


BATCH_WRITE_LIMIT = 25


def batch_put(client, table: str, items: list[dict]) -> None:
    """Put items in calls of at most 25, retrying UnprocessedItems with backoff."""
    def step(request: dict) -> dict:
        return client.batch_write_item(RequestItems=request).get("UnprocessedItems") or {}

    for start in range(0, len(items), BATCH_WRITE_LIMIT):
        request = {table: [{"PutRequest": {"Item": item}} for item in items[start : start + BATCH_WRITE_LIMIT]]}
        drain(step, request, attempts=_ATTEMPTS,
              gave_up=f"DynamoDB left items of {table} unprocessed after {_ATTEMPTS} attempts (throttled?).")


def scan_all(client, table: str, key_attr: str) -> dict[str, dict]:
    """Every item of a table by key, read consistently."""
    found: dict[str, dict] = {}
    for page in client.get_paginator("scan").paginate(TableName=table, ConsistentRead=True):
        for item in page.get("Items", []):
            found[item[key_attr]["S"]] = item
    return found
