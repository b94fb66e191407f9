"""The whole library as a file: GET /api/v1/export.csv (Goodreads' layout) and /api/v1/export.json.

Both are built in memory once the library is read (a page of 100 entries at a time), so a storage error
answers in the API's error shape instead of cutting a download short. Both need a logged-in user and
are never cached (`Cache-Control: no-store`): the file is the reader's private data. booklib.domain.exporting
documents what goes in them.
"""

from __future__ import annotations

from functools import wraps

from flask import Blueprint, Response
from flask_login import current_user

from booklib.domain import exporting
from booklib.domain.model import utcnow

from . import current
from .errors import error_response

bp = Blueprint("exports", __name__, url_prefix="/api/v1")


def api_login_required(view):
    """Like flask_login.login_required, but answering the API's 401 (login's unauthorized handler answers
    JSON only to the `api` blueprint and would redirect these to the login page)."""

    @wraps(view)
    def checked(*args, **kwargs):
        if not current_user.is_authenticated:
            return error_response(401, "unauthorized", "Log in first.")
        return view(*args, **kwargs)

    return checked


def _download(body: str, mimetype: str, name: str) -> Response:
    response = Response(body.encode("utf-8"), mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/export.csv")
@api_login_required
def export_csv():
    now = utcnow()
    entries = list(current.library().all_entries(current_user.id))
    return _download(exporting.csv_text(entries), "text/csv", exporting.filename(now, "csv"))


@bp.get("/export.json")
@api_login_required
def export_json():
    now = utcnow()
    entries = list(current.library().all_entries(current_user.id))
    body = exporting.json_text(current_user.username, current_user.email, entries, now)
    return _download(body, "application/json", exporting.filename(now, "json"))
