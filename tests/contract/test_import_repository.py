"""Contract of the ImportRepository port: imports with their rows in chunks, recorded once each."""

from datetime import date, timedelta

from booklib.domain.imports import ImportRow
from booklib.domain.imports.jobs import ImportJob, ImportStatus, RowResult
from booklib.domain.model import ReadingStatus, ReadThrough, new_id, utcnow

from .builders import a_user


def a_row(n: int, **fields) -> ImportRow:
    values = dict(row=n, isbn=None, title=f"Book {n}", author="Someone", status=ReadingStatus.READ, rating=4.5,
                  reads=(ReadThrough(date(2020, 1, 1), date(2020, 2, 1)),), tags=("a", "B"), review="Good — “really”.",
                  notes=None, page_count=300, date_added=date(2019, 5, 6))
    values.update(fields)
    return ImportRow(**values)


def stored_import(storage, user, chunks):
    total = sum(len(chunk) for chunk in chunks)
    job = ImportJob(id=new_id(), user_id=user.id, source="goodreads", total=total, chunks=len(chunks))
    storage.imports.add(job, chunks)
    return job


def test_an_import_keeps_its_rows_in_chunks_exactly(storage):
    user = a_user("reader")
    storage.users.add(user)
    chunks = [[a_row(1), a_row(2, skip_reason="no ISBN and no title", title=None, warnings=("rating 'x' ignored",))],
              [a_row(3, isbn="9780306406157", reads=(), tags=(), rating=None, date_added=None)]]
    job = stored_import(storage, user, chunks)
    assert storage.imports.rows(job.id, 0) == (chunks[0], [])
    assert storage.imports.rows(job.id, 1) == (chunks[1], [])
    found = storage.imports.get(user.id, job.id)
    assert (found.status, found.total, found.chunks, found.processed, found.counts) == (
        ImportStatus.QUEUED, 3, 2, 0, {"added": 0, "updated": 0, "unchanged": 0, "skipped": 0})


def test_chunks_are_recorded_once_and_the_import_is_done_after_the_last(storage):
    user = a_user("reader")
    storage.users.add(user)
    job = stored_import(storage, user, [[a_row(1), a_row(2)], [a_row(3)]])
    first = [RowResult(1, "added", None, "e1", "Book 1"), RowResult(2, "skipped", "no title", None, None)]
    after = storage.imports.record(job.id, 0, first)
    assert (after.processed, after.counts["added"], after.counts["skipped"], after.status) == (2, 1, 1, ImportStatus.QUEUED)
    again = storage.imports.record(job.id, 0, [RowResult(1, "unchanged"), RowResult(2, "unchanged")])
    assert again.processed == 2 and again.counts["unchanged"] == 0  # recorded once
    assert storage.imports.rows(job.id, 0)[1] == first
    done = storage.imports.record(job.id, 1, [RowResult(3, "updated", "Changed: status.", "e3", "Book 3")])
    assert done.status is ImportStatus.DONE and done.processed == 3
    assert [r.row for r in storage.imports.results(job.id)] == [1, 2, 3]
    assert storage.imports.unfinished() == []


def test_imports_are_listed_newest_first_and_private(storage):
    reader, other = a_user("reader"), a_user("other")
    storage.users.add(reader)
    storage.users.add(other)
    older = ImportJob(id=new_id(), user_id=reader.id, source="csv", total=0, chunks=1,
                      created_at=utcnow() - timedelta(hours=1))
    storage.imports.add(older, [[]])
    newer = stored_import(storage, reader, [[a_row(1)]])
    assert [j.id for j in storage.imports.list(reader.id)] == [newer.id, older.id]
    assert storage.imports.list(other.id) == [] and storage.imports.get(other.id, newer.id) is None
    storage.imports.set_status(newer.id, ImportStatus.FAILED, "stopped at chunk 1")
    failed = storage.imports.find(newer.id)
    assert (failed.status, failed.error) == (ImportStatus.FAILED, "stopped at chunk 1")
    assert {j.id for j in storage.imports.unfinished()} == {older.id}
