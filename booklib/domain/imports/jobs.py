"""An import as a job: the file's rows in chunks, what became of each row, and the running counts."""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import TYPE_CHECKING

from ..model import ReadingStatus, ReadThrough, utcnow

if TYPE_CHECKING:
    from .reader import ImportRow

OUTCOMES = ("added", "updated", "unchanged", "skipped")
CHUNK_ROWS = 200  # rows one job handles: well inside a worker Lambda's time
# A chunk is one stored item: DynamoDB takes 400 KB, and long reviews make some rows large.
CHUNK_BYTES = 250_000


class ImportStatus(str, enum.Enum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


@dataclass
class ImportJob:
    id: str
    user_id: str
    source: str
    total: int
    chunks: int
    status: ImportStatus = ImportStatus.QUEUED
    processed: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))
    error: str | None = None
    created_at: datetime = field(default_factory=utcnow)
    updated_at: datetime = field(default_factory=utcnow)

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "status": self.status.value,
            "source": self.source,
            "total": self.total,
            "processed": self.processed,
            "counts": dict(self.counts),
            "error": self.error,
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
        }


@dataclass(frozen=True)
class RowResult:
    row: int
    outcome: str  # one of OUTCOMES
    reason: str | None = None
    entry_id: str | None = None
    title: str | None = None

    def to_dict(self) -> dict:
        return {"row": self.row, "outcome": self.outcome, "reason": self.reason, "entry_id": self.entry_id,
                "title": self.title}

    @classmethod
    def from_dict(cls, data: dict) -> "RowResult":
        return cls(**{f.name: data.get(f.name) for f in fields(cls)})


def chunked(rows: list[ImportRow]) -> list[list[ImportRow]]:
    """At most CHUNK_ROWS rows and about CHUNK_BYTES of JSON per chunk; one empty chunk for no rows."""
    chunks: list[list[ImportRow]] = [[]]
    size = 0
    for row in rows:
        row_size = len(json.dumps(_row_dict(row), separators=(",", ":")).encode())
        if chunks[-1] and (len(chunks[-1]) >= CHUNK_ROWS or size + row_size > CHUNK_BYTES):
            chunks.append([])
            size = 0
        chunks[-1].append(row)
        size += row_size
    return chunks


# Rows are stored between the upload and the job that runs them: as JSON, the same in every backend.
def rows_to_json(rows: list[ImportRow]) -> str:
    return json.dumps([_row_dict(row) for row in rows], separators=(",", ":"))


def rows_from_json(text: str) -> list[ImportRow]:
    return [_row_from(data) for data in json.loads(text)]


def results_to_json(results: list[RowResult]) -> str:
    return json.dumps([r.to_dict() for r in results], separators=(",", ":"))


def results_from_json(text: str | None) -> list[RowResult]:
    return [RowResult.from_dict(data) for data in json.loads(text)] if text else []


def _row_dict(row: ImportRow) -> dict:
    data = {f.name: getattr(row, f.name) for f in fields(row)}
    data["status"] = row.status.value if row.status else None
    data["reads"] = [read.to_dict() for read in row.reads]
    data["date_added"] = row.date_added.isoformat() if row.date_added else None
    return data


def _row_from(data: dict) -> ImportRow:
    from .reader import ImportRow  # the file readers load when a job runs a chunk, not with every request

    values = dict(data)
    values["status"] = ReadingStatus(data["status"]) if data.get("status") else None
    values["reads"] = tuple(ReadThrough.parse(read) for read in data.get("reads") or ())
    values["tags"] = tuple(data.get("tags") or ())
    values["warnings"] = tuple(data.get("warnings") or ())
    values["date_added"] = date.fromisoformat(data["date_added"]) if data.get("date_added") else None
    return ImportRow(**values)
