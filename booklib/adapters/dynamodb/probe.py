"""Readiness: every table exists, is ACTIVE and has its indexes; otherwise a readable reason."""

from __future__ import annotations

from botocore.exceptions import BotoCoreError, ClientError

from .tables import TableNames, missing_indexes, table_definitions

_BOOTSTRAP_HINT = "run 'flask --app booklib.web aws bootstrap'"


class DynamoBackendProbe:
    def __init__(self, client, tables: TableNames):
        self.client = client
        self.tables = tables

    def check(self) -> None:
        for definition in table_definitions(self.tables):
            name = definition["TableName"]
            description = self._describe(name)
            status = description.get("TableStatus")
            if status != "ACTIVE":
                raise RuntimeError(f"DynamoDB table {name} is {status}, not ACTIVE.")
            lacking = missing_indexes(definition, description)
            if lacking:
                raise RuntimeError(f"DynamoDB table {name} lacks index(es) {', '.join(lacking)}.")

    def _describe(self, name: str) -> dict:
        try:
            return self.client.describe_table(TableName=name)["Table"]
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
                raise RuntimeError(f"DynamoDB table {name} does not exist: {_BOOTSTRAP_HINT}.") from None
            raise RuntimeError(f"DynamoDB refused to describe table {name}: {exc}") from None
        except BotoCoreError as exc:  # no connection, timeouts, missing credentials or region
            raise RuntimeError(f"Cannot reach DynamoDB at {self.client.meta.endpoint_url}: {exc}") from None
