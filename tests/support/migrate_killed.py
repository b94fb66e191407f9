"""The migration script, killed as abruptly as by SIGKILL just before its KILL_AT_WRITE-th write call.

Deterministic where a timed kill is not: exactly KILL_AT_WRITE - 1 write calls reach DynamoDB.
Run as `python -m tests.support.migrate_killed [script arguments]`."""

import os
import sys

from booklib.entrypoints import migrate_cli

WRITE_CALLS = ("BatchWriteItem", "TransactWriteItems", "PutItem", "UpdateItem")


def main() -> int:
    kill_at = int(os.environ["KILL_AT_WRITE"])
    seen = 0
    open_target = migrate_cli.open_target

    def before_write(**_):
        nonlocal seen
        seen += 1
        if seen == kill_at:
            os._exit(137)  # no cleanup, no flush: what SIGKILL leaves behind

    def open_target_then_arm(container, settings):
        client, tables = open_target(container, settings)
        for operation in WRITE_CALLS:
            client.meta.events.register(f"before-call.dynamodb.{operation}", before_write)
        return client, tables

    migrate_cli.open_target = open_target_then_arm
    return migrate_cli.main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
