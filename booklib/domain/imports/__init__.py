"""Reading library exports (Goodreads, StoryGraph, booklib's own, a simple CSV) into rows to import.

Pure Python (csv, io, datetime, re): the import job, the API and the pages build on `read_import`.
booklib's own export format (the columns the exporter writes) is documented in `booklib_format`.
"""

from .reader import (
    BOOKLIB_EXTRA_COLUMNS,
    KNOWN_LAYOUTS,
    NO_ISBN_NO_TITLE,
    SOURCES,
    ImportRow,
    UnknownLayoutError,
    read_import,
)
from .values import LONG_TEXT_LIMIT

__all__ = [
    "BOOKLIB_EXTRA_COLUMNS",
    "KNOWN_LAYOUTS",
    "LONG_TEXT_LIMIT",
    "NO_ISBN_NO_TITLE",
    "SOURCES",
    "ImportRow",
    "UnknownLayoutError",
    "read_import",
]
