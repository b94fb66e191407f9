"""SQS -> Lambda worker: runs metadata jobs and reports partial batch failures.

serverless.yml names `handler`; the event source mapping has `ReportBatchItemFailures`, so the
answer lists only the messages to try again (the rules are in booklib.adapters.tasks.sqs_worker).
The container is built on the first event and kept for the life of the Lambda container."""

from __future__ import annotations

import threading

from booklib.adapters.tasks.sqs_worker import process_batch
from booklib.entrypoints import log_booklib_info

__all__ = ["handler", "metadata_sync", "process_batch"]

_service = None
_lock = threading.Lock()


def metadata_sync():
    """The job runner (metadata lookups and import chunks), built once per Lambda container."""
    global _service
    if _service is None:
        with _lock:
            if _service is None:
                from booklib.config import Settings
                from booklib.container import build_container

                log_booklib_info()
                _service = build_container(Settings.from_env()).jobs()
    return _service


def handler(event, context):
    return process_batch(event, metadata_sync(), context=context)
