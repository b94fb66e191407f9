"""Contract of the TaskQueue port, run against every adapter in tests/support/task_queues.py.

What the services rely on: every queued job reaches the worker once, as {"user_book_id": id};
queueing never fails the request that queued it (a job failing, a job failing to be queued, a
queue that is shutting down); queueing does not wait for the job (except inline, by design);
and a stopping process loses no job that was queued before it stopped."""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.support.task_queues import TASK_QUEUES

LIVENESS_TIMEOUT = 30  # seconds; only ever reached when something hangs, never measured


class Jobs:
    """The handler the queue hands jobs to: records them, fails or blocks on the ids it is told to."""

    def __init__(self):
        self.messages: list[dict] = []
        self.failing: set[str] = set()
        self.blocking: set[str] = set()
        self.release = threading.Event()
        self._lock = threading.Lock()

    def handle(self, message: dict) -> None:
        user_book_id = message["user_book_id"]
        if user_book_id in self.blocking:
            assert self.release.wait(LIVENESS_TIMEOUT), "the test never released the job"
        with self._lock:
            self.messages.append(message)
        if user_book_id in self.failing:
            raise RuntimeError(f"job {user_book_id} failed on purpose")

    def handled(self) -> Counter:
        with self._lock:
            return Counter(m["user_book_id"] for m in self.messages)


@pytest.fixture
def jobs():
    return Jobs()


@pytest.fixture(params=sorted(TASK_QUEUES))
def harness(request, jobs):
    with TASK_QUEUES[request.param](jobs.handle) as harness:
        yield harness
    jobs.release.set()


def ids(n: int) -> list[str]:
    return [str(uuid.uuid4()) for _ in range(n)]


def test_every_queued_job_reaches_the_handler_once_as_a_message_with_its_id(harness, jobs):
    queued = ids(12)
    for user_book_id in queued:
        harness.queue.enqueue_metadata_job(user_book_id)
    harness.drain()
    assert jobs.handled() == Counter(queued)
    assert all(message == {"user_book_id": message["user_book_id"]} for message in jobs.messages)


def test_the_same_id_queued_twice_is_two_jobs(harness, jobs):
    """A refresh queues the entry again; the job itself is idempotent, the queue need not be."""
    [user_book_id] = ids(1)
    harness.queue.enqueue_metadata_job(user_book_id)
    harness.queue.enqueue_metadata_job(user_book_id)
    harness.drain()
    assert jobs.handled() == Counter({user_book_id: 2})


def test_jobs_queued_from_many_threads_at_once_each_arrive_once(harness, jobs):
    queued = ids(40)
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(harness.queue.enqueue_metadata_job, queued))
    harness.drain()
    assert jobs.handled() == Counter(queued)


def test_queueing_does_not_wait_for_the_job(harness, jobs):
    if harness.runs_in_caller:
        pytest.skip("the inline queue runs the job inside enqueue, by design")
    [slow] = ids(1)
    jobs.blocking.add(slow)
    caller = threading.Thread(target=harness.queue.enqueue_metadata_job, args=(slow,))
    caller.start()
    caller.join(LIVENESS_TIMEOUT)
    assert not caller.is_alive(), "enqueue waited for a job that cannot finish yet"
    assert jobs.handled()[slow] == 0
    jobs.release.set()
    harness.drain()
    assert jobs.handled()[slow] == 1


def test_a_failing_job_neither_reaches_the_caller_nor_stops_the_other_jobs(harness, jobs):
    bad, good = ids(3), ids(3)
    jobs.failing.update(bad)
    for pair in zip(bad, good):
        for user_book_id in pair:
            harness.queue.enqueue_metadata_job(user_book_id)  # never raises
    harness.drain()
    later = ids(2)
    for user_book_id in later:
        harness.queue.enqueue_metadata_job(user_book_id)
    harness.drain()
    handled = jobs.handled()
    assert all(handled[user_book_id] == 1 for user_book_id in good + later)


def test_jobs_queued_before_shutdown_are_not_lost(harness, jobs):
    first, *rest = queued = ids(8)
    jobs.blocking.add(first)  # the queue is busy when the process stops
    # Released a moment after shutdown begins (or at once for the inline queue, which would block
    # in enqueue). The timer only orders the steps; nothing below depends on how long anything took.
    releaser = threading.Timer(0.05, jobs.release.set)
    releaser.start()
    for user_book_id in queued:
        harness.queue.enqueue_metadata_job(user_book_id)
    harness.shutdown()
    harness.drain()  # for a durable queue, the next worker gets them
    releaser.join()
    assert jobs.handled() == Counter(queued)


def test_queueing_after_shutdown_does_not_fail_the_caller(harness, jobs):
    """A request finishing while the process stops: its entry is stored PENDING already, and
    resume_pending_jobs() queues it again on the next start, so the queue must not raise."""
    harness.shutdown()
    harness.queue.enqueue_metadata_job("late")
