"""A task queue for tests that holds jobs until the test runs them.

It passes the TaskQueue contract suite (tests/contract/test_task_queue.py), so tests may use it
where a job must not run at once: an entry stays PENDING until run_pending()."""

from __future__ import annotations

import logging
import threading
from typing import Callable

log = logging.getLogger(__name__)


class DeferredTaskQueue:
    def __init__(self, handler: Callable[[dict], object]):
        self.handler = handler
        self._jobs: list[str] = []
        self._lock = threading.Lock()

    @property
    def jobs(self) -> list[str]:
        """Ids queued and not yet run, oldest first."""
        with self._lock:
            return list(self._jobs)

    def enqueue_metadata_job(self, user_book_id: str, bulk: bool = False) -> None:
        with self._lock:
            self._jobs.append(user_book_id)

    def enqueue_import_chunk(self, import_id: str, chunk: int, lookups: bool = False) -> None:
        with self._lock:
            self._jobs.append({"import_id": import_id, "chunk": chunk, **({"lookups": True} if lookups else {})})

    def run_pending(self) -> int:
        """Run every queued job (and those they queue) in this thread; the number run."""
        ran = 0
        while True:
            with self._lock:
                if not self._jobs:
                    return ran
                job = self._jobs.pop(0)
            ran += 1
            message = job if isinstance(job, dict) else {"user_book_id": job}
            try:
                self.handler(message)
            except Exception:  # as the real queues: a failed job never stops the others
                log.exception("job %s failed", message)
