"""MetadataProvider adapters: Google Books, Open Library, and a chain trying them in order."""

from .chain import ChainProvider
from .google_books import GoogleBooksProvider
from .http import RateLimiter, make_session
from .open_library import OpenLibraryProvider

__all__ = ["ChainProvider", "GoogleBooksProvider", "OpenLibraryProvider", "RateLimiter", "make_session"]
