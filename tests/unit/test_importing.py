"""The import job on its ports (memory repositories, a queue that holds jobs until the test runs them)."""

from types import SimpleNamespace

import pytest

from booklib.adapters.memory import make_repositories
from booklib.domain.errors import UnknownFileError
from booklib.domain.imports.jobs import CHUNK_ROWS, ImportStatus
from booklib.domain.isbn import ean13_check_digit
from booklib.domain.services import ImportService, JobRunner, LibraryService
from tests.contract.builders import a_user
from tests.support.tasks import DeferredTaskQueue


class NoLookups:
    def handle_message(self, message, final_attempt=True, deadline=None):
        return None


def build() -> SimpleNamespace:
    repositories = make_repositories()
    runner = SimpleNamespace(jobs=None)
    queue = DeferredTaskQueue(lambda message: runner.jobs.handle_message(message))
    library = LibraryService(repositories.books, repositories.user_books, queue)
    imports = ImportService(repositories.imports, library, queue)
    runner.jobs = JobRunner(NoLookups(), imports)
    reader = a_user("reader")
    repositories.users.add(reader)
    return SimpleNamespace(imports=imports, library=library, queue=queue, reader=reader.id, repositories=repositories)


def isbn(n: int) -> str:
    body = f"978100{n:06d}"
    return body + ean13_check_digit(body)


def csv_of(rows: int) -> bytes:
    lines = ["isbn,title,author,status,rating"]
    lines += [f"{isbn(i)},Book {i},Author {i % 7},read,{(i % 5) + 1}" for i in range(rows)]
    return "\n".join(lines).encode()


def test_a_large_file_runs_a_chunk_per_job_and_every_row_is_counted():
    world = build()
    job = world.imports.start(world.reader, csv_of(2 * CHUNK_ROWS + 17))
    assert job.chunks == 3 and world.imports.get(world.reader, job.id).status is ImportStatus.QUEUED
    world.queue.run_pending()
    done = world.imports.get(world.reader, job.id)
    assert (done.status, done.processed, done.counts["added"]) == (ImportStatus.DONE, 417, 417)
    assert len(world.library.all_entries(world.reader)) == 417


def test_a_chunk_killed_half_way_runs_again_without_duplicating_rows(monkeypatch):
    world = build()
    job = world.imports.start(world.reader, csv_of(50))
    real_add_many = world.repositories.user_books.add_many

    def dies_after_20(entries, new_book_ids):
        real_add_many(entries[:20], new_book_ids)
        raise RuntimeError("worker killed")

    monkeypatch.setattr(world.repositories.user_books, "add_many", dies_after_20)
    with pytest.raises(RuntimeError):
        world.imports.run_chunk(job.id, 0, final_attempt=False)  # the queue would deliver it again
    assert len(world.library.all_entries(world.reader)) == 20 and world.imports.get(world.reader, job.id).processed == 0
    monkeypatch.setattr(world.repositories.user_books, "add_many", real_add_many)
    world.imports.run_chunk(job.id, 0)
    done = world.imports.get(world.reader, job.id)
    assert done.status is ImportStatus.DONE and done.processed == 50
    assert len(world.library.all_entries(world.reader)) == 50  # no row twice
    assert done.counts["added"] + done.counts["unchanged"] == 50


def test_a_failure_on_the_last_attempt_marks_the_import_failed_with_its_reason(monkeypatch):
    world = build()
    job = world.imports.start(world.reader, csv_of(3))
    monkeypatch.setattr(world.library, "all_entries", lambda user_id: (_ for _ in ()).throw(RuntimeError("store down")))
    assert world.imports.run_chunk(job.id, 0, final_attempt=True) is None
    failed = world.imports.get(world.reader, job.id)
    assert failed.status is ImportStatus.FAILED and "store down" in failed.error


def test_an_unfinished_import_is_resumed_from_where_it_stopped():
    world = build()
    job = world.imports.start(world.reader, csv_of(CHUNK_ROWS + 5))
    world.queue._jobs.clear()  # the process died with the job queued
    assert world.imports.resume_unfinished() == 1
    world.queue.run_pending()
    assert world.imports.get(world.reader, job.id).status is ImportStatus.DONE


def test_an_unknown_file_is_refused_before_anything_is_stored():
    world = build()
    with pytest.raises(UnknownFileError, match="Known layouts"):
        world.imports.start(world.reader, b"name,price\nbread,2\n")
    assert world.imports.list(world.reader) == []


def test_lookups_are_queued_in_bulk_once_the_import_is_done():
    world = build()
    job = world.imports.start(world.reader, csv_of(CHUNK_ROWS + 3))
    queued = []
    real = world.queue.enqueue_metadata_job
    world.queue.enqueue_metadata_job = lambda entry_id, bulk=False: queued.append((entry_id, bulk)) or real(entry_id, bulk)
    world.queue.run_pending()
    assert world.imports.get(world.reader, job.id).status is ImportStatus.DONE
    assert len(queued) == CHUNK_ROWS + 3 and all(bulk for _, bulk in queued)
    assert {entry_id for entry_id, _ in queued} == {e.id for e in world.library.all_entries(world.reader)}
