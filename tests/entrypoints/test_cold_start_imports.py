"""A new process that builds the app and answers API requests loads only what those requests use:
the cold-start budget of the api Lambda (benchmarks/cold_start.py) depends on it."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

FIRST_REQUESTS = """
import contextlib, json, sys
from booklib.config import Settings
from booklib.web import create_app

instance, backend = sys.argv[1:3]
env = {"BOOKLIB_INSTANCE_PATH": instance, "SECRET_KEY": "k" * 40, "BOOKLIB_TASKS": "inline", "BOOKLIB_BACKEND": backend}
with contextlib.ExitStack() as stack:
    if backend == "dynamodb":
        from moto import mock_aws
        from booklib.adapters.dynamodb.tables import ensure_tables

        stack.enter_context(mock_aws())
    app = create_app(Settings.from_env(env))
    if backend == "dynamodb":
        container = app.extensions["booklib.container"]
        ensure_tables(container.dynamodb_client(), container.dynamodb_tables())
    client = app.test_client()
    account = {"username": "cold", "email": "cold@example.org", "password": "correct horse"}
    registered = client.post("/api/v1/auth/register", json=account)
    assert registered.status_code == 201, registered.get_data(as_text=True)
    assert client.post("/api/v1/auth/login", json=account).status_code == 200
    assert client.post("/api/v1/books", json={"title": "Dune", "author": "Frank Herbert"}).status_code == 201
    assert client.get("/api/v1/books").status_code == 200
print(json.dumps(sorted(sys.modules)))
"""

# Loaded by the pages, imports, scans, jobs and docs that use them, never by a first API request.
NOT_AT_START = [
    "booklib.domain.imports.reader",
    "booklib.domain.services.importing",
    "booklib.domain.services.metadata_sync",
    "booklib.domain.services.scanning",
    "booklib.web.api_spec",
    "booklib.web.charts",
    "flask_swagger_ui",
]


@pytest.mark.parametrize("backend", ["sqlite", "dynamodb"])
def test_a_first_api_request_loads_only_what_it_uses(tmp_path, backend):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "BOOKLIB_"))}
    env.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="us-east-1")
    ran = subprocess.run([sys.executable, "-c", FIRST_REQUESTS, str(tmp_path), backend], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120)
    assert ran.returncode == 0, ran.stderr
    loaded = set(json.loads(ran.stdout.strip().splitlines()[-1]))
    assert "booklib.domain.services.library" in loaded  # the check sees what was loaded
    assert [name for name in NOT_AT_START if name in loaded] == []
