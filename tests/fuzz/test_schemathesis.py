"""Schemathesis against the live app (a real HTTP server in this process), on SQLite and on DynamoDB
(the moto server), authenticated with a personal access token, over every operation of the OpenAPI
document: no 5xx, no answer that breaks the schema, no undocumented status code, header or content type.

Bounded for CI: FUZZ_EXAMPLES examples per operation and phase, with a fixed seed. A longer campaign:
`make fuzz` (BOOKLIB_FUZZ_EXAMPLES=1000, and any BOOKLIB_FUZZ_SEED)."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import threading

import pytest
import requests
from werkzeug.serving import make_server

from booklib.web import create_app
from booklib.web.api_spec import openapi_document
from tests.web.test_openapi import documented_operations

EXAMPLES = int(os.environ.get("BOOKLIB_FUZZ_EXAMPLES", "10"))
SEED = int(os.environ.get("BOOKLIB_FUZZ_SEED", "20261122"))
CHECKS = ("not_a_server_error", "status_code_conformance", "content_type_conformance",
          "response_headers_conformance", "response_schema_conformance")

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]


def _dynamodb_settings(settings, monkeypatch):
    from tests.support.dynamodb import client_for, dummy_aws_env, unique_table_names
    from tests.support.moto_server import shared_moto_server

    dummy_aws_env(monkeypatch)
    url = shared_moto_server().url
    names = unique_table_names()
    settings = settings.replace(backend="dynamodb", aws_endpoint_url=url, users_table=names.users,
                                books_table=names.books, user_books_table=names.user_books,
                                sessions_table=names.sessions, login_attempts_table=names.login_attempts,
                                imports_table=names.imports, tokens_table=names.tokens,
                                stats_table=names.stats)
    return settings, client_for(url), names


@pytest.fixture(params=["sqlite", "dynamodb"])
def live_app(request, settings, monkeypatch):
    """The app served over HTTP on 127.0.0.1, with a reader and a token of theirs."""
    tables = None
    if request.param == "dynamodb":
        from tests.support.dynamodb import fresh_tables

        settings, client, names = _dynamodb_settings(settings, monkeypatch)
        tables = fresh_tables(client, names)
        tables.__enter__()
    app = create_app(settings)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}"
    try:
        yield url, _reader_token(url)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        if tables is not None:
            tables.__exit__(None, None, None)


def _reader_token(url: str) -> tuple[str, str]:
    """Two tokens of one reader: one the fuzzer calls everything but DELETE /tokens/{id} with, so that
    it stays authenticated to the end, and one for the revocations (it may well revoke itself)."""
    web = requests.Session()
    # A password no generated example will ever guess: the fuzzer calls DELETE /account too.
    password = secrets.token_urlsafe(24)
    who = {"username": "fuzzer", "email": "fuzzer@example.org", "password": password}
    assert web.post(f"{url}/api/v1/auth/register", json=who, timeout=30).status_code == 201
    assert web.post(f"{url}/api/v1/auth/login", json={"email": who["email"], "password": password}, timeout=30).ok
    web.post(f"{url}/api/v1/books", json={"isbn": "9781761186769"}, timeout=30)
    web.post(f"{url}/api/v1/books", json={"title": "Hand made", "author": "Someone", "tags": ["x"]}, timeout=30)
    made = [web.post(f"{url}/api/v1/tokens", json={"name": name}, timeout=30) for name in ("fuzzer", "revoker")]
    assert all(answer.status_code == 201 for answer in made)
    return made[0].json()["token"], made[1].json()["token"]


REVOKE = "delete_tokens_token_id"


def fuzz_command(url: str, token: str, operations: list[str]) -> list[str]:
    return [
        sys.executable, "-m", "schemathesis.cli", "run", f"{url}/api/v1/openapi.json",
        "--header", f"Authorization: Bearer {token}",
        "--checks", ",".join(CHECKS),
        "--phases", "examples,coverage,fuzzing",
        "--max-examples", str(EXAMPLES), "--seed", str(SEED), "--workers", "1",
        "--request-timeout", "30", "--suppress-health-check", "all", *operations,
    ]


def fuzz(url: str, token: str, operations: list[str]) -> str:
    run = subprocess.run(fuzz_command(url, token, operations), capture_output=True, text=True, timeout=840,
                         env={**os.environ, "NO_COLOR": "1"})
    summary = run.stdout[-6000:]
    print(summary)
    assert run.returncode == 0, summary + run.stderr[-3000:]
    return summary


def test_the_fuzzer_finds_nothing(live_app):
    url, (token, revoker) = live_app
    everything_else = fuzz(url, token, ["--exclude-operation-id", REVOKE])
    revoking = fuzz(url, revoker, ["--include-operation-id", REVOKE])
    # Every operation was exercised: all of the document's but GET /openapi.json, the schema itself,
    # which schemathesis leaves out when it loads the schema from that URL.
    operations = len(documented_operations(openapi_document())) - 1
    assert f"Tested: {operations - 1}" in everything_else and "Tested: 1" in revoking
    # The fuzzer's token still works: it ran authenticated to the end.
    assert requests.get(f"{url}/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}, timeout=30).ok
