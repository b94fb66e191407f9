"""Scheduled Lambda (serverless.yml: `sweeper`, every 15 minutes): queue again the metadata jobs of
entries PENDING for longer than BOOKLIB_PENDING_RETRY_MINUTES — a message SQS could not take, or one
lost otherwise — so that no entry waits forever. Jobs are idempotent: a duplicate changes nothing."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from booklib.entrypoints import log_booklib_info

log = logging.getLogger(__name__)

_container = None
_lock = threading.Lock()


def container():
    global _container
    if _container is None:
        with _lock:
            if _container is None:
                from booklib.config import Settings
                from booklib.container import build_container

                log_booklib_info()
                _container = build_container(Settings.from_env())
    return _container


def handler(event, context):
    built = container()
    minutes = built.config.pending_retry_minutes()
    queued = built.library().resume_pending_jobs(stale_after=timedelta(minutes=minutes))
    log.info("queued again %d metadata job(s) pending for over %s minutes", queued, minutes)
    return {"requeued": queued}
