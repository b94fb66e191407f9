"""ImportRepository over plain dicts under one lock: for tests and throw-away runs."""

from __future__ import annotations

import threading
from dataclasses import replace
from typing import TYPE_CHECKING

from booklib.domain.imports.jobs import ImportJob, ImportStatus, RowResult
from booklib.domain.model import utcnow

if TYPE_CHECKING:
    from booklib.domain.imports import ImportRow


class MemoryImportRepository:
    def __init__(self):
        self._lock = threading.Lock()
        self._jobs: dict[str, ImportJob] = {}
        self._chunks: dict[tuple[str, int], tuple[list[ImportRow], list[RowResult] | None]] = {}

    def add(self, job: ImportJob, chunks: list[list[ImportRow]]) -> None:
        with self._lock:
            self._jobs[job.id] = replace(job, counts=dict(job.counts))
            for index, rows in enumerate(chunks):
                self._chunks[(job.id, index)] = (list(rows), None)

    def get(self, user_id: str, import_id: str) -> ImportJob | None:
        job = self.find(import_id)
        return job if job is not None and job.user_id == user_id else None

    def find(self, import_id: str) -> ImportJob | None:
        with self._lock:
            job = self._jobs.get(import_id)
            return replace(job, counts=dict(job.counts)) if job else None

    def list(self, user_id: str, limit: int = 50) -> list[ImportJob]:
        with self._lock:
            mine = [j for j in self._jobs.values() if j.user_id == user_id]
        return [replace(j, counts=dict(j.counts)) for j in sorted(mine, key=lambda j: j.created_at, reverse=True)][:limit]

    def rows(self, import_id: str, chunk: int) -> tuple[list[ImportRow], list[RowResult]]:
        with self._lock:
            rows, results = self._chunks.get((import_id, chunk), ([], None))
            return list(rows), list(results or [])

    def record(self, import_id: str, chunk: int, results: list[RowResult]) -> ImportJob:
        with self._lock:
            rows, recorded = self._chunks[(import_id, chunk)]
            job = self._jobs[import_id]
            if recorded is None:
                self._chunks[(import_id, chunk)] = (rows, list(results))
                job.processed += len(results)
                for result in results:
                    job.counts[result.outcome] += 1
                job.updated_at = utcnow()
                if job.processed >= job.total and all(r is not None for (i, _), (_, r) in self._chunks.items() if i == import_id):
                    job.status = ImportStatus.DONE
            return replace(job, counts=dict(job.counts))

    def results(self, import_id: str) -> list[RowResult]:
        with self._lock:
            found = [r for (i, _), (_, results) in self._chunks.items() if i == import_id for r in results or []]
        return sorted(found, key=lambda r: r.row)

    def set_status(self, import_id: str, status: ImportStatus, error: str | None = None) -> None:
        with self._lock:
            if import_id in self._jobs:
                job = self._jobs[import_id]
                job.status, job.error, job.updated_at = status, error, utcnow()

    def unfinished(self) -> list[ImportJob]:
        with self._lock:
            return [replace(j, counts=dict(j.counts)) for j in self._jobs.values()
                    if j.status in (ImportStatus.QUEUED, ImportStatus.RUNNING)]
