"""A library page must not cost a query per entry, nor slow down with the size of the library, in any
listing mode: newest first, by status, by tag, by title, by author, by rating, and a search.

For each mode, on SQLite and on PostgreSQL (a server started in a temporary directory, as the tests do,
where its binaries are installed), prints the SQL statements one API page of 50 runs (goal <= 3, the
reader's session and account lookups included) and the median time of the first and of the second page
for a reader with 10,000 entries divided by one with 50 (goal <= 1.5). Pages compared are of equal size:
50, or as many entries as the small library holds in that mode (its status, its tag, its search).

The libraries are written straight into the tables (tests/support/library.py): every fourth entry
carries the tag, every third the status, and the searched word is in the titles of 20 entries of each
library (so both search pages hold the same 20 entries).

    python benchmarks/library_page.py [sqlite|postgresql ...]"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from booklib.config import Settings  # noqa: E402
from booklib.web import create_app  # noqa: E402
from tests.support.library import SEARCH_WORD, TAG, bulk_fill  # noqa: E402

BIG, SMALL, PAGE, RUNS, HITS = 10_000, 50, 50, 25, 20
MODES = {
    "newest": "", "status": "&status=read", "tag": f"&tag={TAG}", "title": "&sort=title", "author": "&sort=author",
    "rating": "&sort=rating", "search": f"&q={SEARCH_WORD}",
}


def client_for(app, email: str):
    client = app.test_client()
    assert client.post("/api/v1/auth/login", json={"email": email, "password": "password1"}).status_code == 200
    return client


def page_urls(client, mode: str, limit: int) -> list[str]:
    """The first page's URL and the second's (through the first page's cursor), where there is one."""
    first = f"/api/v1/books?limit={limit}{MODES[mode]}"
    cursor = client.get(first).get_json()["next_cursor"]
    return [first, f"{first}&cursor={cursor}"] if cursor else [first]


def median_time(client, url: str) -> float:
    samples = []
    for _ in range(RUNS):
        started = time.perf_counter()
        response = client.get(url)
        samples.append(time.perf_counter() - started)
        assert response.status_code == 200, response.get_data(as_text=True)
    return statistics.median(samples)


def measure(name: str, database_url: str, tmp: str) -> None:
    settings = Settings.from_env(env={}, instance_path=tmp, database_url=database_url, secret_key="bench",
                                 tasks="inline")
    if not settings.upgrades_schema_at_start:
        from tests.support.sql import migrated_engine

        migrated_engine(database_url).dispose()
    app = create_app(settings)
    container = app.extensions["booklib.container"]
    accounts = container.accounts()
    big = accounts.register("big", "big@example.org", "password1")
    small = accounts.register("small", "small@example.org", "password1")
    engine = container.sql_engine()
    bulk_fill(engine, big.id, BIG, hits=HITS)
    bulk_fill(engine, small.id, SMALL, hits=HITS)
    if engine.dialect.name == "postgresql":  # what autovacuum does after such a load
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
    big_client, small_client = client_for(app, "big@example.org"), client_for(app, "small@example.org")

    print(f"== {name}: {BIG} entries against {SMALL}, pages of {PAGE}, median of {RUNS}")
    print(f"{'mode':8} {'stmts':>5} {'items':>11} {'page 1 ms':>17} {'ratio':>6} {'page 2 ms':>17} {'ratio':>6}")
    for mode in MODES:
        # Pages of equal size: where the small library holds fewer than 50 entries of the mode, as many.
        limit = len(small_client.get(f"/api/v1/books?limit={PAGE}{MODES[mode]}").get_json()["items"])
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        url = f"/api/v1/books?limit={limit}{MODES[mode]}"
        event.listen(engine, "before_cursor_execute", listener)
        items = len(big_client.get(url).get_json()["items"])
        event.remove(engine, "before_cursor_execute", listener)
        small_items = len(small_client.get(url).get_json()["items"])
        cells = []
        small_pages = page_urls(small_client, mode, limit) + [url]  # one page only: compare with its first
        for big_url, small_url in zip(page_urls(big_client, mode, limit), small_pages):
            big_time = median_time(big_client, big_url)
            small_time = median_time(small_client, small_url)
            cells.append(f"{big_time * 1000:7.2f} / {small_time * 1000:6.2f} {big_time / small_time:6.2f}")
        print(f"{mode:8} {len(statements):5} {items:5} / {small_items:3} {'  '.join(cells)}")
    engine.dispose()
    print("goal: at most 3 statements a page, ratio <= 1.5")


def main(backends: list[str]) -> None:
    for backend in backends:
        with tempfile.TemporaryDirectory() as tmp:
            if backend == "sqlite":
                measure("SQLite", f"sqlite:///{tmp}/bench.db", tmp)
                continue
            from tests.support.postgres import PostgresServer, postgres_skip_reason

            reason = postgres_skip_reason()
            if reason:
                print(f"== PostgreSQL: skipped, {reason}")
                continue
            server = PostgresServer()
            try:
                server.start()
                measure("PostgreSQL", server.new_empty_database(), tmp)
            finally:
                server.stop()


if __name__ == "__main__":
    main(sys.argv[1:] or ["sqlite", "postgresql"])
