"""Use cases, a module each. Services take ports; they never know which adapter is behind one."""

from .accounts import AccountService
from .covers import CoverService
from .importing import ImportService
from .jobs import JobRunner
from .library import LibraryService
from .metadata_sync import MetadataSyncService
from .scanning import ScanService
from .stats import StatsService
from .tokens import TokenService

__all__ = ["AccountService", "CoverService", "ImportService", "JobRunner", "LibraryService", "MetadataSyncService",
           "ScanService", "StatsService", "TokenService"]
