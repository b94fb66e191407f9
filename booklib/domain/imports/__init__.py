"""Reading library exports (Goodreads, StoryGraph, booklib's own, a simple CSV) into rows to import.

Pure Python (csv, io, datetime, re): the import job, the API and the pages build on `read_import`.
booklib's own export format (the columns the exporter writes) is documented in `booklib_format`.
The names below load on first use (PEP 562): a request that reads no file never loads the readers.
"""

from ..lazy import lazy_exports

_MODULES = {
    "BOOKLIB_EXTRA_COLUMNS": "reader",
    "KNOWN_LAYOUTS": "reader",
    "NO_ISBN_NO_TITLE": "reader",
    "SOURCES": "reader",
    "ImportRow": "reader",
    "UnknownLayoutError": "reader",
    "read_import": "reader",
    "LONG_TEXT_LIMIT": "values",
}
__all__ = sorted(_MODULES)

__getattr__, __dir__ = lazy_exports(__name__, _MODULES)
