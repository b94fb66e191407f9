"""Bringing a library in from a Goodreads, StoryGraph, booklib or simple CSV export.

The upload is read at once (an unknown layout is refused before anything is stored), kept as chunks
of rows, and worked through by jobs on the task queue, one chunk per job and each job queueing the
next, so no single job runs long (a worker Lambda has minutes, a 10,000-row file has 50 chunks).
A row matches an entry of the library by ISBN, else by title and author (folded): a match is updated
with what the file says, or left unchanged; anything else is added. Importing the same file twice
adds nothing. A chunk run twice (a worker killed half-way) skips the rows it had recorded; the rows
it had added but not recorded match their entries and come out unchanged, never twice."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

from ..errors import ConflictError, DomainError, NotFoundError, UnknownFileError, ValidationError
from ..imports import ImportRow, UnknownLayoutError, read_import
from ..imports.jobs import ImportJob, ImportStatus, RowResult, chunked
from ..model import Entry, new_id, utcnow
from ..ports import ImportRepository, TaskQueue
from .library import LibraryService

log = logging.getLogger(__name__)

# What a file can say about an entry, compared with the library to tell "updated" from "unchanged".
FILE_FIELDS = ("status", "rating", "reads", "tags", "review", "notes", "page_count")


class ImportService:
    def __init__(self, imports: ImportRepository, library: LibraryService, tasks: TaskQueue):
        self.imports = imports
        self.library = library
        self.tasks = tasks

    def start(self, user_id: str, data: bytes) -> ImportJob:
        if not data:
            raise ValidationError("The file is empty.", field="file")
        try:
            source, rows = read_import(data)
        except UnknownLayoutError as exc:
            raise UnknownFileError(str(exc), field="file") from None
        chunks = chunked(rows)
        job = ImportJob(id=new_id(), user_id=user_id, source=source, total=len(rows), chunks=len(chunks))
        self.imports.add(job, chunks)
        self.tasks.enqueue_import_chunk(job.id, 0)
        return job

    def get(self, user_id: str, import_id: str) -> ImportJob:
        job = self.imports.get(user_id, import_id)
        if job is None:
            raise NotFoundError("No such import.")
        return job

    def list(self, user_id: str) -> list[ImportJob]:
        return self.imports.list(user_id)

    def report(self, user_id: str, import_id: str, outcome: str | None = None) -> tuple[ImportJob, list[RowResult]]:
        job = self.get(user_id, import_id)
        results = self.imports.results(import_id)
        if outcome is not None:
            results = [r for r in results if r.outcome == outcome]
        return job, results

    def run_chunk(self, import_id: str, chunk: int, final_attempt: bool = True) -> ImportJob | None:
        job = self.imports.find(import_id)
        if job is None or job.status in (ImportStatus.DONE, ImportStatus.FAILED) or not 0 <= chunk < job.chunks:
            return None  # deleted, finished, or not a chunk of it: nothing to do
        if job.status is ImportStatus.QUEUED:
            self.imports.set_status(import_id, ImportStatus.RUNNING)
        try:
            rows, recorded = self.imports.rows(import_id, chunk)
            done = {result.row for result in recorded}
            todo = [row for row in rows if row.row not in done]
            if todo or not recorded:
                library = LibraryIndex(self.library.all_entries(job.user_id))
                results = recorded + self._import_rows(job.user_id, todo, library)
                job = self.imports.record(import_id, chunk, sorted(results, key=lambda r: r.row))
        except Exception as exc:
            if not final_attempt:
                raise
            log.exception("import %s failed in chunk %d", import_id, chunk)
            self.imports.set_status(import_id, ImportStatus.FAILED, f"The import stopped at chunk {chunk + 1}: {exc}"[:500])
            return None
        if chunk + 1 < job.chunks:
            self.tasks.enqueue_import_chunk(import_id, chunk + 1)
        elif job.status is ImportStatus.DONE:
            self.tasks.enqueue_import_chunk(import_id, 0, lookups=True)
        return job

    def queue_lookups(self, import_id: str, chunk: int) -> None:
        """After the import is done, queue the metadata lookups of the books it added, a chunk per job
        (a job sends at most 200 messages): they never slowed the import, and they run in the queue's
        bulk lane, behind the books readers add by hand."""
        job = self.imports.find(import_id)
        if job is None or not 0 <= chunk < job.chunks:
            return
        _, results = self.imports.rows(import_id, chunk)
        for result in results:
            if result.outcome == "added" and result.entry_id:
                self.tasks.enqueue_metadata_job(result.entry_id, bulk=True)
        if chunk + 1 < job.chunks:
            self.tasks.enqueue_import_chunk(import_id, chunk + 1, lookups=True)

    def resume_unfinished(self, stale_after: timedelta | None = None) -> int:
        """Start again the imports a stopped process left unfinished (all of them, or those without
        progress for longer than `stale_after`): from their first chunk, which passes quickly over
        the chunks recorded already to the first one that is not."""
        cutoff = utcnow() - stale_after if stale_after is not None else None
        stalled = [job for job in self.imports.unfinished() if cutoff is None or job.updated_at <= cutoff]
        for job in stalled:
            self.tasks.enqueue_import_chunk(job.id, 0)
        return len(stalled)

    def _import_rows(self, user_id: str, rows: list[ImportRow], library: "LibraryIndex") -> list[RowResult]:
        """A row that matches the library updates its entry; the rows that match nothing are added
        together (one batch per chunk, so a store writes them in a few requests), the batch stored
        first whenever a row matches one of the rows waiting in it."""
        results: list[RowResult] = []
        batch: list[ImportRow] = []
        waiting: set = set()

        def store_batch() -> None:
            answers = self.library.add_many(user_id, [self._spec(row) for row in batch])
            for row, answer in zip(batch, answers):
                results.append(self._added(user_id, row, answer, library))
            batch.clear()
            waiting.clear()

        for row in rows:
            if row.skip_reason:
                results.append(RowResult(row.row, "skipped", row.skip_reason, None, row.title))
                continue
            keys = {("isbn", row.isbn), ("name", _name_key(row.title, row.author))} - {("isbn", None)}
            if keys & waiting:
                store_batch()
            match = library.find(row)
            if match is None:
                batch.append(row)
                waiting.update(keys)
                continue
            try:
                results.append(self._update(user_id, row, match))
            except DomainError as exc:
                results.append(RowResult(row.row, "skipped", exc.message, None, row.title))
        if batch:
            store_batch()
        return results

    def _added(self, user_id: str, row: ImportRow, answer, library: "LibraryIndex") -> RowResult:
        if isinstance(answer, Entry):
            library.add(answer)
            note = "; ".join(row.warnings) or None
            return RowResult(row.row, "added", note, answer.id, answer.value("title") or row.title)
        if not isinstance(answer, ConflictError):
            return RowResult(row.row, "skipped", answer.message, None, row.title)
        # added meanwhile (by the reader, or by this chunk's earlier run): update that entry instead
        library.refresh(self.library.all_entries(user_id))
        match = library.find(row)
        if match is None:
            return RowResult(row.row, "skipped", "It clashed with a book added at the same time.", None, row.title)
        try:
            return self._update(user_id, row, match)
        except DomainError as exc:
            return RowResult(row.row, "skipped", exc.message, None, row.title)

    @staticmethod
    def _spec(row: ImportRow) -> dict:
        """The row as LibraryService.add_many's arguments: by ISBN, else by title and author."""
        values = {name: getattr(row, name) for name in FILE_FIELDS if _given(getattr(row, name))}
        values["status"] = row.status.value if row.status else None
        values["reads"] = row.reads  # the file's dates, never today's: an import invents no read
        values["date_added"] = _moment(row.date_added)
        if row.isbn:
            return {"isbn": row.isbn, "book_hint": {"title": row.title, "author": row.author}, **values}
        return {"title": row.title, "author": row.author, **values}

    def _update(self, user_id: str, row: ImportRow, entry: Entry) -> RowResult:
        changes = {}
        for name in FILE_FIELDS:
            wanted = getattr(row, name)
            if name == "reads":
                wanted = tuple(sorted(set(entry.user_book.reads) | set(wanted), key=_read_day))
            current = entry.value(name) if name == "page_count" else getattr(entry.user_book, name)
            if _given(wanted) and wanted != current:
                changes[name] = wanted.value if name == "status" else wanted
        if "status" in changes:
            changes.setdefault("reads", entry.user_book.reads)  # keep the dates; invent none for today
        title = entry.value("title") or row.title
        if not changes:
            return RowResult(row.row, "unchanged", None, entry.id, title)
        self.library.update_entry(user_id, entry.id, changes)
        return RowResult(row.row, "updated", f"Changed: {', '.join(changes)}.", entry.id, title)


class LibraryIndex:
    """A reader's entries by ISBN and by folded title + author, for matching the rows of a file."""

    def __init__(self, entries: list[Entry]):
        self.refresh(entries)

    def refresh(self, entries: list[Entry]) -> None:
        self.by_isbn: dict[str, Entry] = {}
        self.by_name: dict[tuple[str, str], Entry] = {}
        for entry in entries:
            self.add(entry)

    def add(self, entry: Entry) -> None:
        if entry.book.isbn:
            self.by_isbn[entry.book.isbn] = entry
        key = _name_key(entry.value("title"), entry.value("author"))
        if key[0]:
            self.by_name.setdefault(key, entry)

    def find(self, row: ImportRow) -> Entry | None:
        if row.isbn and row.isbn in self.by_isbn:
            return self.by_isbn[row.isbn]
        return self.by_name.get(_name_key(row.title, row.author))


def _name_key(title: str | None, author: str | None) -> tuple[str, str]:
    return " ".join((title or "").casefold().split()), " ".join((author or "").casefold().split())


def _given(value) -> bool:
    return value not in (None, (), "")


def _read_day(read) -> tuple:
    day = read.started_on or read.finished_on
    return (day is None, day.toordinal() if day else 0, read.finished_on.toordinal() if read.finished_on else 10**7)


def _moment(day) -> datetime | None:
    return datetime(day.year, day.month, day.day, 12, tzinfo=timezone.utc) if day else None
