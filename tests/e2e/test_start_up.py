"""Start-up as processes meet it: several at once on a new database, CLI commands beside the app,
and an exit while jobs wait."""

import os
import subprocess
import sys

import pytest

from booklib.config import Settings
from booklib.container import build_container
from booklib.domain.model import SyncStatus
from tests.support.app_process import PROJECT

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

START_APP = "from booklib.web import create_app; create_app()"


def env_for(instance, stub, **extra) -> dict:
    return {**os.environ, "BOOKLIB_INSTANCE_PATH": str(instance), "GOOGLE_BOOKS_API_URL": stub.google_url,
            "OPEN_LIBRARY_URL": stub.open_library_url, "OPEN_LIBRARY_COVERS_URL": stub.open_library_url,
            "GOOGLE_BOOKS_MIN_INTERVAL": "0", **extra}


def test_processes_started_together_on_a_new_database_all_start(tmp_path, stub):
    for attempt in range(3):
        instance = tmp_path / f"instance-{attempt}"
        starts = [subprocess.Popen([sys.executable, "-c", START_APP], cwd=PROJECT, env=env_for(instance, stub),
                                   stderr=subprocess.PIPE, text=True) for _ in range(4)]
        results = [(p.wait(timeout=120), p.stderr.read()) for p in starts]
        assert [code for code, _ in results] == [0, 0, 0, 0], [err[-500:] for _, err in results]


def test_a_cli_command_queues_no_pending_job(tmp_path, stub):
    instance = tmp_path / "instance"
    settings = Settings.from_env(env={"BOOKLIB_INSTANCE_PATH": str(instance)}, tasks="inline", secret_key="x")
    container = build_container(settings)
    container.sql_schema().upgrade()
    reader = container.accounts().register("reader", "reader@example.org", "password1")
    entry = container.library().add_manual(reader.id, "Left pending")
    container.storage().user_books.update(entry.id, entry.user_book.version, {"sync_status": SyncStatus.PENDING})

    done = subprocess.run([sys.executable, "-m", "flask", "--app", "booklib.web", "db", "upgrade"], cwd=PROJECT,
                          env=env_for(instance, stub), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert container.storage().user_books.get(entry.id).sync_status is SyncStatus.PENDING
    assert stub.requests == []


def test_jobs_still_waiting_at_exit_are_left_for_the_next_start(tmp_path, stub):
    """Ten jobs queued on one worker thread against a slow provider: the process exits after the
    running job, not after all of them; the rest stay PENDING for the next start to resume."""
    isbns = [_isbn(i) for i in range(10)]
    child = f"""
from booklib.config import Settings
from booklib.container import build_container
container = build_container(Settings.from_env(tasks="thread", task_workers=1, secret_key="x"))
container.sql_schema().upgrade()
reader = container.accounts().register("reader", "reader@example.org", "password1")
for isbn in {isbns!r}:
    container.library().add_by_isbn(reader.id, isbn)
"""
    stub.delay = 1.0
    instance = tmp_path / "instance"
    done = subprocess.run([sys.executable, "-c", child], cwd=PROJECT, env=env_for(instance, stub),
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    container = build_container(Settings.from_env(env={"BOOKLIB_INSTANCE_PATH": str(instance)}, secret_key="x"))
    pending = container.storage().user_books.pending_ids()
    assert 7 <= len(pending) <= 9  # one or two ran (or were running); the rest wait for the next start


def _isbn(n: int) -> str:
    from booklib.domain.isbn import ean13_check_digit

    body = f"978100{n:06d}"
    return body + ean13_check_digit(body)
