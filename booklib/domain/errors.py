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


class TooManyAttemptsError(DomainError):
    """Too many failed logins for an account or from an address: wait retry_after_seconds."""

    code = "too_many_attempts"

    def __init__(self, retry_after_seconds: int, message: str | None = None):
        self.retry_after_seconds = max(1, int(retry_after_seconds))
        super().__init__(
            message or f"Too many failed logins. Try again in {_duration(self.retry_after_seconds)}."
        )


def _duration(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = -(-seconds // 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


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


class UnknownFileError(ValidationError):
    """An uploaded file is not an export of a layout booklib reads; the message says which it reads."""

    code = "unknown_layout"
