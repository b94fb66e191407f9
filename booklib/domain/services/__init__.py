"""Use cases, a module each. Services take ports; they never know which adapter is behind one."""

from .accounts import AccountService
from .library import LibraryService
from .metadata_sync import MetadataSyncService
from .scanning import ScanService

__all__ = ["AccountService", "LibraryService", "MetadataSyncService", "ScanService"]
