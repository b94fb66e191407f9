"""Runs a job at once, in the caller's thread: for tests and scripts."""

import logging
from typing import Callable

log = logging.getLogger(__name__)


class InlineTaskQueue:
    def __init__(self, handler: Callable[[dict], object]):
        self.handler = handler

    def enqueue_metadata_job(self, user_book_id: str, bulk: bool = False) -> None:
        self._run({"user_book_id": user_book_id})

    def enqueue_import_chunk(self, import_id: str, chunk: int, lookups: bool = False) -> None:
        self._run({"import_id": import_id, "chunk": chunk, **({"lookups": True} if lookups else {})})

    def _run(self, message: dict) -> None:
        try:
            self.handler(message)
        except Exception:  # a failed job never fails the request that queued it
            log.exception("job %s failed", message)
