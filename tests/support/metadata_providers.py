"""MetadataProvider adapters the contract suite (tests/contract/test_metadata_provider.py) runs against.

Each entry builds the provider over the local stub (tests/support/metadata_stub.py) and says which
recorded ISBN it knows and which stub paths it asks, so the suite can make those fail."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import requests

from tests.support.metadata_stub import GOOGLE_PREFIX

GOOGLE_PATH = GOOGLE_PREFIX + "/volumes"
OPEN_LIBRARY_PATH = "/api/books"


@dataclass(frozen=True)
class ProviderCase:
    build: Callable[[str, str, requests.Session, float], Any]  # (google url, open library url, session, timeout)
    known_isbn: str  # answered by the first source the provider asks
    known_title: str
    paths: tuple[str, ...]  # stub paths the provider asks, in order


def _google(google_url, open_library_url, session, timeout):
    from booklib.adapters.metadata import GoogleBooksProvider

    return GoogleBooksProvider(google_url, session, timeout=timeout)


def _open_library(google_url, open_library_url, session, timeout):
    from booklib.adapters.metadata import OpenLibraryProvider

    return OpenLibraryProvider(open_library_url, session, timeout=timeout)


def _chain(google_url, open_library_url, session, timeout):
    from booklib.adapters.metadata import ChainProvider

    return ChainProvider(
        [_google(google_url, open_library_url, session, timeout), _open_library(google_url, open_library_url, session, timeout)]
    )


METADATA_PROVIDERS: dict[str, ProviderCase] = {
    "google-books": ProviderCase(
        _google, "9781761186769", "Everything is Beautiful and Everything Hurts", (GOOGLE_PATH,)
    ),
    "open-library": ProviderCase(_open_library, "9780316030571", "Use of Weapons", (OPEN_LIBRARY_PATH,)),
    "chain": ProviderCase(
        _chain, "9781761186769", "Everything is Beautiful and Everything Hurts", (GOOGLE_PATH, OPEN_LIBRARY_PATH)
    ),
}
