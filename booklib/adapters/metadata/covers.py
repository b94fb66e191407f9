"""CoverSource over HTTP: the cover the metadata named, else Open Library's cover of the ISBN.

Open Library is asked with default=false, so a book without a cover is a 404 rather than a 1x1
placeholder. Answers are bounded in size and time like the metadata calls (http.py)."""

from __future__ import annotations

import requests

from booklib.domain.errors import MetadataUnavailableError

from .http import deadline_of_job, get_image
from .open_library import cover_url

# A cover is a few hundred kilobytes at most; anything past this is not one worth keeping.
MAX_COVER_BYTES = 5 * 1024 * 1024


class HttpCoverSource:
    name = "cover services"

    def __init__(self, session: requests.Session, open_library_covers_url: str, timeout: float = 10.0):
        self.session = session
        self.covers_url = open_library_covers_url.rstrip("/")
        self.timeout = timeout

    def fetch(self, isbn: str, hint: str | None = None, deadline: float | None = None) -> bytes | None:
        by_isbn = cover_url(f"{self.covers_url}/b/isbn/{isbn}-L.jpg", secure=False)
        failures = []
        with deadline_of_job(deadline):
            for url in dict.fromkeys(u for u in (hint, by_isbn) if u):
                try:
                    image = get_image(self.session, url, self.timeout, _host(url), MAX_COVER_BYTES)
                except MetadataUnavailableError as error:
                    failures.append(error.message)
                    continue
                if image:
                    return image
        if failures:
            raise MetadataUnavailableError("; ".join(failures))
        return None


def _host(url: str) -> str:
    return requests.utils.urlparse(url).hostname or "the cover service"
