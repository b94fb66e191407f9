"""One entry point for every background job a queue delivers: a book's metadata lookup, or a chunk of
an import. The queues (threads locally, SQS on AWS) hand each message here."""

from __future__ import annotations

from ..errors import ValidationError
from .importing import ImportService
from .metadata_sync import MetadataSyncService


class JobRunner:
    def __init__(self, metadata_sync: MetadataSyncService, imports: ImportService):
        self.metadata_sync = metadata_sync
        self.imports = imports

    def handle_message(self, message: object, final_attempt: bool = True, deadline: float | None = None):
        """The job's outcome (a SyncStatus or ImportStatus), None when there was nothing to do."""
        if isinstance(message, dict) and "import_id" in message:
            import_id, chunk = message.get("import_id"), message.get("chunk")
            if not isinstance(import_id, str) or not isinstance(chunk, int) or isinstance(chunk, bool):
                raise ValidationError(f"Not an import job: {message!r:.200}")
            if message.get("lookups"):
                return self.imports.queue_lookups(import_id, chunk)
            job = self.imports.run_chunk(import_id, chunk, final_attempt=final_attempt)
            return job.status if job is not None else None
        return self.metadata_sync.handle_message(message, final_attempt=final_attempt, deadline=deadline)
