"""Errors the domain raises; the web layer maps them to HTTP answers."""


class DomainError(Exception):
    code = "error"

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class ValidationError(DomainError):
    code = "validation_error"


class ConflictError(DomainError):
    code = "conflict"


class NotFoundError(DomainError):
    code = "not_found"


class AuthenticationError(DomainError):
    code = "invalid_credentials"


class InvalidCursorError(ValidationError):
    code = "invalid_cursor"


class NoIsbnFoundError(DomainError):
    code = "no_isbn_found"


class InvalidImageError(DomainError):
    code = "invalid_image"


class ImageTooLargeError(DomainError):
    code = "image_too_large"


class MetadataUnavailableError(DomainError):
    """A provider could not be asked right now (timeouts, 429, 5xx after retries)."""

    code = "metadata_unavailable"


class StaleWriteError(DomainError):
    """Another write changed the record since it was read: read it again and redo the change."""

    code = "stale_write"


class TaskQueueError(DomainError):
    """A background job could not be queued (the queue service refused or could not be reached)."""

    code = "task_queue_unavailable"


class BackendNotReadyError(DomainError):
    """The storage backend cannot serve requests, for a reason booklib wrote (safe to show anyone)."""

    code = "backend_not_ready"
