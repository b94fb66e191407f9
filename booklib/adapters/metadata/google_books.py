"""Google Books volumes search by ISBN."""

from __future__ import annotations

import requests

from booklib.domain.model import BookMetadata

from .http import RateLimiter, deadline_of_job, expected_shape, get_json, https, with_query

IMAGE_SIZES = ("extraLarge", "large", "medium", "small", "thumbnail", "smallThumbnail")


class GoogleBooksProvider:
    name = "Google Books"

    def __init__(
        self,
        base_url: str,
        session: requests.Session,
        api_key: str | None = None,
        timeout: float = 10.0,
        min_interval: float = 0.0,
    ):
        self.base_url = base_url.rstrip("/")
        self.session = session
        self.api_key = api_key
        self.timeout = timeout
        self.limiter = RateLimiter(min_interval)

    def lookup(self, isbn: str, deadline: float | None = None) -> BookMetadata | None:
        params = {"q": f"isbn:{isbn}"}
        if self.api_key:
            params["key"] = self.api_key
        self.limiter.wait()
        with deadline_of_job(deadline):
            payload = get_json(self.session, f"{self.base_url}/volumes", params, self.timeout, self.name)
        with expected_shape(self.name):
            return self._parse(payload, isbn)

    def _parse(self, payload, isbn: str) -> BookMetadata | None:
        items = payload.get("items") if isinstance(payload, dict) else None
        if not items:
            return None
        info = _best_item(items, isbn).get("volumeInfo") or {}
        metadata = BookMetadata.from_provider(
            self.name,
            title=_title(info),
            author=", ".join(info.get("authors") or []) or None,
            genre=(info.get("categories") or [None])[0],
            cover_image_url=_cover(info.get("imageLinks") or {}, self.base_url.startswith("https://")),
            description=info.get("description"),
            page_count=info.get("pageCount"),
        )
        return None if metadata.is_empty() else metadata


def _best_item(items: list[dict], isbn: str) -> dict:
    wanted = isbn.replace("-", "").strip().upper()
    for item in items:
        identifiers = (item.get("volumeInfo") or {}).get("industryIdentifiers") or []
        if any(str(i.get("identifier", "")).upper() == wanted for i in identifiers):
            return item
    return items[0]


def _title(info: dict) -> str | None:
    title, subtitle = info.get("title"), info.get("subtitle")
    if isinstance(title, str) and isinstance(subtitle, str) and title and subtitle:
        return f"{title}: {subtitle}"
    return title or None


def _cover(links: dict, secure: bool) -> str | None:
    """The largest image Google links, without the page curl it draws on thumbnails (edge=curl)."""
    for size in IMAGE_SIZES:
        if isinstance(links.get(size), str) and links[size]:
            return https(with_query(links[size], drop=("edge",)), upgrade=secure)
    return None
