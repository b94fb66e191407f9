"""Copy a SQL library into the DynamoDB tables, and compare the two.

Idempotent and resumable: each entity is written as its record plus its guard items, exactly as
the DynamoDB repositories would write them; items already in the target and equal are skipped;
items in the target that differ (another user with the same email, an edited record) are reported
as conflicts and never overwritten. Never means never: every item is written with a condition that
its key is free, so a record created after the first look at the target (a signup while the copy
runs) is reported as a conflict too, not replaced."""

from __future__ import annotations

import hashlib
import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from booklib.adapters.dynamodb import books, tokens, user_books, users
from booklib.adapters.dynamodb.batch import scan_all
from booklib.adapters.dynamodb.guards import GUARD_PREFIX
from booklib.adapters.dynamodb.records import (Record, book_records, put_new_records, token_records, user_book_records,
                                              user_records)
from booklib.adapters.dynamodb.tables import TableNames
from booklib.adapters.dynamodb import stats as dynamo_stats
from booklib.adapters.sqlite import export
from booklib.adapters.sqlite import stats as sql_stats
from booklib.domain.model import Book, User
from booklib.domain.tokens import AccessToken

RECORDS = {"users": user_records, "books": book_records, "user_books": user_book_records, "tokens": token_records}
KEYS = {"users": users.KEY, "books": books.KEY, "user_books": user_books.KEY, "tokens": tokens.KEY}
TABLE_ORDER = ("users", "books", "user_books", "tokens")  # entries and tokens refer to users and books


def records_of(engine, name: str):
    """The items of one source row; an entry's listing keys and derived items come from its book."""
    if name != "user_books":
        return RECORDS[name]
    books = {book.id: book for batch in export.batches(engine, "books") for book in batch}
    return lambda entity, tables: user_book_records(entity, tables, books.get(entity.book_id))


def target_table(tables: TableNames, name: str) -> str:
    return getattr(tables, name)


def describe(entity) -> str:
    if isinstance(entity, User):
        return f"user {entity.username} <{entity.email}> ({entity.id})"
    if isinstance(entity, AccessToken):
        return f"token {entity.name!r} of user {entity.user_id} ({entity.id})"
    if isinstance(entity, Book):
        return f"book {entity.isbn or repr(entity.title)} ({entity.id})"
    return f"entry {entity.id} (user {entity.user_id}, book {entity.book_id})"


@dataclass
class TableReport:
    name: str
    rows_read: int = 0
    items_written: int = 0
    already_present: int = 0
    conflicts: list[str] = field(default_factory=list)


class Progress:
    """What the migration tells its caller as it goes; the CLI draws bars or prints lines."""

    def start(self, name: str, total: int) -> None: ...

    def advance(self, count: int) -> None: ...

    def finish(self) -> None: ...


def conflicts_of(entity, records: list[Record], existing: dict[str, dict]) -> list[str]:
    problems = []
    for record in records:
        current = existing.get(record.key)
        if current is None or current == record.item:
            continue
        if record.is_guard:
            kind, value = record.key[len(GUARD_PREFIX) :].split("#", 1)
            owner = current.get("owner", {}).get("S")
            problems.append(f"{describe(entity)}: its {kind} {value!r} belongs to {owner} in the target")
        else:
            fields = sorted(name for name in set(current) | set(record.item) if current.get(name) != record.item.get(name))
            problems.append(f"{describe(entity)}: differs in the target ({', '.join(fields)}); not overwritten")
    return problems


class Migration:
    def __init__(self, engine, client, tables: TableNames, *, dry_run: bool = False, progress: Progress | None = None,
                 batch_size: int = 500, workers: int = 8):
        self.engine, self.client, self.tables = engine, client, tables
        self.dry_run = dry_run
        self.progress = progress or Progress()
        self.batch_size = batch_size
        self.workers = workers  # entities written at once: each write is one conditional PutItem

    def run(self) -> list[TableReport]:
        self.refused: set[str] = set()  # ids of users and books not copied: their entries cannot be either
        self.readers_with_new_entries: set[str] = set()
        with ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="migrate") as self.pool:
            reports = [self._copy(name) for name in TABLE_ORDER]
        if self.tables.stats:
            reports.append(self._copy_goals())
        return reports

    def _copy_goals(self) -> TableReport:
        """Goals are copied; stats counters are not: a reader who got entries has theirs built again
        from the copied library on their next stats view."""
        report = TableReport("goals")
        for user_id, goals in sql_stats.all_goals(self.engine).items():
            report.rows_read += 1
            if user_id in self.refused:
                report.conflicts.append(f"goals of user {user_id}: not copied, because the user was not")
            elif not self.dry_run:
                outcome = dynamo_stats.copy_goals(self.client, self.tables.stats, user_id, goals)
                if outcome == "written":
                    report.items_written += 1
                elif outcome == "present":
                    report.already_present += 1
                else:
                    report.conflicts.append(f"goals of user {user_id}: differ in the target; not overwritten")
            else:
                report.items_written += 1
        if not self.dry_run:
            for user_id in self.readers_with_new_entries:
                dynamo_stats.forget_counters(self.client, self.tables.stats, user_id)
        return report

    def _orphaned(self, entity) -> list[str]:
        missing = [ref for ref in (getattr(entity, "user_id", None), getattr(entity, "book_id", None)) if ref in self.refused]
        return [f"{describe(entity)}: not copied, because {ref} was not" for ref in missing]

    def _copy(self, name: str) -> TableReport:
        report = TableReport(name)
        table = target_table(self.tables, name)
        make_records = records_of(self.engine, name)
        self.progress.start(name, export.count(self.engine, name))
        existing = scan_all(self.client, table, KEYS[name])  # a first look; the writes check again
        for batch in export.batches(self.engine, name, self.batch_size):
            to_write: list[tuple[object, list[Record]]] = []
            for entity in batch:
                records = make_records(entity, self.tables)
                problems = self._orphaned(entity) or conflicts_of(entity, records, existing)
                if problems:
                    report.conflicts.extend(problems)
                    self.refused.add(entity.id)
                    continue
                missing = [record for record in records if record.key not in existing]
                if missing:
                    to_write.append((entity, missing))
                else:
                    report.already_present += 1
            report.rows_read += len(batch)
            if self.dry_run:
                report.items_written += sum(len(missing) for _, missing in to_write)
            else:
                self._write(to_write, report)
            self.progress.advance(len(batch))
        self.progress.finish()
        return report

    def _write(self, to_write: list[tuple[object, list[Record]]], report: TableReport) -> None:
        outcomes = self.pool.map(lambda pair: put_new_records(self.client, pair[1]), to_write)
        for (entity, missing), clash in zip(to_write, outcomes):
            if clash is None:
                report.items_written += len(missing)
                if report.name == "user_books":
                    self.readers_with_new_entries.add(entity.user_id)
                continue
            record, current = clash
            report.conflicts.extend(conflicts_of(entity, [record], {record.key: current}) or
                                    [f"{describe(entity)}: {record.key} was taken while the copy ran; not overwritten"])
            self.refused.add(entity.id)


@dataclass
class TableComparison:
    name: str
    source_records: int
    expected_items: int
    target_items: int
    source_checksum: str
    target_checksum: str
    differences: list[str]


def checksum(items: dict[str, dict]) -> str:
    digest = hashlib.sha256()
    for key in sorted(items):
        digest.update(json.dumps(items[key], sort_keys=True, separators=(",", ":")).encode())
    return digest.hexdigest()[:16]


def compare(engine, client, tables: TableNames, limit: int = 10) -> list[TableComparison]:
    """Every record of the source against the target: counts, checksums and the first differences."""
    results = []
    for name in TABLE_ORDER:
        expected: dict[str, dict] = {}
        sources = 0
        make_records = records_of(engine, name)
        for batch in export.batches(engine, name):
            for entity in batch:
                sources += 1
                expected.update((record.key, record.item) for record in make_records(entity, tables))
        actual = scan_all(client, target_table(tables, name), KEYS[name])
        differences = []
        for key, item in expected.items():
            if key not in actual:
                differences.append(f"{name}: {key} is missing in the target")
            elif actual[key] != item:
                fields = sorted(n for n in set(item) | set(actual[key]) if item.get(n) != actual[key].get(n))
                differences.append(f"{name}: {key} differs ({', '.join(fields)})")
        differences += [f"{name}: {key} is in the target but not in the source" for key in actual if key not in expected]
        results.append(TableComparison(name, sources, len(expected), len(actual), checksum(expected), checksum(actual),
                                       differences[:limit] + ([f"… and {len(differences) - limit} more"] if len(differences) > limit else [])))
    return results
