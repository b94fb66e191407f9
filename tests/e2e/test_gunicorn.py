"""The production server (`make serve`): gunicorn with several workers, each of which builds the app and
upgrades the schema, on a fresh instance folder; of the workers, only one resumes pending jobs."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
import requests

from booklib.config import Settings
from booklib.container import build_container
from booklib.domain.model import SyncStatus
from tests.support.app_process import PROJECT, free_port

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

WORKERS = 4


class Gunicorn:
    def __init__(self, env: dict, log_path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env, self.log_path = {**os.environ, **env}, log_path

    def __enter__(self) -> "Gunicorn":
        command = [sys.executable, "-m", "gunicorn", "--workers", str(WORKERS), "--threads", "2",
                   "--bind", f"127.0.0.1:{self.port}", "booklib.entrypoints.wsgi:app"]
        self._log = open(self.log_path, "ab")
        self.process = subprocess.Popen(command, cwd=PROJECT, env=self.env, stdout=self._log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        return self

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_all_workers_up(self, timeout: float = 90) -> None:
        """Every worker booted, the app answers, and no worker failed to load it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"gunicorn exited with {self.process.returncode}:\n{self.log()[-3000:]}")
            booted = self.log().count("Booting worker")
            try:
                ready = requests.get(self.url + "/health/ready", timeout=5).status_code == 200
            except requests.RequestException:  # not listening yet, or every worker still loading the app
                ready = False
            if ready and booted >= WORKERS:
                time.sleep(1.5)  # a worker that fails to load the app takes the arbiter down in this time
                assert self.process.poll() is None, self.log()[-3000:]
                assert "Traceback" not in self.log() and "failed to boot" not in self.log(), self.log()[-3000:]
                return
            time.sleep(0.1)
        raise AssertionError(f"gunicorn not up within {timeout} s:\n{self.log()[-3000:]}")

    def __exit__(self, *exc) -> None:
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)  # graceful: the arbiter stops its workers
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)  # its own session: the arbiter and its workers
                self.process.wait(timeout=10)
        self._log.close()


def env_for(instance, stub, **extra) -> dict:
    return {"BOOKLIB_INSTANCE_PATH": str(instance), "GOOGLE_BOOKS_API_URL": stub.google_url,
            "OPEN_LIBRARY_URL": stub.open_library_url, "GOOGLE_BOOKS_MIN_INTERVAL": "0", "BOOKLIB_TASKS": "thread",
            **extra}


@pytest.mark.timeout(400)  # a worker loads the app in seconds, or in 20 on a busy 2-core machine
def test_gunicorn_starts_every_time_on_a_fresh_instance_folder(tmp_path, stub):
    for attempt in range(3):
        instance = tmp_path / f"instance-{attempt}"
        with Gunicorn(env_for(instance, stub), tmp_path / f"gunicorn-{attempt}.log") as server:
            server.wait_all_workers_up()
            assert requests.get(server.url + "/health", timeout=5).status_code == 200


@pytest.mark.timeout(300)
def test_only_one_worker_resumes_the_jobs_left_pending(tmp_path, stub):
    instance = tmp_path / "instance"
    container = build_container(Settings.from_env(env={"BOOKLIB_INSTANCE_PATH": str(instance)}, tasks="inline",
                                                  secret_key="x"))
    container.sql_schema().upgrade()
    reader = container.accounts().register("reader", "reader@example.org", "password1")
    left = [container.library().add_manual(reader.id, f"Left pending {i}") for i in range(3)]
    for e in left:
        container.storage().user_books.update(e.id, e.user_book.version, {"sync_status": SyncStatus.PENDING})
    stub.reset()

    with Gunicorn(env_for(instance, stub), tmp_path / "gunicorn.log") as server:
        server.wait_all_workers_up()
        session = requests.Session()
        for _ in range(40):  # reach every worker: each starts its sweeper on its first request
            assert session.get(server.url + "/health", timeout=5).status_code == 200
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and any(
                container.storage().user_books.get(e.id).sync_status is SyncStatus.PENDING for e in left):
            time.sleep(0.2)
        time.sleep(1.0)  # any second sweeper would have queued its jobs by now
        log = server.log()

    assert log.count("left pending by an earlier run") == 1, log[-3000:]
