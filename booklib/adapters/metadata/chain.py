"""Asks metadata providers in order; the first that knows the book wins."""

from __future__ import annotations

from booklib.domain.errors import MetadataUnavailableError
from booklib.domain.model import BookMetadata


class ChainProvider:
    def __init__(self, providers: list):
        self.providers = list(providers)
        self.name = " and ".join(p.name for p in self.providers)

    def lookup(self, isbn: str, deadline: float | None = None) -> BookMetadata | None:
        failures = []
        for provider in self.providers:
            try:
                metadata = provider.lookup(isbn, deadline=deadline)
            except MetadataUnavailableError as error:
                failures.append(error.message)
                continue
            if metadata is not None and not metadata.is_empty():
                return metadata
        if failures:
            # Some provider could not answer, so "unknown book" would be a guess: let the job retry.
            raise MetadataUnavailableError("; ".join(failures))
        return None
