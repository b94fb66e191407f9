"""Killed half-way (as by SIGKILL, at a chosen write call) and run again, the target ends equal to the source
with nothing duplicated."""

import contextlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.library import one_reader_library
from tests.support.moto_server import shared_moto_server

from .conftest import dynamodb_target

pytestmark = pytest.mark.slow  # moto servers, subprocesses and libraries of thousands of books

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "migrate_sqlite_to_dynamo.py"
ENTRIES = 1500


def count(client, table: str) -> int:
    pages = client.get_paginator("scan").paginate(TableName=table, Select="COUNT")
    return sum(page["Count"] for page in pages)


def tag_rows(database: Path) -> int:
    """The source's tag rows: each becomes one T# item of its entry on DynamoDB."""
    with contextlib.closing(sqlite3.connect(database)) as conn:
        return conn.execute("SELECT count(*) FROM user_book_tags").fetchone()[0]


def run(env, *args, **kwargs):
    return subprocess.run([sys.executable, str(SCRIPT), *args], env=env, capture_output=True, text=True, timeout=300, **kwargs)


ROOT = Path(__file__).resolve().parents[2]
# One conditional PutItem per item, one entity at a time (--workers 1): 3 for the user (record, email
# and username guards), 1 per hand-entered book, then 3 per entry (its guard, its record, then its F#
# search item): the kill lands half-way through an entry, after 700 whole entries and the guard of the next one.
ENTRIES_WRITTEN_BEFORE_THE_KILL = 700
PER_ENTRY = 3
KILL_AT_WRITE = 3 + ENTRIES + PER_ENTRY * ENTRIES_WRITTEN_BEFORE_THE_KILL + 2


@pytest.mark.timeout(400)
def test_killed_half_way_then_run_again(tmp_path, aws_env):
    url = f"sqlite:///{tmp_path / 'big.db'}"
    one_reader_library(url, ENTRIES).dispose()

    with dynamodb_target(shared_moto_server().url, aws_env) as target:
        env = {**os.environ, "DATABASE_URL": url}
        killed = subprocess.run(
            [sys.executable, "-m", "tests.support.migrate_killed", "--batch-size", "100", "--workers", "1"],
            env={**env, "KILL_AT_WRITE": str(KILL_AT_WRITE)}, cwd=ROOT, capture_output=True, text=True, timeout=300,
        )
        assert killed.returncode == 137, killed.stderr
        assert count(target.client, target.names.books) == ENTRIES
        # records + guards, and the guard of the entry the kill cut in half
        assert count(target.client, target.names.user_books) == PER_ENTRY * ENTRIES_WRITTEN_BEFORE_THE_KILL + 1

        second = run(env)
        assert second.returncode == 0, second.stderr
        assert "Traceback" not in second.stderr
        verify = run(env, "--verify")
        assert verify.returncode == 0, verify.stdout
        assert verify.stdout.count(": equal") == verify.stdout.count(" source ") >= 3

        third = run(env)
        rows = [line.split() for line in third.stdout.splitlines() if line.startswith(("users ", "books ", "user_books "))]
        assert [row[2] for row in rows] == ["0", "0", "0"], third.stdout  # nothing written
        assert count(target.client, target.names.user_books) == PER_ENTRY * ENTRIES + tag_rows(tmp_path / "big.db")
