"""Failed-login counters: one item per throttling key, counted with atomic updates, expiring by TTL.

An item whose expiry has passed but that TTL has not deleted yet counts as no failures."""

from __future__ import annotations

from datetime import datetime

from botocore.exceptions import ClientError

from booklib.domain.model import LoginFailures

from .items import format_time, parse_time
from .sessions import epoch_seconds
from .tables import TTL_ATTRIBUTE, TableNames

KEY = "attempt_key"
_ATTEMPTS = 5


def _condition_failed(exc: ClientError) -> bool:
    return exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException"


class DynamoLoginAttempts:
    def __init__(self, client, tables: TableNames):
        self.client = client
        self.table = tables.login_attempts

    def failures(self, key: str, now: datetime) -> LoginFailures:
        item = self.client.get_item(TableName=self.table, Key={KEY: {"S": key}}, ConsistentRead=True).get("Item")
        if item is None or int(item[TTL_ATTRIBUTE]["N"]) <= epoch_seconds(now):
            return LoginFailures()
        return LoginFailures(int(item["failures"]["N"]), parse_time(item["last_failure_at"]["S"]))

    def record_failure(self, key: str, now: datetime, expires_at: datetime) -> LoginFailures:
        names = {"#f": "failures", "#l": "last_failure_at", "#e": TTL_ATTRIBUTE}
        now_epoch = {"N": str(epoch_seconds(now))}
        new_values = {":l": {"S": format_time(now)}, ":e": {"N": str(epoch_seconds(expires_at))}}
        for _ in range(_ATTEMPTS):
            try:  # the usual case: a live count, one more
                answer = self.client.update_item(
                    TableName=self.table,
                    Key={KEY: {"S": key}},
                    UpdateExpression="SET #f = #f + :one, #l = :l, #e = :e",
                    ConditionExpression="#e > :now",
                    ExpressionAttributeNames=names,
                    ExpressionAttributeValues={":one": {"N": "1"}, ":now": now_epoch, **new_values},
                    ReturnValues="UPDATED_NEW",
                )
                return LoginFailures(int(answer["Attributes"]["failures"]["N"]), now)
            except ClientError as exc:
                if not _condition_failed(exc):
                    raise
            try:  # no count, or an expired one: start again from 1, unless someone else just did
                self.client.put_item(
                    TableName=self.table,
                    Item={KEY: {"S": key}, "failures": {"N": "1"}, "last_failure_at": new_values[":l"],
                          TTL_ATTRIBUTE: new_values[":e"]},
                    ConditionExpression="attribute_not_exists(#k) OR #e <= :now",
                    ExpressionAttributeNames={"#k": KEY, "#e": TTL_ATTRIBUTE},
                    ExpressionAttributeValues={":now": now_epoch},
                )
                return LoginFailures(1, now)
            except ClientError as exc:
                if not _condition_failed(exc):
                    raise
        raise RuntimeError(f"Could not count a failed login for {key}: it kept changing.")

    def reset(self, key: str) -> None:
        self.client.delete_item(TableName=self.table, Key={KEY: {"S": key}})
