"""`python scripts/migrate_sqlite_to_dynamo.py`: move a SQLite library to DynamoDB, configured like the app.

Exit codes: 0 done (or equal, with --verify); 1 conflicts or differences found; 2 refused (bad input
or configuration: nothing was written)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

EXIT_OK, EXIT_DIFFERENCES, EXIT_REFUSED = 0, 1, 2


class Refused(Exception):
    """A precondition failed: one line for the user, exit code 2."""


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="migrate_sqlite_to_dynamo.py",
        description="Copy a booklib SQLite library (DATABASE_URL) into its DynamoDB tables (USERS_TABLE, "
        "BOOKS_TABLE, USER_BOOKS_TABLE, AWS_ENDPOINT_URL). Safe to run again: nothing is duplicated. "
        "Sessions and failed-login counts are not copied: readers log in again.",
    )
    parser.add_argument("--database-url", help="the source database (default: DATABASE_URL, as the app)")
    parser.add_argument("--dry-run", action="store_true", help="read and check everything, write nothing")
    parser.add_argument("--verify", action="store_true", help="only compare source and target; write nothing")
    parser.add_argument("--batch-size", type=int, default=500, help=argparse.SUPPRESS)
    parser.add_argument("--workers", type=int, default=8, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def open_source(container, database_url: str):
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, DatabaseError, OperationalError

    try:
        url = make_url(database_url)
    except ArgumentError:
        raise Refused(f"DATABASE_URL {database_url!r} is not a database URL.") from None
    if url.drivername.startswith("sqlite"):
        path = Path(url.database or "")
        if not url.database or url.database == ":memory:" or not path.is_file():
            raise Refused(f"No SQLite database at {path}: set DATABASE_URL or pass --database-url.")
    schema = container.sql_schema()
    try:
        revision = schema.revision()
    except (DatabaseError, OperationalError) as exc:
        raise Refused(f"Cannot read {url.render_as_string(hide_password=True)}: {exc.orig or exc} "
                      "(is it a booklib database, and not corrupt?)") from None
    if revision != schema.head():
        raise Refused(f"The source schema is at revision {revision or 'none'}, not {schema.head()}: run "
                      "'flask --app booklib.web db upgrade' against it first.")
    return container.sql_engine()


def open_target(container, settings):
    from botocore.exceptions import BotoCoreError, ClientError, EndpointConnectionError, NoCredentialsError, NoRegionError

    where = settings.aws_endpoint_url or "AWS"
    tables = container.dynamodb_tables()
    try:
        client = container.dynamodb_client()
        for name in (tables.users, tables.books, tables.user_books, tables.tokens):  # what the migration writes
            client.describe_table(TableName=name)
    except NoCredentialsError:
        raise Refused("No AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (any values for "
                      "LocalStack or moto) or AWS_PROFILE.") from None
    except NoRegionError:
        raise Refused("No AWS region: set AWS_DEFAULT_REGION.") from None
    except EndpointConnectionError:
        raise Refused(f"Cannot reach DynamoDB at {where}: is the endpoint (AWS_ENDPOINT_URL) up?") from None
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "ResourceNotFoundException":
            raise Refused(f"Table {name} does not exist at {where}: run 'flask --app booklib.web aws bootstrap' "
                          "with the same configuration first.") from None
        raise Refused(f"DynamoDB at {where} refused: {exc.response['Error'].get('Message', exc)}") from None
    except BotoCoreError as exc:
        raise Refused(f"DynamoDB at {where}: {exc}") from None
    return client, tables


class ConsoleProgress:
    """A bar per table on a terminal; plain lines every few seconds otherwise (logs, CI)."""

    def __init__(self, stream=sys.stderr, every: float = 5.0):
        self.stream, self.every = stream, every
        self.tty = stream.isatty()
        self.bar = None

    def start(self, name: str, total: int) -> None:
        self.name, self.total, self.done, self.last = name, total, 0, time.monotonic()
        if self.tty:
            from tqdm import tqdm

            self.bar = tqdm(total=total, desc=f"{name:<10}", unit="row", file=self.stream)
        else:
            print(f"{name}: {total} rows to copy", file=self.stream, flush=True)

    def advance(self, count: int) -> None:
        self.done += count
        if self.bar is not None:
            self.bar.update(count)
        elif time.monotonic() - self.last >= self.every:
            self.last = time.monotonic()
            print(f"{self.name}: {self.done}/{self.total} rows", file=self.stream, flush=True)

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.close()
        else:
            print(f"{self.name}: {self.done}/{self.total} rows done", file=self.stream, flush=True)


def migrate(engine, client, tables, dry_run: bool, batch_size: int, workers: int = 8) -> int:
    from booklib.migration import Migration

    started = time.monotonic()
    reports = Migration(engine, client, tables, dry_run=dry_run, progress=ConsoleProgress(), batch_size=batch_size,
                        workers=workers).run()
    seconds = time.monotonic() - started
    verb = "would write" if dry_run else "written"
    print(f"{'table':<11}{'rows read':>10}{'items ' + verb:>22}{'already present':>17}{'conflicts':>11}")
    for r in reports:
        print(f"{r.name:<11}{r.rows_read:>10}{r.items_written:>22}{r.already_present:>17}{len(r.conflicts):>11}")
    conflicts = [c for r in reports for c in r.conflicts]
    for line in conflicts[:20]:
        print(f"conflict: {line}")
    if len(conflicts) > 20:
        print(f"… and {len(conflicts) - 20} more conflicts")
    print("Sessions and failed-login counts are not copied: readers log in again after the move.")
    print(f"{'Dry run: nothing written' if dry_run else 'Done'} in {seconds:.1f} s."
          + ("" if dry_run or conflicts else " Check it with --verify."))
    return EXIT_DIFFERENCES if conflicts else EXIT_OK


def verify(engine, client, tables) -> int:
    from booklib.migration import compare

    results = compare(engine, client, tables)
    for c in results:
        same = "equal" if not c.differences else "DIFFERENT"
        print(f"{c.name:<11} source {c.source_records} records ({c.expected_items} items), target {c.target_items} "
              f"items, checksum {c.source_checksum} vs {c.target_checksum}: {same}")
        for line in c.differences:
            print(f"  {line}")
    return EXIT_DIFFERENCES if any(c.differences for c in results) else EXIT_OK


def main(argv=None) -> int:
    args = parse_args(argv)
    try:
        from booklib.config import ConfigError, Settings
        from booklib.container import build_container

        try:
            settings = Settings.from_env()
            if args.database_url:
                settings = settings.replace(database_url=args.database_url)
        except ConfigError as exc:
            raise Refused(str(exc)) from None
        container = build_container(settings)
        engine = open_source(container, settings.database_url)
        client, tables = open_target(container, settings)
        if args.verify:
            return verify(engine, client, tables)
        return migrate(engine, client, tables, args.dry_run, args.batch_size, args.workers)
    except Refused as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    except KeyboardInterrupt:
        print("Interrupted: run the same command again to finish; nothing is duplicated.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
