"""Killed half-way (SIGKILL) and run again, the target ends equal to the source with nothing duplicated."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.library import one_reader_library
from tests.support.moto_server import shared_moto_server

from .conftest import dynamodb_target

pytestmark = pytest.mark.slow  # moto servers, subprocesses and libraries of thousands of books

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "migrate_sqlite_to_dynamo.py"
ENTRIES = 3000


def count(client, table: str) -> int:
    pages = client.get_paginator("scan").paginate(TableName=table, Select="COUNT")
    return sum(page["Count"] for page in pages)


def run(env, *args, **kwargs):
    return subprocess.run([sys.executable, str(SCRIPT), *args], env=env, capture_output=True, text=True, timeout=300, **kwargs)


def test_killed_half_way_then_run_again(tmp_path, aws_env):
    url = f"sqlite:///{tmp_path / 'big.db'}"
    one_reader_library(url, ENTRIES).dispose()

    with dynamodb_target(shared_moto_server().url, aws_env) as target:
        env = {**os.environ, "DATABASE_URL": url}
        process = subprocess.Popen([sys.executable, str(SCRIPT), "--batch-size", "100"], env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and process.poll() is None:
                if count(target.client, target.names.books) >= 300:
                    break
                time.sleep(0.02)
        finally:
            process.kill()
            process.wait(timeout=10)
        copied = count(target.client, target.names.books)
        assert 0 < copied < ENTRIES, "the kill should land half-way through the books"

        second = run(env)
        assert second.returncode == 0, second.stderr
        assert "Traceback" not in second.stderr
        verify = run(env, "--verify")
        assert verify.returncode == 0, verify.stdout
        assert verify.stdout.count(": equal") == 3

        third = run(env)
        rows = [line.split() for line in third.stdout.splitlines() if line.startswith(("users ", "books ", "user_books "))]
        assert [row[2] for row in rows] == ["0", "0", "0"], third.stdout  # nothing written
        assert count(target.client, target.names.user_books) == 2 * ENTRIES
