"""Use cases, a module each. Services take ports; they never know which adapter is behind one.

Each is imported on first use (PEP 562): an API request in a new Lambda container loads the accounts
and library services, not the import parsers, the metadata sync or the barcode scanner."""

from ..lazy import lazy_exports

_MODULES = {
    "AccountService": "accounts",
    "CoverService": "covers",
    "ImportService": "importing",
    "JobRunner": "jobs",
    "LibraryService": "library",
    "MetadataSyncService": "metadata_sync",
    "ScanService": "scanning",
    "StatsService": "stats",
    "TokenService": "tokens",
}
__all__ = sorted(_MODULES)

__getattr__, __dir__ = lazy_exports(__name__, _MODULES)
