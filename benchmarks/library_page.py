"""A library page must not cost a query per entry, nor slow down with the size of the library.

Prints the SQL statements run for one API page of 50 entries (goal <= 3), and the median time
of that page for a user with 10,000 entries divided by one with 50 (goal <= 1.5)."""

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
from tests.support.library import bulk_fill  # noqa: E402

BIG, SMALL, PAGE, RUNS = 10_000, 50, 50, 60


def client_for(app, email: str):
    client = app.test_client()
    assert client.post("/api/v1/auth/login", json={"email": email, "password": "password1"}).status_code == 200
    return client


def median_page_time(client) -> float:
    samples = []
    for _ in range(RUNS):
        started = time.perf_counter()
        response = client.get(f"/api/v1/books?limit={PAGE}")
        samples.append(time.perf_counter() - started)
        assert response.status_code == 200 and len(response.get_json()["items"]) == PAGE
    return statistics.median(samples)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings.from_env(env={}, instance_path=tmp, database_url=f"sqlite:///{tmp}/bench.db",
                                     secret_key="bench", tasks="inline")
        app = create_app(settings)
        container = app.extensions["booklib.container"]
        accounts = container.accounts()
        big = accounts.register("big", "big@example.org", "password1")
        small = accounts.register("small", "small@example.org", "password1")
        engine = container.sql_engine()
        bulk_fill(engine, big.id, BIG)
        bulk_fill(engine, small.id, SMALL)

        big_client, small_client = client_for(app, "big@example.org"), client_for(app, "small@example.org")
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        big_client.get(f"/api/v1/books?limit={PAGE}")
        event.remove(engine, "before_cursor_execute", listener)

        big_time, small_time = median_page_time(big_client), median_page_time(small_client)
        print(f"SQL statements for one page of {PAGE}: {len(statements)} (goal <= 3)")
        for sql in statements:
            print("   ", " ".join(sql.split())[:110])
        print(f"median page time, {BIG} entries: {big_time * 1000:.2f} ms")
        print(f"median page time, {SMALL} entries: {small_time * 1000:.2f} ms")
        print(f"ratio: {big_time / small_time:.2f} (goal <= 1.5)")


if __name__ == "__main__":
    main()
