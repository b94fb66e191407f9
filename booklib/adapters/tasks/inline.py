"""Runs a job at once, in the caller's thread: for tests and scripts."""

import logging
from typing import Callable

log = logging.getLogger(__name__)


class InlineTaskQueue:
    def __init__(self, handler: Callable[[dict], object]):
        self.handler = handler

    def enqueue_metadata_job(self, user_book_id: str) -> None:
        try:
            self.handler({"user_book_id": user_book_id})
        except Exception:  # a failed job never fails the request that queued it
            log.exception("metadata job for %s failed", user_book_id)
