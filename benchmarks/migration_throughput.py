"""Migrate 10,000 entries to a moto server, against a raw batch_writer of as many items to the same endpoint.

Prints entries per second for both and their ratio (goal >= 0.7)."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from booklib.migration import Migration  # noqa: E402
from tests.support.dynamodb import DUMMY_CREDENTIALS, REGION, client_for, fresh_tables  # noqa: E402
from tests.support.library import one_reader_library  # noqa: E402
from tests.support.moto_server import MotoServer  # noqa: E402

ENTRIES = 10_000


def raw_batch_writer(endpoint: str, items: list[dict]) -> float:
    import boto3

    resource = boto3.resource("dynamodb", endpoint_url=endpoint, region_name=REGION, **DUMMY_CREDENTIALS)
    client = client_for(endpoint)
    with fresh_tables(client) as names:
        table = resource.Table(names.user_books)
        started = time.perf_counter()
        with table.batch_writer() as writer:
            for item in items:
                writer.put_item(Item=item)
        return time.perf_counter() - started


def main() -> None:
    os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION=REGION)
    with tempfile.TemporaryDirectory() as tmp, MotoServer() as server:
        engine = one_reader_library(f"sqlite:///{tmp}/library.db", ENTRIES)

        client = client_for(server.url)
        with fresh_tables(client) as names:
            started = time.perf_counter()
            reports = Migration(engine, client, names).run()
            migrated = time.perf_counter() - started
        items = sum(r.items_written for r in reports)

        plain = [{"user_book_id": f"item-{n:06d}", "user_id": "00000000-0000-4000-8000-000000000001", "status": "read", "rating": 4,
                  "date_added": "2026-01-01T00:00:00.000000+00:00", "title": f"Title {n}"} for n in range(items)]
        raw = raw_batch_writer(server.url, plain)

    print(f"migration: {ENTRIES} entries ({items} items with books and guard items) in {migrated:.2f} s "
          f"= {ENTRIES / migrated:.0f} entries/s")
    print(f"raw batch_writer: {items} items in {raw:.2f} s = {ENTRIES / raw:.0f} entries/s at the same item count")
    print(f"ratio: {raw / migrated:.2f} (goal >= 0.7)")


if __name__ == "__main__":
    main()
