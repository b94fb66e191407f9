"""The whole app on DynamoDB (moto in-process): pages and API, readiness, `aws bootstrap`, no SQLite."""

import pytest
from dependency_injector import providers

from booklib.container import build_container
from booklib.web import create_app
from tests.conftest import KNOWN_ISBN
from tests.support.dynamodb import client_for, dummy_aws_env, moto_in_process


@pytest.fixture
def backend():
    return "dynamodb"


def test_a_library_round_trip_writes_no_sqlite_file(user, tmp_path):
    added = user.add(isbn=KNOWN_ISBN)
    assert added.status_code == 201
    entry = user.client.get(f"/api/v1/books/{added.json['id']}").json
    assert entry["sync_status"] == "SYNCED" and entry["title"]  # the inline job ran against the stub
    assert user.add(isbn=KNOWN_ISBN).status_code == 409
    assert user.client.patch(f"/api/v1/books/{entry['id']}", json={"rating": 5}).json["rating"] == 5
    listed = user.client.get("/api/v1/books?sort=rating").json
    assert [item["id"] for item in listed["items"]] == [entry["id"]]
    assert user.client.get("/books").status_code == 200
    assert user.client.delete(f"/api/v1/books/{entry['id']}").status_code == 204
    assert list(tmp_path.rglob("*.db")) == []


def test_registering_a_taken_name_answers_409(make_user, client):
    make_user("taken")
    body = {"username": "TAKEN", "email": "x@example.org", "password": "long enough"}
    answer = client.post("/api/v1/auth/register", json=body)
    assert answer.status_code == 409


def test_a_tampered_cursor_answers_400(user):
    answer = user.client.get("/api/v1/books?cursor=eyJmIjoiMDAwMCIsInAiOnt9fQ")
    assert answer.status_code == 400 and answer.json["error"]["code"] == "invalid_cursor"


def test_ready_when_the_tables_exist(client):
    answer = client.get("/health/ready")
    assert answer.status_code == 200 and answer.json["backend"] == "dynamodb"


def test_not_ready_with_a_reason_when_a_table_is_missing(app, client, settings):
    app.extensions["booklib.container"].dynamodb_client().delete_table(TableName=settings.books_table)
    answer = client.get("/health/ready")
    assert answer.status_code == 503
    assert settings.books_table in answer.json["reason"] and "bootstrap" in answer.json["reason"]


@pytest.fixture
def app_without_tables(settings, monkeypatch):
    """Before the first bootstrap; with the thread queue, whose start-up looks for pending jobs."""
    dummy_aws_env(monkeypatch)
    with moto_in_process():
        settings = settings.replace(backend="dynamodb", tasks="thread")
        container = build_container(settings)
        container.dynamodb_client.override(providers.Object(client_for(None)))
        yield create_app(settings, container)


def test_aws_bootstrap_creates_the_tables_once_and_then_reports_them(app_without_tables, settings):
    runner = app_without_tables.test_cli_runner()
    client = app_without_tables.test_client()
    assert client.get("/health/ready").status_code == 503

    first = runner.invoke(args=["aws", "bootstrap"])
    assert first.exit_code == 0, first.output
    assert first.output.count("Created table") == 8 and "user-index" in first.output  # tokens and stats included
    assert first.output.count("TTL on expires_at") == 2
    assert f"S3 bucket {settings.covers_bucket}: created (covers)" in first.output

    second = runner.invoke(args=["aws", "bootstrap"])
    assert second.exit_code == 0, second.output
    assert "Created" not in second.output and f"S3 bucket {settings.covers_bucket}: exists (covers)" in second.output
    for name in (settings.users_table, settings.books_table, settings.user_books_table, settings.sessions_table,
                 settings.login_attempts_table, settings.stats_table):
        assert f"Table {name} exists" in second.output
    assert client.get("/health/ready").status_code == 200



def test_an_unreachable_endpoint_is_logged_with_its_address_and_answered_without(caplog):
    from booklib.adapters.dynamodb.probe import DynamoBackendProbe
    from booklib.adapters.dynamodb.tables import TableNames
    from booklib.domain.errors import BackendNotReadyError
    from tests.support.moto_server import free_port

    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    probe = DynamoBackendProbe(client_for(url, attempts=1), TableNames("U", "B", "UB", "S", "LA", "I", "T"))
    with pytest.raises(BackendNotReadyError) as caught:
        probe.check()
    assert caught.value.message == "Cannot reach DynamoDB (see the log)."
    assert f"cannot reach DynamoDB at {url}" in caplog.text
