"""A daemon thread that sweeps pending metadata jobs: every job left PENDING by a stopped process once,
when this process first holds the lease, then the ones PENDING for too long (their job was lost).
Only the lease holder sweeps, so several processes of one app (gunicorn's workers) do not all requeue."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

log = logging.getLogger(__name__)

IMPORT_IDLE_AT_START = timedelta(minutes=1)
IMPORT_IDLE = timedelta(minutes=5)


class PeriodicSweeper:
    def __init__(self, library, imports, lease, stale_after: timedelta, interval: float):
        self.library = library
        self.imports = imports
        self.lease = lease
        self.stale_after = stale_after
        self.interval = interval
        self._started = False
        self._holding = False
        self._stop = threading.Event()
        self._lock = threading.Lock()

    def start(self) -> None:
        """Start once per process; later calls do nothing."""
        with self._lock:
            if self._started:
                return
            self._started = True
        threading.Thread(target=self._loop, name="booklib-sweeper", daemon=True).start()

    def stop(self) -> None:
        self._stop.set()

    def sweep_once(self) -> int:
        if not self.lease.try_acquire():
            return 0
        first = not self._holding
        self._holding = True
        # An import moves on every few seconds while it runs: one idle this long has lost its job. Never
        # one that moved in the last minute, which another process of the app may be running right now.
        idle = IMPORT_IDLE_AT_START if first else min(self.stale_after, IMPORT_IDLE)
        imports = self.imports.resume_unfinished(stale_after=idle)
        if imports:
            log.info("resumed %d unfinished import(s)", imports)
        queued = self.library.resume_pending_jobs(stale_after=None if first else self.stale_after)
        if queued:
            log.info("queued again %d metadata job(s) %s", queued,
                     "left pending by an earlier run" if first else f"pending for over {self.stale_after}")
        return queued

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.sweep_once()
            except Exception:  # e.g. the backend is unreachable now: try again next round
                log.exception("sweeping pending metadata jobs failed")
            self._stop.wait(self.interval)
