"""Migration 0006 on a library written before it: every entry gets its sort keys, search text and tag
rows, so listings, search and tags work at once on SQLite and on PostgreSQL."""

import contextlib
import json
from datetime import timedelta

import pytest
import sqlalchemy as sa
from alembic import command

from booklib.adapters.sqlite.repositories import SqlUserBookRepository
from booklib.adapters.sqlite.schema import alembic_config, upgrade_to_head
from booklib.domain.model import ListQuery, Sort, utcnow
from tests.support.backends import sql_engine
from tests.support.postgres import postgres_database


@contextlib.contextmanager
def sqlite_url(tmp_path):
    yield f"sqlite:///{tmp_path / 'old.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)])
def engine(request, tmp_path):
    where = sqlite_url(tmp_path) if request.param == "sqlite" else postgres_database(empty=True)
    with where as url:
        engine = sql_engine(url)
        try:
            yield engine
        finally:
            engine.dispose()


def test_entries_written_before_0006_list_sort_and_search_after_it(engine):
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0005")
    now = utcnow()
    meta = sa.MetaData()
    meta.reflect(engine, only=["users", "books", "user_books"])
    users, books, user_books = meta.tables["users"], meta.tables["books"], meta.tables["user_books"]
    titles = ["Book 10", "book 2", "Émile", None]
    with engine.begin() as conn:
        conn.execute(sa.insert(users), dict(id="u1", username="ann", username_key="ann", email="a@example.org",
                                            password_hash="x", created_at=now.replace(tzinfo=None)))
        for i, title in enumerate(titles):
            conn.execute(sa.insert(books), dict(id=f"b{i}", isbn=f"978026110334{i}", title=title, author=f"A{i}",
                                                created_at=now.replace(tzinfo=None), updated_at=now.replace(tzinfo=None)))
            conn.execute(sa.insert(user_books), dict(
                id=f"e{i}", user_id="u1", book_id=f"b{i}", status="read", sync_status="SYNCED", version=0,
                title="Zeta" if title is None else None, tags=json.dumps(["Club"]) if i % 2 else None,
                tag_keys="\nclub\n" if i % 2 else None,
                date_added=(now + timedelta(minutes=i)).replace(tzinfo=None), updated_at=now.replace(tzinfo=None)))

    upgrade_to_head(engine)

    repo = SqlUserBookRepository(engine)
    listed = lambda **q: [e.id for e in repo.list_entries("u1", ListQuery(**q)).items]  # noqa: E731
    assert listed(sort=Sort.TITLE) == ["e1", "e0", "e3", "e2"]  # code point order, as natural_key gives
    assert listed(q="émi") == ["e2"] and listed(q="0261103342") == ["e2"] and listed(q="zet") == ["e3"]
    assert listed(tag="club") == ["e3", "e1"]
