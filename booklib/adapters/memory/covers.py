"""CoverStore in a dict: for tests and the in-memory backend; passes the CoverStore contract suite."""

from __future__ import annotations

import threading

from booklib.domain.covers import COVER_SIZES, PAGE, check_cover_key


class InMemoryCoverStore:
    def __init__(self):
        self._images: dict[tuple[str, str], bytes] = {}
        self._lock = threading.Lock()

    def put(self, book_id: str, images: dict[str, bytes]) -> None:
        for size in images:
            check_cover_key(book_id, size)
        with self._lock:
            self._images.update({(book_id, size): bytes(data) for size, data in images.items()})

    def get(self, book_id: str, size: str) -> bytes | None:
        check_cover_key(book_id, size)
        with self._lock:
            return self._images.get((book_id, size))

    def delete(self, book_id: str) -> None:
        check_cover_key(book_id, PAGE)
        with self._lock:
            for size in COVER_SIZES:
                self._images.pop((book_id, size), None)
