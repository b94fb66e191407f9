"""Use cases, a module each. Services take ports; they never know which adapter is behind one.

Each is imported on first use (PEP 562): an API request in a new Lambda container loads the accounts
and library services, not the import parsers, the metadata sync or the barcode scanner."""

from importlib import import_module

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


def __getattr__(name: str):
    if name not in _MODULES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{_MODULES[name]}"), name)


def __dir__():
    return __all__
