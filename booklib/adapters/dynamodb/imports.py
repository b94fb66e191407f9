"""ImportRepository on DynamoDB: one table keyed (import_id, part). The part "job" holds the import's
status and counts (and user_id, so only it is in user-index); "chunk#00003" holds 200 rows as JSON and,
once run, their results. Recording a chunk is one transaction: its results (on the condition that it
had none) and the counts, so a chunk run twice is counted once."""

from __future__ import annotations

from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

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

from .guards import write_atomically
from .items import format_time, from_item, parse_time, to_item
from .tables import USER_INDEX, TableNames

if TYPE_CHECKING:
    from booklib.domain.imports import ImportRow

JOB = "job"


def _chunk(index: int) -> str:
    return f"chunk#{index:05d}"


class DynamoImportRepository:
    def __init__(self, client, tables: TableNames):
        self.client = client
        self.table = tables.imports

    def add(self, job: ImportJob, chunks: list[list[ImportRow]]) -> None:
        # Chunks first: a job record never points at rows that are not there yet.
        for index, rows in enumerate(chunks):
            item = to_item({"import_id": job.id, "part": _chunk(index), "rows": rows_to_json(rows)})
            self.client.put_item(TableName=self.table, Item=item)
        self.client.put_item(TableName=self.table, Item=_job_item(job))

    def get(self, user_id: str, import_id: str) -> ImportJob | None:
        job = self.find(import_id)
        return job if job is not None and job.user_id == user_id else None

    def find(self, import_id: str) -> ImportJob | None:
        item = self.client.get_item(TableName=self.table, Key=_key(import_id, JOB), ConsistentRead=True).get("Item")
        return _job(item) if item else None

    def list(self, user_id: str, limit: int = 50) -> list[ImportJob]:
        answer = self.client.query(
            TableName=self.table, IndexName=USER_INDEX, KeyConditionExpression="#u = :u", ScanIndexForward=False,
            ExpressionAttributeNames={"#u": "user_id"}, ExpressionAttributeValues={":u": {"S": user_id}}, Limit=limit,
        )
        return [_job(item) for item in answer.get("Items", [])]

    def rows(self, import_id: str, chunk: int) -> tuple[list[ImportRow], list[RowResult]]:
        item = self.client.get_item(TableName=self.table, Key=_key(import_id, _chunk(chunk)), ConsistentRead=True).get("Item")
        if item is None:
            return [], []
        values = from_item(item)
        return rows_from_json(values["rows"]), results_from_json(values.get("results"))

    def record(self, import_id: str, chunk: int, results: list[RowResult]) -> ImportJob:
        names = {"#p": "processed", "#t": "updated_at", **{f"#{o}": o for o in OUTCOMES}}
        values = {":n": {"N": str(len(results))}, ":t": {"S": format_time(utcnow())},
                  **{f":{o}": {"N": str(sum(r.outcome == o for r in results))} for o in OUTCOMES}}
        try:
            write_atomically(self.client, [
                {"Update": {"TableName": self.table, "Key": _key(import_id, _chunk(chunk)),
                            "UpdateExpression": "SET #r = :r", "ConditionExpression": "attribute_not_exists(#r)",
                            "ExpressionAttributeNames": {"#r": "results"},
                            "ExpressionAttributeValues": {":r": {"S": results_to_json(results)}}}},
                {"Update": {"TableName": self.table, "Key": _key(import_id, JOB),
                            "UpdateExpression": "ADD #p :n, " + ", ".join(f"#{o} :{o}" for o in OUTCOMES) + " SET #t = :t",
                            "ExpressionAttributeNames": names, "ExpressionAttributeValues": values}},
            ], [_AlreadyRecorded(), None])
        except _AlreadyRecorded:
            pass
        job = self.find(import_id)
        if job is not None and job.processed >= job.total and job.status is not ImportStatus.DONE:
            self.set_status(import_id, ImportStatus.DONE)
            job.status = ImportStatus.DONE
        return job

    def results(self, import_id: str) -> list[RowResult]:
        found: list[RowResult] = []
        pages = self.client.get_paginator("query").paginate(
            TableName=self.table, KeyConditionExpression="#i = :i AND begins_with(#p, :c)", ConsistentRead=True,
            ProjectionExpression="#r", ExpressionAttributeNames={"#i": "import_id", "#p": "part", "#r": "results"},
            ExpressionAttributeValues={":i": {"S": import_id}, ":c": {"S": "chunk#"}},
        )
        for page in pages:
            for item in page.get("Items", []):
                found.extend(results_from_json(from_item(item).get("results")))
        return sorted(found, key=lambda r: r.row)

    def set_status(self, import_id: str, status: ImportStatus, error: str | None = None) -> None:
        update, values = "SET #s = :s, #t = :t", {":s": {"S": status.value}, ":t": {"S": format_time(utcnow())}}
        if error is not None:
            update += ", #e = :e"
            values[":e"] = {"S": error}
        try:
            self.client.update_item(TableName=self.table, Key=_key(import_id, JOB), UpdateExpression=update,
                                    ConditionExpression="attribute_exists(#s)", ExpressionAttributeValues=values,
                                    ExpressionAttributeNames={"#s": "status", "#t": "updated_at",
                                                              **({"#e": "error"} if error is not None else {})})
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
                raise

    def unfinished(self) -> list[ImportJob]:
        """A scan of job records: imports are few (one per upload), and this runs at start only."""
        pages = self.client.get_paginator("scan").paginate(
            TableName=self.table, FilterExpression="#p = :job AND #s IN (:q, :r)",
            ExpressionAttributeNames={"#p": "part", "#s": "status"},
            ExpressionAttributeValues={":job": {"S": JOB}, ":q": {"S": "queued"}, ":r": {"S": "running"}},
        )
        return [_job(item) for page in pages for item in page.get("Items", [])]


class _AlreadyRecorded(Exception):
    pass


def _key(import_id: str, part: str) -> dict:
    return {"import_id": {"S": import_id}, "part": {"S": part}}


def _job_item(job: ImportJob) -> dict:
    return to_item({
        "import_id": job.id, "part": JOB, "user_id": job.user_id, "source": job.source, "status": job.status.value,
        "total": job.total, "chunks": job.chunks, "processed": job.processed, **job.counts, "error": job.error,
        "created_at": format_time(job.created_at), "updated_at": format_time(job.updated_at),
    })


def _job(item: dict) -> ImportJob:
    v = from_item(item)
    return ImportJob(
        id=v["import_id"], user_id=v["user_id"], source=v["source"], total=v["total"], chunks=v["chunks"],
        status=ImportStatus(v["status"]), processed=v["processed"], counts={o: v.get(o, 0) for o in OUTCOMES},
        error=v.get("error"), created_at=parse_time(v["created_at"]), updated_at=parse_time(v["updated_at"]),
    )
