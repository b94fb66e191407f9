"""Open Library Books API (jscmd=data) by ISBN."""

from __future__ import annotations

import requests

from booklib.domain.model import BookMetadata

from .http import deadline_of_job, expected_shape, get_json, https, with_query


class OpenLibraryProvider:
    name = "Open Library"

    def __init__(self, base_url: str, session: requests.Session, timeout: float = 10.0):
        self.base_url = base_url.rstrip("/")
        self.session = session
        self.timeout = timeout

    def lookup(self, isbn: str, deadline: float | None = None) -> BookMetadata | None:
        key = f"ISBN:{isbn}"
        params = {"bibkeys": key, "format": "json", "jscmd": "data"}
        with deadline_of_job(deadline):
            payload = get_json(self.session, f"{self.base_url}/api/books", params, self.timeout, self.name)
        with expected_shape(self.name):
            return self._parse(payload, key)

    def _parse(self, payload, key: str) -> BookMetadata | None:
        if not isinstance(payload, dict) or not payload:
            return None
        data = payload.get(key) or next(iter(payload.values()))
        if not isinstance(data, dict):
            return None
        title, subtitle = data.get("title"), data.get("subtitle")
        cover = data.get("cover") or {}
        metadata = BookMetadata.from_provider(
            self.name,
            title=f"{title}: {subtitle}" if isinstance(title, str) and isinstance(subtitle, str) and title and subtitle
            else title,
            author=", ".join(a["name"] for a in data.get("authors") or [] if a.get("name")) or None,
            genre=next((s["name"] for s in data.get("subjects") or [] if s.get("name")), None),
            cover_image_url=cover_url(cover.get("large") or cover.get("medium") or cover.get("small"),
                                      self.base_url.startswith("https://")),
            description=_description(data),
            page_count=data.get("number_of_pages"),
        )
        return None if metadata.is_empty() else metadata


def cover_url(url: str | None, secure: bool = True) -> str | None:
    """An Open Library cover asked with default=false: a 404 when there is none, not a 1x1 placeholder."""
    return https(with_query(url, default="false"), upgrade=secure) if isinstance(url, str) else None


def _text(value) -> str | None:
    if isinstance(value, dict):
        value = value.get("value")
    return (value.strip() or None) if isinstance(value, str) else None


def _description(data: dict) -> str | None:
    # Edition notes are usually publisher remarks or links, so only excerpts stand in for a description.
    excerpts = data.get("excerpts") or []
    return _text(data.get("description")) or next(
        (t for t in (_text(e.get("text")) for e in excerpts if isinstance(e, dict)) if t), None
    )
