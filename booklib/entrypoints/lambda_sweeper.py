"""Scheduled Lambda (serverless.yml: `sweeper`, every 15 minutes): queue again the metadata jobs of
entries PENDING for longer than BOOKLIB_PENDING_RETRY_MINUTES, and the next chunk of imports idle that
long — a message SQS could not take, or one lost otherwise — so that nothing waits forever. Jobs are
idempotent: a duplicate changes nothing."""

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
    stale_after = timedelta(minutes=minutes)
    queued = built.library().resume_pending_jobs(stale_after=stale_after)
    imports = built.imports().resume_unfinished(stale_after=stale_after)
    log.info("queued again %d metadata job(s) and %d import(s) idle for over %s minutes", queued, imports, minutes)
    return {"requeued": queued, "imports_resumed": imports}
