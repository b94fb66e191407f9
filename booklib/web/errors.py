"""Errors become `{"error": {"code", "message"}}` under /api and friendly pages elsewhere."""

import logging

from flask import jsonify, make_response, render_template, request
from werkzeug.exceptions import HTTPException

from booklib.domain import errors as domain

log = logging.getLogger(__name__)

STATUS = {
    domain.ValidationError: 400,
    domain.InvalidCursorError: 400,
    domain.AuthenticationError: 401,
    domain.NotFoundError: 404,
    domain.ConflictError: 409,
    domain.TooManyAttemptsError: 429,
    domain.ImageTooLargeError: 413,
    domain.InvalidImageError: 422,
    domain.NoIsbnFoundError: 422,
    domain.UnknownFileError: 422,
    domain.MetadataUnavailableError: 503,
}


def status_for(error: domain.DomainError) -> int:
    for cls in type(error).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 400


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path.startswith("/health")


def error_response(status: int, code: str, message: str, field: str | None = None):
    if wants_json():
        body = {"code": code, "message": message}
        if field:
            body["field"] = field
        return jsonify({"error": body}), status
    return render_template("errors/error.html", status=status, message=message), status


def init_app(app) -> None:
    @app.errorhandler(domain.DomainError)
    def domain_error(error: domain.DomainError):
        response = error_response(status_for(error), error.code, error.message, error.field)
        if isinstance(error, domain.TooManyAttemptsError):
            response = make_response(*response)
            response.headers["Retry-After"] = str(error.retry_after_seconds)
        return response

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = (error.name or "error").lower().replace(" ", "_")
        if error.code == 413:
            message = f"The upload is too large: the limit is {app.config['MAX_CONTENT_LENGTH'] // (1024 * 1024)} MB."
        else:
            message = error.description or error.name
        response = error_response(error.code or 500, code, message)
        if error.code == 405 and hasattr(error, "valid_methods") and error.valid_methods:
            response[0].headers["Allow"] = ", ".join(error.valid_methods)
        return response

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(500, "internal_error", "Something went wrong on our side. Please try again.")
