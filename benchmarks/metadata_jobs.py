"""200 metadata jobs on the thread pool against a stub that answers after 100 ms.

Each job asks for the book's details and then fetches its cover (kept at home), so the ideal is
(the requests the stub answered x 0.1 s / pool size). Prints total time over that; goal <= 1.5."""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from booklib.adapters.tasks.thread import ThreadTaskQueue  # noqa: E402
from booklib.config import Settings  # noqa: E402
from booklib.domain.isbn import ean13_check_digit  # noqa: E402
from booklib.domain.model import SyncStatus  # noqa: E402
from booklib.domain.services import LibraryService  # noqa: E402
from booklib.web import create_app  # noqa: E402
from tests.support.metadata_stub import MetadataStub  # noqa: E402

JOBS, DELAY, WORKERS = 200, 0.1, 4
RECORDED = json.loads((ROOT / "tests/fixtures/metadata/google_books_isbn_9781761186769.json").read_text())


def isbns(count: int) -> list[str]:
    bodies = [f"978000{n:06d}" for n in range(count)]
    return [body + ean13_check_digit(body) for body in bodies]


def main() -> None:
    with MetadataStub() as stub, tempfile.TemporaryDirectory() as tmp:
        for isbn in isbns(JOBS):
            stub.add_google(isbn, RECORDED)
        settings = Settings.from_env(
            env={}, instance_path=tmp, database_url=f"sqlite:///{tmp}/bench.db", secret_key="bench", tasks="inline",
            google_books_api_url=stub.google_url, open_library_url=stub.open_library_url, google_books_min_interval=0.0,
            open_library_covers_url=stub.open_library_url,
        )
        container = create_app(settings).extensions["booklib.container"]
        user = container.accounts().register("bench", "bench@example.org", "password1")
        # Add the entries with their jobs held back, so that only the timed part runs them.
        library = LibraryService(container.storage().books, container.storage().user_books, _HeldBack())
        ids = [library.add_by_isbn(user.id, isbn).id for isbn in isbns(JOBS)]
        queue = ThreadTaskQueue(container.metadata_sync().handle_message, max_workers=WORKERS)

        stub.delay = DELAY
        asked_before = len(stub.requests)
        started = time.perf_counter()
        for entry_id in ids:
            queue.enqueue_metadata_job(entry_id)
        queue.join()
        elapsed = time.perf_counter() - started
        queue.shutdown()

        repo = container.storage().user_books
        synced = sum(repo.get(i).sync_status is SyncStatus.SYNCED for i in ids)
        requests = len(stub.requests) - asked_before
        covers = sum(container.storage().books.get(repo.get(i).book_id).cover_image_url is not None for i in ids)
        ideal = requests * DELAY / WORKERS
        print(f"{JOBS} jobs ({requests} requests), stub delay {DELAY * 1000:.0f} ms, pool of {WORKERS}: "
              f"{elapsed:.2f} s, {synced} synced, {covers} covers kept")
        print(f"ideal {ideal:.2f} s; ratio {elapsed / ideal:.2f} (goal <= 1.5)")


class _HeldBack:
    """A TaskQueue that queues nothing."""

    def enqueue_metadata_job(self, user_book_id: str, bulk: bool = False) -> None:
        pass


if __name__ == "__main__":
    main()
