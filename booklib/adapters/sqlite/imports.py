"""ImportRepository in SQL: a row per import, a row per chunk of 200 file rows with its results."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Engine, and_, insert, select, update

from booklib.domain.imports.jobs import (
    OUTCOMES,
    ImportJob,
    ImportStatus,
    RowResult,
    results_from_json,
    results_to_json,
    rows_from_json,
    rows_to_json,
)
from booklib.domain.model import utcnow

from .tables import import_chunks, imports

if TYPE_CHECKING:
    from booklib.domain.imports import ImportRow


class SqlImportRepository:
    def __init__(self, engine: Engine):
        self.engine = engine

    def add(self, job: ImportJob, chunks: list[list[ImportRow]]) -> None:
        with self.engine.begin() as conn:
            conn.execute(insert(imports), _job_row(job))
            conn.execute(insert(import_chunks), [
                {"import_id": job.id, "chunk": index, "rows": rows_to_json(rows), "results": None}
                for index, rows in enumerate(chunks)
            ])

    def get(self, user_id: str, import_id: str) -> ImportJob | None:
        return self._one(and_(imports.c.id == import_id, imports.c.user_id == user_id))

    def find(self, import_id: str) -> ImportJob | None:
        return self._one(imports.c.id == import_id)

    def list(self, user_id: str, limit: int = 50) -> list[ImportJob]:
        stmt = select(imports).where(imports.c.user_id == user_id).order_by(imports.c.created_at.desc()).limit(limit)
        with self.engine.connect() as conn:
            return [_job(row) for row in conn.execute(stmt).mappings()]

    def rows(self, import_id: str, chunk: int) -> tuple[list[ImportRow], list[RowResult]]:
        stmt = select(import_chunks).where(import_chunks.c.import_id == import_id, import_chunks.c.chunk == chunk)
        with self.engine.connect() as conn:
            row = conn.execute(stmt).mappings().first()
        if row is None:
            return [], []
        return rows_from_json(row["rows"]), results_from_json(row["results"])

    def record(self, import_id: str, chunk: int, results: list[RowResult]) -> ImportJob:
        counts = {outcome: sum(r.outcome == outcome for r in results) for outcome in OUTCOMES}
        with self.engine.begin() as conn:
            claimed = conn.execute(
                update(import_chunks)
                .where(import_chunks.c.import_id == import_id, import_chunks.c.chunk == chunk,
                       import_chunks.c.results.is_(None))
                .values(results=results_to_json(results))
            ).rowcount
            if claimed:  # only the first record of a chunk counts
                conn.execute(
                    update(imports).where(imports.c.id == import_id).values(
                        processed=imports.c.processed + len(results),
                        updated_at=utcnow(),
                        **{name: imports.c[name] + counts[name] for name in OUTCOMES},
                    )
                )
                left = conn.execute(select(import_chunks.c.chunk).where(
                    import_chunks.c.import_id == import_id, import_chunks.c.results.is_(None)).limit(1)).first()
                if left is None:
                    conn.execute(update(imports).where(imports.c.id == import_id)
                                 .values(status=ImportStatus.DONE.value))
        return self.find(import_id)

    def results(self, import_id: str) -> list[RowResult]:
        stmt = select(import_chunks.c.results).where(import_chunks.c.import_id == import_id)
        with self.engine.connect() as conn:
            found = [r for (text,) in conn.execute(stmt) for r in results_from_json(text)]
        return sorted(found, key=lambda r: r.row)

    def set_status(self, import_id: str, status: ImportStatus, error: str | None = None) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(imports).where(imports.c.id == import_id)
                         .values(status=status.value, error=error, updated_at=utcnow()))

    def unfinished(self) -> list[ImportJob]:
        stmt = select(imports).where(imports.c.status.in_([ImportStatus.QUEUED.value, ImportStatus.RUNNING.value]))
        with self.engine.connect() as conn:
            return [_job(row) for row in conn.execute(stmt).mappings()]

    def _one(self, condition) -> ImportJob | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(imports).where(condition)).mappings().first()
        return _job(row) if row else None


def _job_row(job: ImportJob) -> dict:
    return {
        "id": job.id, "user_id": job.user_id, "source": job.source, "status": job.status.value, "total": job.total,
        "chunks": job.chunks, "processed": job.processed, **{name: job.counts[name] for name in OUTCOMES},
        "error": job.error, "created_at": job.created_at, "updated_at": job.updated_at,
    }


def _job(row) -> ImportJob:
    return ImportJob(
        id=row["id"], user_id=row["user_id"], source=row["source"], total=row["total"], chunks=row["chunks"],
        status=ImportStatus(row["status"]), processed=row["processed"], counts={name: row[name] for name in OUTCOMES},
        error=row["error"], created_at=row["created_at"], updated_at=row["updated_at"],
    )
