"""scripts/migrate_sqlite_to_dynamo.py: nothing lost, nothing duplicated, conflicts reported."""

from __future__ import annotations

import pytest

from booklib.adapters.dynamodb.batch import scan_all
from booklib.adapters.dynamodb.records import user_records
from booklib.domain.model import User, utcnow
from booklib.entrypoints.migrate_cli import main
from booklib.web import create_app
from tests.support.moto_server import shared_moto_server

from .conftest import dynamodb_app, dynamodb_target

pytestmark = pytest.mark.slow  # moto servers, subprocesses and libraries of thousands of books


def everything_seen_by(app, people) -> dict:
    """What each user sees through the API: every page of the library, and every entry."""
    seen = {}
    for person in people:
        client = app.test_client()
        login = client.post("/api/v1/auth/login", json={"email": person.user.email.upper(), "password": person.password})
        assert login.status_code == 200
        pages, cursor = [], None
        while True:
            body = client.get("/api/v1/books?limit=25" + (f"&cursor={cursor}" if cursor else "")).get_json()
            pages.extend(body["items"])
            cursor = body["next_cursor"]
            if not cursor:
                break
        for query in ("status=read", "q=notebook", "sort=title", "sort=rating"):
            pages.append(client.get(f"/api/v1/books?limit=100&{query}").get_json()["items"])
        single = [client.get(f"/api/v1/books/{entry['id']}").get_json() for entry in pages[:5]]
        seen[person.user.id] = {"login": login.get_json(), "pages": pages, "single": single}
    return seen


def item_count(target) -> int:
    return sum(len(scan_all(target.client, name, key)) for name, key in
               zip(target.names.all(), ("user_id", "book_id", "user_book_id")))


@pytest.fixture(params=["moto", "moto-server"])
def target(request, aws_env):
    endpoint = shared_moto_server().url if request.param == "moto-server" else None
    with dynamodb_target(endpoint, aws_env) as target:
        yield target


def test_users_see_the_same_library_after_migration(settings, sqlite_library, target, capsys):
    people = sqlite_library
    before = everything_seen_by(create_app(settings), people)

    assert main(["--database-url", settings.database_url]) == 0
    out = capsys.readouterr().out
    assert "conflicts" in out and "Done" in out

    after = everything_seen_by(dynamodb_app(settings, target), people)
    assert after == before
    assert sum(len(v["pages"]) for v in after.values()) > 200


def test_personal_access_tokens_keep_working_after_migration(settings, sqlite_library, target, capsys):
    assert main(["--database-url", settings.database_url]) == 0
    assert "tokens" in capsys.readouterr().out
    client = dynamodb_app(settings, target).test_client()
    for person in sqlite_library:
        me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {person.token}"})
        assert me.status_code == 200 and me.get_json()["user"]["id"] == person.user.id


def test_running_again_changes_nothing_and_verify_agrees(settings, sqlite_library, target, capsys):
    assert main(["--database-url", settings.database_url]) == 0
    written = item_count(target)
    capsys.readouterr()
    assert main(["--database-url", settings.database_url]) == 0
    second = capsys.readouterr().out
    assert item_count(target) == written
    rows = {line.split()[0]: line.split() for line in second.splitlines() if line.startswith(("users", "books", "user_books"))}
    assert all(row[2] == "0" and row[1] == row[3] for row in rows.values()), second
    assert main(["--database-url", settings.database_url, "--verify"]) == 0
    assert "DIFFERENT" not in capsys.readouterr().out


def test_dry_run_writes_nothing(settings, sqlite_library, target, capsys):
    assert main(["--database-url", settings.database_url, "--dry-run"]) == 0
    assert "Dry run: nothing written" in capsys.readouterr().out
    assert item_count(target) == 0


def test_verify_names_an_altered_item(settings, sqlite_library, target, capsys):
    assert main(["--database-url", settings.database_url]) == 0
    some = next(iter(scan_all(target.client, target.names.user_books, "user_book_id").values()))
    some = {**some, "status": {"S": "read" if some.get("status", {}).get("S") != "read" else "reading"}}
    target.client.put_item(TableName=target.names.user_books, Item=some)
    capsys.readouterr()
    assert main(["--database-url", settings.database_url, "--verify"]) == 1
    out = capsys.readouterr().out
    assert f"{some['user_book_id']['S']} differs (status)" in out and "DIFFERENT" in out


def test_a_clashing_account_in_the_target_is_reported_not_overwritten(settings, sqlite_library, target, capsys):
    people = sqlite_library
    stranger = User("someone-else", "stranger", people[0].user.email, "hash", utcnow())
    for record in user_records(stranger, target.names):
        target.client.put_item(TableName=record.table, Item=record.item)

    assert main(["--database-url", settings.database_url]) == 1
    out = capsys.readouterr().out
    assert f"its email {people[0].user.email!r} belongs to someone-else" in out
    users = scan_all(target.client, target.names.users, "user_id")
    assert people[0].user.id not in users and users["someone-else"]["username"]["S"] == "stranger"
    entries = scan_all(target.client, target.names.user_books, "user_book_id").values()
    assert not any(e.get("user_id", {}).get("S") == people[0].user.id for e in entries)
    assert any(e.get("user_id", {}).get("S") == people[1].user.id for e in entries)


def test_missing_tables_are_refused_with_exit_2(settings, sqlite_library, aws_env, capsys):
    with dynamodb_target(None, aws_env) as target:
        target.client.delete_table(TableName=target.names.books)
        assert main(["--database-url", settings.database_url]) == 2
    err = capsys.readouterr().err
    assert "does not exist" in err and "aws bootstrap" in err and "Traceback" not in err


@pytest.mark.parametrize("problem", ["missing", "corrupt", "behind"])
def test_bad_sources_are_refused_with_exit_2(tmp_path, aws_env, capsys, problem):
    path = tmp_path / "library.db"
    if problem == "corrupt":
        path.write_bytes(b"this is not a database" * 100)
    if problem == "behind":
        import sqlite3

        sqlite3.connect(path).execute("CREATE TABLE users (id TEXT)").connection.commit()
    with dynamodb_target(None, aws_env):
        assert main(["--database-url", f"sqlite:///{path}"]) == 2
    err = capsys.readouterr().err
    says = {"missing": "No SQLite database", "corrupt": "not corrupt", "behind": "db upgrade"}[problem]
    assert says in err and err.count("\n") == 1


def test_an_unreachable_endpoint_is_refused_with_exit_2(settings, sqlite_library, aws_env, capsys):
    from tests.support.moto_server import free_port

    aws_env.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{free_port()}")
    assert main(["--database-url", settings.database_url]) == 2
    assert "Cannot reach DynamoDB" in capsys.readouterr().err


def test_a_signup_after_the_first_look_is_reported_not_overwritten(settings, sqlite_library, target, monkeypatch, capsys):
    """The copy looks at the target once, then writes: a reader who signs up on the new backend in
    between, with an email the copy also carries, keeps their account; the copy reports the clash."""
    import booklib.migration as migration
    from booklib.adapters.dynamodb.repositories import make_repositories
    from booklib.adapters.passwords.werkzeug import WerkzeugPasswordHasher
    from booklib.domain.services import AccountService

    first = sqlite_library[0].user
    live = AccountService(make_repositories(target.client, target.names).users, WerkzeugPasswordHasher())
    real_scan = migration.scan_all

    def scan_then_someone_signs_up(client, table, key):
        snapshot = real_scan(client, table, key)
        if table == target.names.users:
            live.register("newcomer", first.email, "a new password")
        return snapshot

    monkeypatch.setattr(migration, "scan_all", scan_then_someone_signs_up)
    assert main(["--database-url", settings.database_url]) == 1  # conflicts
    out = capsys.readouterr().out
    assert f"email {first.email.lower()!r} belongs to" in out
    assert live.authenticate(first.email, "a new password").username == "newcomer"  # still theirs
    guards = [item for item in scan_all(target.client, target.names.users, "user_id").values()
              if item["user_id"]["S"].startswith("GUARD#") and item["owner"]["S"] == first.id]
    assert guards == []  # no guard of the refused user stayed behind


def test_stats_and_goals_are_the_same_after_migration(settings, sqlite_library, target):
    people = sqlite_library[:3]
    source = create_app(settings)
    stats = source.extensions["booklib.container"].stats()
    for number, person in enumerate(people):
        stats.set_goal(person.user.id, 2026, 10 + number)

    def figures(app):
        seen = {}
        for person in people:
            client = app.test_client()
            client.post("/api/v1/auth/login", json={"email": person.user.email, "password": person.password})
            seen[person.user.id] = [client.get(f"/api/v1/stats?year={year}").get_json() for year in (2024, 2026)]
        return seen

    before = figures(source)
    assert main(["--database-url", settings.database_url]) == 0
    assert figures(dynamodb_app(settings, target)) == before
    assert {figures_[1]["goal"]["books"] for figures_ in before.values()} == {10, 11, 12}
