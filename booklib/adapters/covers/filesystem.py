"""CoverStore in a folder (locally: <instance>/covers): <book_id>/<size>.jpg, the same layout as the
S3 bucket's keys, so `aws s3 sync instance/covers s3://<bucket>` moves a library's covers to AWS."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from booklib.domain.covers import PAGE, check_cover_key


class FilesystemCoverStore:
    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def put(self, book_id: str, images: dict[str, bytes]) -> None:
        for size in images:
            check_cover_key(book_id, size)
        folder = self.root / book_id
        folder.mkdir(parents=True, exist_ok=True)
        for size, data in images.items():
            # Written aside, then renamed into place: a reader sees the old image or the new, whole.
            fd, draft = tempfile.mkstemp(dir=folder, prefix=f".{size}.")
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                os.replace(draft, folder / f"{size}.jpg")
            except BaseException:
                Path(draft).unlink(missing_ok=True)
                raise

    def get(self, book_id: str, size: str) -> bytes | None:
        check_cover_key(book_id, size)
        try:
            return (self.root / book_id / f"{size}.jpg").read_bytes()
        except FileNotFoundError:
            return None

    def delete(self, book_id: str) -> None:
        check_cover_key(book_id, PAGE)
        shutil.rmtree(self.root / book_id, ignore_errors=True)

