"""A moto server in its own process on 127.0.0.1: a real HTTP endpoint, used the way LocalStack is."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


class MotoServer:
    def __init__(self, startup_timeout: float = 20.0, lifetime: float = 1800.0):
        self.startup_timeout = startup_timeout
        self.lifetime = lifetime
        self.process: subprocess.Popen | None = None
        self.url = ""

    def start(self) -> "MotoServer":
        for _ in range(3):  # the free port may be taken between probing and binding: try another
            port = free_port()
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tests.support.moto_server_main"]
                + ["--port", str(port), "--lifetime", str(self.lifetime)],
                cwd=REPO_ROOT,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            if self._wait_until_serving(port):
                self.url = f"http://127.0.0.1:{port}"
                return self
            self.stop()
        raise RuntimeError("moto server did not start")

    def _wait_until_serving(self, port: int) -> bool:
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            if _accepts(port):
                return True
            time.sleep(0.05)
        return False

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)

    def __enter__(self) -> "MotoServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


_shared: MotoServer | None = None


def shared_moto_server() -> MotoServer:
    """One server for the whole test session, started on first use; tests/conftest.py stops it."""
    global _shared
    if _shared is None:
        _shared = MotoServer().start()
    return _shared


def stop_shared_moto_server() -> None:
    global _shared
    if _shared is not None:
        _shared.stop()
        _shared = None
