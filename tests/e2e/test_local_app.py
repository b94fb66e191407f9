"""The app started as the README does (flask run, SQLite, background threads), driven over HTTP."""

import time

import pytest
import requests

from tests.conftest import KNOWN_ISBN
from tests.support.app_process import AppProcess

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture
def app_env(tmp_path, stub):
    return {
        "BOOKLIB_INSTANCE_PATH": str(tmp_path / "instance"),
        "GOOGLE_BOOKS_API_URL": stub.google_url,
        "OPEN_LIBRARY_URL": stub.open_library_url,
        "OPEN_LIBRARY_COVERS_URL": stub.open_library_url,
        "GOOGLE_BOOKS_MIN_INTERVAL": "0",
    }


@pytest.fixture
def running_app(app_env, tmp_path):
    app = AppProcess(app_env, tmp_path / "app.log").start()
    yield app
    app.stop()


def wait_for_sync(session, url, deadline_s=20):
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        entry = session.get(url, timeout=5).json()
        if entry["sync_status"] != "PENDING":
            return entry
        time.sleep(0.1)
    raise AssertionError(f"still PENDING after {deadline_s}s")


def register_and_login(base, session):
    account = {"username": "e2e", "email": "e2e@example.org", "password": "password1"}
    assert session.post(base + "/api/v1/auth/register", json=account, timeout=10).status_code == 201
    assert session.post(base + "/api/v1/auth/login", json=account, timeout=10).status_code == 200


def test_register_add_sync_edit_delete(running_app, tmp_path):
    base, session = running_app.url, requests.Session()
    register_and_login(base, session)

    created = session.post(base + "/api/v1/books", json={"isbn": KNOWN_ISBN}, timeout=10)
    assert created.status_code == 201 and created.json()["sync_status"] == "PENDING"
    url = f"{base}/api/v1/books/{created.json()['id']}"
    synced = wait_for_sync(session, url)
    assert synced["sync_status"] == "SYNCED" and synced["title"] == "Everything is Beautiful and Everything Hurts"

    page = session.get(f"{base}/books/{synced['id']}", timeout=10).text
    assert "Josie Shapiro" in page

    edited = session.patch(url, json={"status": "read", "rating": 5}, timeout=10)
    assert edited.status_code == 200 and edited.json()["rating"] == 5
    assert session.delete(url, timeout=10).status_code == 204
    assert session.get(url, timeout=10).status_code == 404
    assert (tmp_path / "instance" / "booklib.db").exists()
    assert (tmp_path / "instance" / "secret_key").exists()


def test_an_entry_left_pending_by_a_killed_process_is_finished_after_restart(app_env, tmp_path, stub):
    stub.delay = 3.0  # the job is mid-flight when the process dies
    first = AppProcess(app_env, tmp_path / "first.log").start()
    session = requests.Session()
    try:
        register_and_login(first.url, session)
        entry = session.post(first.url + "/api/v1/books", json={"isbn": KNOWN_ISBN}, timeout=10).json()
    finally:
        first.kill()
    stub.delay = 0.0

    second = AppProcess(app_env, tmp_path / "second.log").start()
    try:
        login = {"email": "e2e@example.org", "password": "password1"}
        assert session.post(second.url + "/api/v1/auth/login", json=login, timeout=10).status_code == 200
        synced = wait_for_sync(session, f"{second.url}/api/v1/books/{entry['id']}")
        assert synced["sync_status"] == "SYNCED"
    finally:
        second.stop()
