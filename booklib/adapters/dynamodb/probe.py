"""Readiness: every table exists, is ACTIVE and has its indexes; otherwise a readable reason."""

from __future__ import annotations

import logging

from botocore.exceptions import BotoCoreError, ClientError

from booklib.domain.errors import BackendNotReadyError

from .tables import TableNames, missing_indexes, table_definitions

log = logging.getLogger(__name__)

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
                raise BackendNotReadyError(f"DynamoDB table {name} is {status}, not ACTIVE.")
            lacking = missing_indexes(definition, description)
            if lacking:
                raise BackendNotReadyError(f"DynamoDB table {name} lacks index(es) {', '.join(lacking)}: {_BOOTSTRAP_HINT}.")

    def _describe(self, name: str) -> dict:
        try:
            return self.client.describe_table(TableName=name)["Table"]
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
                raise BackendNotReadyError(f"DynamoDB table {name} does not exist: {_BOOTSTRAP_HINT}.") from None
            # The message may name the account and role (AccessDenied): the log has it, the answer does not.
            log.warning("DynamoDB refused to describe table %s: %s", name, exc)
            raise BackendNotReadyError(f"DynamoDB refused to describe table {name} (see the log).") from None
        except BotoCoreError as exc:  # no connection, timeouts, missing credentials or region
            log.warning("cannot reach DynamoDB at %s: %s", self.client.meta.endpoint_url, exc)
            raise BackendNotReadyError("Cannot reach DynamoDB (see the log).") from None
