"""The JSON API, /api/v1: the same services as the pages."""

from flask import Blueprint, jsonify, request
from flask_login import current_user, login_required

from booklib.domain.errors import ValidationError
from booklib.domain.model import ENTRY_FIELDS, ListQuery, names

from . import current
from .api_http import conditional
from .login import client_address, end_session, start_session

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def json_body() -> dict:
    body = request.get_json(silent=True)
    if not request.is_json:
        raise ValidationError("Send a JSON body with Content-Type: application/json.")
    if not isinstance(body, dict):
        raise ValidationError("The body must be a JSON object.")
    return body


@bp.post("/auth/register")
def register():
    body = json_body()
    user = current.accounts().register(body.get("username"), body.get("email"), body.get("password"))
    return jsonify(user=user.to_dict()), 201


@bp.post("/auth/login")
def login():
    body = json_body()
    user = current.accounts().authenticate(body.get("email"), body.get("password"), client_address())
    start_session(user)
    return jsonify(user=user.to_dict())


@bp.post("/auth/logout")
def logout():
    end_session()
    return "", 204


@bp.post("/auth/logout-everywhere")
@login_required
def logout_everywhere():
    current.accounts().end_all_sessions(current_user.id)
    end_session()
    return "", 204


@bp.post("/account/password")
@login_required
def change_password():
    body = json_body()
    current.accounts().change_password(
        current_user.id, body.get("current_password"), body.get("new_password"), keep_session=current_user.session_id
    )
    return "", 204


@bp.delete("/account")
@login_required
def delete_account():
    body = json_body()
    current.accounts().delete_account(current_user.id, body.get("password"))
    end_session()
    return "", 204


@bp.get("/auth/me")
@login_required
def me():
    return jsonify(user=current_user.user.to_dict())


@bp.get("/books")
@login_required
@conditional
def list_books():
    args = request.args
    query = ListQuery.parse(args.get("status"), args.get("q"), args.get("sort"), args.get("limit"), args.get("cursor"),
                            args.get("tag"))
    page = current.library().list_entries(current_user.id, query)
    return jsonify(items=[entry.to_dict() for entry in page.items], next_cursor=page.next_cursor)


@bp.post("/books")
@login_required
def add_book():
    body = json_body()
    unknown = set(body) - {"isbn", *ENTRY_FIELDS}
    if unknown:
        raise ValidationError(f"Unknown fields: {names(unknown)}.")
    fields = {k: body[k] for k in ENTRY_FIELDS if k in body and k not in ("title", "author")}
    library = current.library()
    if body.get("isbn") not in (None, ""):
        entry = library.add_by_isbn(
            current_user.id, body["isbn"], title=body.get("title"), author=body.get("author"), **fields
        )
    else:
        entry = library.add_manual(current_user.id, body.get("title"), author=body.get("author"), **fields)
    return jsonify(entry.to_dict()), 201


@bp.get("/books/<entry_id>")
@login_required
def get_book(entry_id: str):
    return jsonify(current.library().get_entry(current_user.id, entry_id).to_dict())


@bp.patch("/books/<entry_id>")
@login_required
def update_book(entry_id: str):
    entry = current.library().update_entry(current_user.id, entry_id, json_body())
    return jsonify(entry.to_dict())


@bp.delete("/books/<entry_id>")
@login_required
def delete_book(entry_id: str):
    current.library().delete_entry(current_user.id, entry_id)
    return "", 204


@bp.post("/books/<entry_id>/refresh")
@login_required
def refresh_book(entry_id: str):
    entry = current.library().refresh(current_user.id, entry_id)
    return jsonify(entry.to_dict()), 202


@bp.post("/scan")
@login_required
def scan():
    upload = request.files.get("image")
    if upload is None:
        raise ValidationError("Send the photo as a multipart form field named 'image'.", field="image")
    isbn = current.scanner().scan(upload.read())
    return jsonify(isbn=isbn.value)


@bp.post("/imports")
@login_required
def start_import():
    upload = request.files.get("file")
    if upload is None:
        raise ValidationError("Send the export as a multipart form field named 'file'.", field="file")
    job = current.imports().start(current_user.id, upload.read())
    return jsonify({"import": job.to_dict()}), 202


@bp.get("/imports")
@login_required
@conditional
def list_imports():
    return jsonify(imports=[job.to_dict() for job in current.imports().list(current_user.id)])


@bp.get("/imports/<import_id>")
@login_required
def get_import(import_id: str):
    from booklib.domain.imports.jobs import OUTCOMES  # the import modules load with the first import asked for

    outcome = request.args.get("outcome") or None
    if outcome is not None and outcome not in OUTCOMES:
        raise ValidationError(f"outcome must be one of: {', '.join(OUTCOMES)}.", field="outcome")
    job, rows = current.imports().report(current_user.id, import_id, outcome)
    return jsonify({"import": {**job.to_dict(), "rows": [row.to_dict() for row in rows]}})


@bp.get("/stats")
@login_required
def stats():
    return jsonify(current.stats().overview(current_user.id, request.args.get("year")))


@bp.put("/stats/goal")
@login_required
def set_goal():
    body = json_body()
    unknown = set(body) - {"year", "books"}
    if unknown:
        raise ValidationError(f"Unknown fields: {names(unknown)}.")
    goal = current.stats().set_goal(current_user.id, body.get("year"), body.get("books"))
    return jsonify(goal=goal)
