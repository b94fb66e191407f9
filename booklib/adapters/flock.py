"""Lease port over an exclusive, non-blocking flock on a file: held until the process ends (or releases),
so when the holder dies the next process to ask takes over."""

from __future__ import annotations

import threading
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: every process holds its own lease (a local, single-process setup)
    fcntl = None


class FlockLease:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._handle = None
        self._lock = threading.Lock()

    def try_acquire(self) -> bool:
        with self._lock:
            if self._handle is not None or fcntl is None:
                return True
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle = open(self.path, "a")
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                handle.close()
                return False
            self._handle = handle
            return True

    def release(self) -> None:
        with self._lock:
            if self._handle is not None:
                self._handle.close()  # closing the file releases the flock
                self._handle = None
