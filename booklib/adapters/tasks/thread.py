"""Runs jobs on a bounded pool of background threads: the local default."""

import atexit
import logging
import threading
import weakref
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import Callable


log = logging.getLogger(__name__)


class ThreadTaskQueue:
    def __init__(self, handler: Callable[[dict], object], max_workers: int = 4):
        self.handler = handler
        self._executor = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="booklib-job")
        # An import's lookups wait in a lane of their own, so a reader's own adds never queue behind them.
        self._bulk = ThreadPoolExecutor(max_workers=1, thread_name_prefix="booklib-bulk-job")
        self._futures: set[Future] = set()
        self._lock = threading.Lock()
        _cancel_queued_jobs_at_exit(self)

    def enqueue_metadata_job(self, user_book_id: str, bulk: bool = False) -> None:
        self._submit(self._bulk if bulk else self._executor, {"user_book_id": user_book_id})

    def enqueue_import_chunk(self, import_id: str, chunk: int, lookups: bool = False) -> None:
        self._submit(self._executor, {"import_id": import_id, "chunk": chunk, **({"lookups": True} if lookups else {})})

    def _submit(self, executor: ThreadPoolExecutor, message: dict) -> None:
        try:
            future = executor.submit(self._run, message)
        except RuntimeError:
            # Shutting down: what the job is for is stored already (a PENDING entry, an unfinished
            # import) and is queued again when the app next starts; failing the request would not undo it.
            log.warning("job %s not queued: the queue is shutting down", message)
            return
        with self._lock:
            self._futures.add(future)
        future.add_done_callback(self._forget)

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the queued jobs; True when all finished. For tests, benchmarks and shutdown."""
        with self._lock:
            pending = set(self._futures)
        _, not_done = wait(pending, timeout=timeout)
        return not not_done

    def shutdown(self, wait_for_jobs: bool = True) -> None:
        for executor in (self._bulk, self._executor):
            executor.shutdown(wait=wait_for_jobs, cancel_futures=not wait_for_jobs)

    def _run(self, message: dict) -> None:
        try:
            self.handler(message)
        except Exception:
            # The entry stays PENDING and is queued again when the app next starts.
            log.exception("metadata job %s failed", message)

    def _forget(self, future: Future) -> None:
        with self._lock:
            self._futures.discard(future)


def _cancel_queued_jobs_at_exit(queue: ThreadTaskQueue) -> None:
    """At interpreter exit, jobs not yet started are dropped (their entries stay PENDING and the next
    start queues them again); the running ones finish. Without this, the pool's own exit hook runs
    every queued job first, which can hold the process for minutes at one Google Books call a second.
    threading's hook runs before non-daemon threads are joined, which is when this must happen."""
    ref = weakref.ref(queue)

    def cancel() -> None:
        alive = ref()
        if alive is not None:
            alive.shutdown(wait_for_jobs=False)

    register = getattr(threading, "_register_atexit", None)
    (register or atexit.register)(cancel)
