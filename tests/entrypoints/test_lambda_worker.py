"""The SQS worker handler: partial batch failures, retries, idempotency (no queue needed here)."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from dependency_injector import providers

from booklib.domain.model import SyncStatus
from booklib.entrypoints import lambda_worker
from booklib.entrypoints.lambda_worker import process_batch
from tests.conftest import JAPANESE_ISBN, KNOWN_ISBN, UNKNOWN_ISBN
from tests.entrypoints.events import FakeContext, load, sqs_event


class RecordingQueue:
    def __init__(self):
        self.jobs: list[str] = []

    def enqueue_metadata_job(self, user_book_id: str, bulk: bool = False) -> None:
        self.jobs.append(user_book_id)


@pytest.fixture
def world(app):
    """The app's container with a queue that only records: entries stay PENDING until the worker runs."""
    container = app.extensions["booklib.container"]
    queue = RecordingQueue()
    container.task_queue.override(providers.Object(queue))
    container.library.reset()
    user = container.accounts().register("worker_reader", "worker@example.org", "correct horse")
    library = container.library()
    yield SimpleNamespace(
        container=container,
        queue=queue,
        service=container.metadata_sync(),
        add=lambda isbn: library.add_by_isbn(user.id, isbn).id,
        status=lambda entry_id: container.storage().user_books.get(entry_id),
    )
    container.task_queue.reset_override()


def job(entry_id: str) -> str:
    return json.dumps({"user_book_id": entry_id})


def failures(result) -> list[str]:
    return [item["itemIdentifier"] for item in result["batchItemFailures"]]


def test_a_job_syncs_the_entry(world):
    entry_id = world.add(KNOWN_ISBN)
    assert world.queue.jobs == [entry_id]
    assert world.status(entry_id).sync_status is SyncStatus.PENDING
    result = process_batch(sqs_event(job(entry_id)), world.service)
    assert result == {"batchItemFailures": []}
    assert world.status(entry_id).sync_status is SyncStatus.SYNCED


def test_the_recorded_event_is_two_malformed_messages(world):
    event = load("sqsEvent.json")  # bodies "Test message." and {"message": "foo1"}
    result = process_batch(event, world.service)
    assert failures(result) == [r["messageId"] for r in event["Records"]]


def test_a_mixed_batch_reports_only_the_bad_messages(world):
    good, other = world.add(KNOWN_ISBN), world.add(JAPANESE_ISBN)
    event = sqs_event(job(good), "not json", json.dumps({"user_book_id": "no-such-entry"}), job(other), "[1, 2]")
    result = process_batch(event, world.service)
    assert failures(result) == ["msg-1", "msg-4"]  # a job for an entry that is gone is done, not retried
    assert world.status(good).sync_status is SyncStatus.SYNCED
    assert world.status(other).sync_status is SyncStatus.SYNCED


def test_duplicate_delivery_changes_nothing(world, stub):
    entry_id = world.add(KNOWN_ISBN)
    assert failures(process_batch(sqs_event(job(entry_id)), world.service)) == []
    after_first = world.status(entry_id)
    calls = len(stub.requests)
    result = process_batch(sqs_event(job(entry_id), job(entry_id)), world.service)
    assert failures(result) == []
    assert len(stub.requests) == calls and world.status(entry_id) == after_first


def test_an_unknown_isbn_fails_the_entry_not_the_message(world):
    entry_id = world.add(UNKNOWN_ISBN)
    assert failures(process_batch(sqs_event(job(entry_id)), world.service)) == []
    stored = world.status(entry_id)
    assert stored.sync_status is SyncStatus.FAILED and f"No book with ISBN {UNKNOWN_ISBN} was found" in stored.sync_error


def providers_down(stub):
    stub.fail_next("/books/v1", [503] * 20)
    stub.fail_next("/api/books", [503] * 20)


def test_provider_trouble_returns_the_message_until_the_last_receive(world, stub):
    entry_id = world.add(KNOWN_ISBN)
    for receive in (1, 2):
        providers_down(stub)
        result = process_batch(sqs_event(job(entry_id), receive_count=receive), world.service)
        assert failures(result) == ["msg-0"]
        assert world.status(entry_id).sync_status is SyncStatus.PENDING
        stub.reset()
    providers_down(stub)
    result = process_batch(sqs_event(job(entry_id), receive_count=3), world.service)
    assert failures(result) == []  # done with: the entry says why, and the sweeper queues it again later
    stored = world.status(entry_id)
    assert stored.sync_status is SyncStatus.PENDING and "couldn't reach the book services" in stored.sync_error


def test_provider_recovering_on_a_retry_syncs(world, stub):
    entry_id = world.add(KNOWN_ISBN)
    providers_down(stub)
    assert failures(process_batch(sqs_event(job(entry_id)), world.service)) == ["msg-0"]
    stub.reset()
    assert failures(process_batch(sqs_event(job(entry_id), receive_count=2), world.service)) == []
    assert world.status(entry_id).sync_status is SyncStatus.SYNCED


def test_an_unexpected_error_fails_that_message_alone(world):
    good = world.add(KNOWN_ISBN)

    class Exploding:
        def handle_message(self, message, final_attempt=True, deadline=None):
            if message["user_book_id"] == "boom":
                raise RuntimeError("disk on fire")
            return world.service.handle_message(message, final_attempt=final_attempt)

    result = process_batch(sqs_event(job("boom"), job(good)), Exploding())
    assert failures(result) == ["msg-0"]
    assert world.status(good).sync_status is SyncStatus.SYNCED


def test_messages_not_started_near_the_deadline_are_handed_back(world):
    entry_id = world.add(KNOWN_ISBN)
    result = process_batch(sqs_event(job(entry_id), job(entry_id)), world.service, context=FakeContext(remaining_ms=1_000))
    assert failures(result) == ["msg-0", "msg-1"]
    assert world.status(entry_id).sync_status is SyncStatus.PENDING


def test_empty_or_odd_events(world):
    assert process_batch({"Records": []}, world.service) == {"batchItemFailures": []}
    assert process_batch({}, world.service) == {"batchItemFailures": []}


def test_receive_count():
    from booklib.adapters.tasks.sqs_worker import receive_count

    assert receive_count({"attributes": {"ApproximateReceiveCount": "3"}}) == 3
    assert receive_count({}) == 1
    assert receive_count({"attributes": {"ApproximateReceiveCount": "x"}}) == 1


def test_handler_builds_the_service_once_per_container(monkeypatch, settings, stub):
    """handler() reads its configuration from the environment, once."""
    from tests.support.sql import migrated_engine

    migrated_engine(settings.database_url).dispose()
    env = {
        "BOOKLIB_BACKEND": "sqlite",
        "BOOKLIB_TASKS": "inline",
        "DATABASE_URL": settings.database_url,
        "BOOKLIB_INSTANCE_PATH": settings.instance_path,
        "ENVIRONMENT": "test",  # the worker needs no SECRET_KEY
        "GOOGLE_BOOKS_API_URL": stub.google_url,
        "OPEN_LIBRARY_URL": stub.open_library_url,
        "OPEN_LIBRARY_COVERS_URL": stub.open_library_url,
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    import booklib.container

    built = []
    real = booklib.container.build_container
    monkeypatch.setattr(booklib.container, "build_container", lambda s: built.append(s) or real(s))
    monkeypatch.setattr(lambda_worker, "_service", None)
    for _ in range(3):
        assert lambda_worker.handler(sqs_event(job("missing"), "not json"), FakeContext()) == {
            "batchItemFailures": [{"itemIdentifier": "msg-1"}]
        }
    assert len(built) == 1 and built[0].environment == "test"
