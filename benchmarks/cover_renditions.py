"""Covers kept at home: the time Pillow takes to make a cover's thumbnail and page-size JPEGs from
a 640x480 photo (the job does it once per book), their sizes in bytes, and the time the app takes to
serve a stored cover on the filesystem store. Figures only, never asserts."""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from booklib.adapters.covers.filesystem import FilesystemCoverStore  # noqa: E402
from booklib.adapters.covers.pillow import PillowCoverImaging  # noqa: E402
from booklib.config import Settings  # noqa: E402
from booklib.domain.covers import COVER_SIZES, PAGE  # noqa: E402
from booklib.web import create_app  # noqa: E402

PHOTO = ROOT / "tests/fixtures/covers/book_photo.jpg"
ROUNDS = 30


def median_ms(action, rounds: int = ROUNDS) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main() -> None:
    photo = PHOTO.read_bytes()
    imaging = PillowCoverImaging()
    images = imaging.renditions(photo)
    print(f"source: {len(photo)} bytes, 640x480 JPEG")
    print(f"renditions: median {median_ms(lambda: imaging.renditions(photo)):.1f} ms for "
          + ", ".join(f"{name} (box {w}x{h}) {len(images[name])} bytes" for name, (w, h) in COVER_SIZES.items()))

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings.from_env(env={}, instance_path=tmp, database_url=f"sqlite:///{tmp}/bench.db",
                                     secret_key="bench", tasks="inline")
        app = create_app(settings)
        book_id = str(uuid.uuid4())
        FilesystemCoverStore(Path(tmp) / "covers").put(book_id, images)
        client = app.test_client()
        url = f"/covers/{book_id}/{PAGE}.jpg?v=1"
        assert client.get(url).status_code == 200
        print(f"serving a stored page-size cover (filesystem, Flask test client): median {median_ms(lambda: client.get(url)):.2f} ms")


if __name__ == "__main__":
    main()
